/// Routing rules: which unit takes tickets of a category.
struct AdminRoutingPageModel: PageModel {
    let chrome: ChromeModel
    let rules: [Rule]
    let units: [ChoiceModel]

    /// One rule.
    struct Rule: TemplateModel {
        let id: Int64
        let prefix: String
        let category: String
        let unit: String
        let note: String
    }
}

/// Administration of units (单位): the tree of the admin's center, and the form to add one.
struct AdminUnitsPageModel: PageModel {
    let chrome: ChromeModel
    let units: [Unit]
    let kinds: [OptionModel]

    /// One unit, indented under its parent.
    struct Unit: TemplateModel {
        let id: Int64
        let name: String
        let kind: String
        let code: String
        let regionCode: String
        let active: Bool
        let depth: String
    }
}

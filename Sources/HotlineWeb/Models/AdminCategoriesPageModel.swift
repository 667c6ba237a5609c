/// The category tree (分类), three levels deep, and the CSV import.
struct AdminCategoriesPageModel: PageModel {
    let chrome: ChromeModel
    let tree: [Node]
    let total: Int

    /// A category with its children.
    struct Node: TemplateModel {
        let code: String
        let name: String
        let description: String
        let children: [Node]
        let count: Int
    }
}

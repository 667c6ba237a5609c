/// 知识共享: the knowledge bases this center follows, and its entries as files.
struct KnowledgeSharingPageModel: PageModel {
    let chrome: ChromeModel
    let managesSources: Bool
    let mayImport: Bool
    let sources: [Source]

    struct Source: TemplateModel {
        let id: Int64
        let name: String
        let url: String
        let categories: String
        let active: Bool
        let received: Int64
        let lastSuccess: String
        let lastError: String?
    }
}

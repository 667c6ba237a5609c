/// 查漏纠错: errors reported in knowledge entries, open ones with a form to resolve them.
struct KnowledgeReportsPageModel: PageModel {
    let chrome: ChromeModel
    let reports: [Report]

    /// One report.
    struct Report: TemplateModel {
        let id: Int64
        let entryId: Int64
        let question: String
        let reporter: String
        let text: String
        let status: String
        let open: Bool
        let resolution: String
        let resolvedBy: String
        let createdAt: String
    }
}

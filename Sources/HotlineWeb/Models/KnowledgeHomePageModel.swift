/// 知识库 home: the search with its hits, and for those who manage entries, the entries by status.
struct KnowledgeHomePageModel: PageModel {
    let chrome: ChromeModel
    let q: String
    var searched = false
    var hits: [KnowledgeHitModel] = []
    /// May write entries (a link to a new one).
    let writes: Bool
    /// A knowledge editor (a link to the synonyms).
    let editor: Bool
    /// Sees the entries by status, and the error reports.
    var manages = false
    var tabs: [TabModel] = []
    var entries: [Entry] = []

    /// One entry in the list.
    struct Entry: TemplateModel {
        let id: Int64
        let question: String
        let status: String
        let source: String
        let version: Int
        let updatedAt: String
        let usage: Int
        let helpful: Int
    }
}

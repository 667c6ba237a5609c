/// The synonym groups the knowledge search expands, one group a line.
struct KnowledgeSynonymsPageModel: PageModel {
    let chrome: ChromeModel
    let groups: String
    let count: Int
}

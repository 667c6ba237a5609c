/// 常见问题: the published knowledge a citizen may search.
struct PortalKnowledgePageModel: PageModel {
    let chrome: ChromeModel
    let q: String
    var searched = false
    var hits: [KnowledgeHitModel] = []
}

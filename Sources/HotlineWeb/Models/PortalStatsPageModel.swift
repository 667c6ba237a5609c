/// 数据公开: the published month's volumes, rates and ranking, for the public (no personal data).
struct PortalStatsPageModel: PageModel {
    let chrome: ChromeModel
    let period: String?
    let publishedAt: String?
    let total: Int
    let rates: [ReportPageModel.Rate]
    let categoryChart: String
    let channelChart: String
    let ranking: [RankLineModel]
}

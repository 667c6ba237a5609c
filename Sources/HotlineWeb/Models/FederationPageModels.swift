/// 上级平台: this city's link to its provincial platform — the settings, and how the link runs.
struct AdminUpstreamPageModel: PageModel {
    let chrome: ChromeModel
    let linked: Bool
    let url: String
    let active: Bool
    let identities: [OptionModel]
    let sent: Int64
    let refused: Int64
    let pending: Int64
    let lastSuccess: String
    let lastError: String?
    let lastErrorAt: String
    let reconciled: String
}

/// 数据归集质量: each city platform's month on the province.
struct FederationQualityPageModel: PageModel {
    let chrome: ChromeModel
    let month: String
    let rows: [Row]
    var hasRows: Bool { !rows.isEmpty }
    /// Each city's score as a bar chart (SVG drawn on the server).
    let chart: String

    struct Row: TemplateModel {
        let city: String
        let tickets: Int
        let completeness: String
        let timeliness: String
        let stability: String
        let reconciled: Int
        let gaps: Int
        let score: String
    }
}

/// The ticket page's panel for a ticket that crossed between province and city.
struct FederationPanelModel: TemplateModel {
    /// A city's read-only copy on the province, or a province ticket on the city.
    let copy: Bool
    let text: String
}

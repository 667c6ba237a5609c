/// A number on a screen with what it compares to.
struct TileModel: TemplateModel {
    let label: String
    let value: String
    let note: String?
    let href: String?
    let warn: Bool
}

/// One hotspot as the lists show it.
struct HotspotModel: TemplateModel {
    struct Member: TemplateModel {
        let number: String
        let href: String?
    }

    let rank: Int
    let heat: String
    let range: String
    let place: String
    let description: String
    let count: Int
    let requesters: Int
    let members: [Member]
    /// One of its tickets, by which the server finds the hotspot again.
    let member: Int64
}

/// One early warning as the lists show it, with the acknowledgement form when it is open.
struct WarningModel: TemplateModel {
    let id: Int64
    let kind: String
    let title: String
    let day: String
    let count: Int
    let status: String
    let open: Bool
    let note: String?
    let tickets: [HotspotModel.Member]
    let mayAcknowledge: Bool
    /// Where the acknowledgement returns to (`desk`), when not the warnings page.
    let back: String?
}

/// A line of a ranking.
struct RankLineModel: TemplateModel {
    let group: String
    let rank: Int
    let unit: String
    let score: String
    let red: Bool
    let black: Bool
}

/// 领导驾驶舱: today's work, the month's rates, the trend, what is rising, the ranking.
struct DashboardPageModel: PageModel {
    let chrome: ChromeModel
    let day: String
    let tiles: [TileModel]
    let rates: [TileModel]
    let trendChart: String
    let channelChart: String
    let hotspots: [HotspotModel]
    let warnings: [WarningModel]
    let red: [RankLineModel]
    let black: [RankLineModel]
    let month: String
}

/// 数据分析: one period's volumes by a dimension with 环比 and 同比, the trend and the heat grid.
struct VolumesPageModel: PageModel {
    struct Row: TemplateModel {
        let name: String
        let current: Int
        let previous: Int
        let yearBefore: Int
        let share: String
        let periodOnPeriod: String
        let yearOnYear: String
        let rising: Bool
        /// The tickets behind the number, for who may search tickets.
        var href: String? = nil
    }

    let chrome: ChromeModel
    let period: String
    let previousHref: String
    let nextHref: String
    let dimensions: [TabModel]
    let dimension: String
    let dimensionLabel: String
    let total: Int
    let previousTotal: Int
    let yearBeforeTotal: Int
    let totalPeriodOnPeriod: String
    let totalYearOnYear: String
    let rows: [Row]
    let barChart: String
    let trendChart: String
    let heatChart: String
    let exportCSV: String
    let exportXLSX: String
}

/// 热点问题: clusters of the window, hottest first.
struct HotspotsPageModel: PageModel {
    let chrome: ChromeModel
    let days: Int
    let hotspots: [HotspotModel]
    let mayHandle: Bool
    /// Whether the viewer may also dispatch a group matter together, and to which units.
    let mayDispatch: Bool
    let units: [OptionModel]
    let flash: String?
}

/// 预警: the center's warnings, open first.
struct WarningsPageModel: PageModel {
    let chrome: ChromeModel
    let warnings: [WarningModel]
    let flash: String?
}

/// 报告: the archive, and the form that generates one now.
struct ReportsPageModel: PageModel {
    struct Line: TemplateModel {
        let href: String
        let title: String
        let kind: String
        let period: String
        let version: Int
        let generatedAt: String
    }

    let chrome: ChromeModel
    let reports: [Line]
    let kinds: [OptionModel]
    let suggestedPeriod: String
}

/// One report, as it prints on A4.
struct ReportPageModel: PageModel {
    struct VolumeTable: TemplateModel {
        let title: String
        let rows: [VolumesPageModel.Row]
    }

    struct Rate: TemplateModel {
        let name: String
        let value: String
        let counts: String
    }

    let chrome: ChromeModel
    let title: String
    let subtitle: String
    let note: String?
    let summary: String
    let rates: [Rate]
    let trendChart: String
    let categoryChart: String
    let channelChart: String
    let heatChart: String
    let tables: [VolumeTable]
    let ranking: [RankLineModel]
    let hotspots: [HotspotModel]
    let warnings: [WarningModel]
    let xlsxHref: String?
    let csvHref: String?
}

import Foundation
import HotlineCore
import SQLKit

/// The kinds of report a center issues (报告).
public enum ReportKind: String, Labelled {
    case daily, weekly, monthly, special

    public var label: String {
        switch self {
        case .daily: "日报"
        case .weekly: "周报"
        case .monthly: "月报"
        case .special: "专报"
        }
    }

    /// The period a scheduled report of this kind covers; any period for a special report.
    public func accepts(_ period: AssessmentPeriod) -> Bool {
        switch self {
        case .daily: period.kind == .day
        case .weekly: period.kind == .week
        case .monthly: period.kind == .month
        case .special: true
        }
    }
}

/// One center-wide rate of a report, summed over the units' numerators and denominators.
public struct ReportRate: Sendable, Codable, Equatable {
    public var code: String
    public var name: String
    public var numerator: Double
    public var denominator: Double
    public var value: Double? { denominator > 0 ? numerator / denominator : nil }
}

/// The list a ranked unit is on: 红榜 (the best of its group) or 黑榜 (the worst).
public enum RankList: String, Labelled {
    case red, black

    public var label: String {
        switch self {
        case .red: "红榜"
        case .black: "黑榜"
        }
    }
}

/// A line of a report's ranking.
public struct ReportRankLine: Sendable, Codable, Equatable {
    public var group: String
    public var rank: Int
    public var unit: String
    public var score: Double
    public var list: RankList?
}

extension AssessmentReport {
    /// The center-wide rates of `codes`: the sums of every unit's numerators over the sums of their denominators.
    public func centerRates(_ codes: [String]) -> [ReportRate] {
        codes.compactMap { code -> ReportRate? in
            guard let indicator = scheme.indicators.first(where: { $0.code == code }) else { return nil }
            let values = results.compactMap { $0.value(code) }
            return ReportRate(code: code, name: indicator.name, numerator: values.map(\.numerator).reduce(0, +),
                              denominator: values.compactMap(\.denominator).reduce(0, +))
        }
    }

    /// Every ranked unit of every group, with the list it is on.
    public var rankLines: [ReportRankLine] {
        groups.flatMap { group in
            let red = Set(group.ranking.redList.map(\.unitId))
            let black = Set(group.ranking.blackList.map(\.unitId))
            return group.ranking.entries.map {
                ReportRankLine(group: group.name, rank: $0.rank, unit: units[$0.unitId] ?? "#\($0.unitId)", score: $0.score,
                               list: red.contains($0.unitId) ? .red : black.contains($0.unitId) ? .black : nil)
            }
        }
    }
}

/// Counts of a district × category grid (热力格).
public struct HeatGrid: Sendable, Codable, Equatable {
    public var rows: [String]
    public var columns: [String]
    public var counts: [[Int]]
}

/// A report (日报、周报、月报、专报): the period's volumes by every dimension with 环比 and 同比, the trend, the heat grid,
/// the center-wide rates, the ranking, the hotspots and the warnings. Generated from the tickets, archived as it was.
public struct AnalysisReport: Sendable, Codable, Equatable {
    public var id: Int64?
    public var version: Int?
    public var kind: ReportKind
    public var period: String
    public var title: String
    public var note: String?
    public var generatedAt: Date
    public var volumes: [VolumeReport]
    public var trend: [TrendPoint]
    public var trendGranularity: Granularity
    public var heat: HeatGrid
    public var rates: [ReportRate]
    public var ranking: [ReportRankLine]
    public var hotspots: [Hotspot]
    public var warnings: [EarlyWarning]

    public func volume(_ dimension: VolumeDimension) -> VolumeReport? { volumes.first { $0.dimension == dimension } }
}

/// An archived report's heading, for the list.
public struct ReportSummary: Sendable, Codable, Equatable {
    public var id: Int64
    public var kind: ReportKind
    public var period: String
    public var version: Int
    public var title: String
    public var generatedAt: Date
}

extension Store {
    /// The rates a report shows, by indicator code.
    static let reportRates = ["onTimeSigning", "onTimeCompletion", "completion", "satisfaction", "resolution", "callback"]

    /// Builds the report of `period` for the actor's center (the system names the center), without archiving it.
    public func buildReport(kind: ReportKind, period: AssessmentPeriod, title: String? = nil, note: String? = nil, centerId chosen: Int64? = nil,
                            withHotspots: Bool = true, for actor: Actor) async throws -> AnalysisReport {
        try actor.require(.viewAnalysis)
        guard kind.accepts(period) else {
            throw HotlineError.invalid("period", "\(kind.label)的周期须为\(kind == .daily ? "一天" : kind == .weekly ? "一周" : "一个月") (the period does not fit the report)")
        }
        guard let centerId = actor.kind == .system ? chosen : try actor.requireCenter() else { throw HotlineError.notFound("热线中心") }
        let reader = actor.kind == .system ? Actor.system : actor
        let centerScope: SQLQueryString = "t.center_id = \(bind: centerId)"
        var volumes: [VolumeReport] = []
        for dimension in VolumeDimension.allCases { volumes.append(try await centerVolumes(dimension, period: period, centerId: centerId)) }
        let (trendFrom, granularity) = Granularity.trend(for: period)
        let (daily, grid, centerName) = try await database.read { db in
            let daily = try await self.dailyCounts(keyed: nil, from: trendFrom, to: period.end, .system, db, also: centerScope)
            let grid = try await self.heatGrid(period: period, .system, db, also: centerScope)
            let center = try await db.raw("SELECT name FROM units WHERE id = \(bind: centerId)").first()?.decode(column: "name", as: String.self) ?? ""
            return (daily, grid, center)
        }
        let trend = Volumes.series(daily, from: trendFrom, to: period.end, by: granularity).map {
            TrendPoint(start: $0.start, label: granularity.label(of: $0.start), count: $0.count)
        }
        let assessment = try await assessmentReport(period: period, centerId: centerId, for: reader)
        let rates = try await centerRates(assessment, period: period, centerId: centerId)
        let ranking = assessment.rankLines
        // The last 30 days of the period, or of it so far.
        let (start, end) = period.instants
        let until = min(end, now)
        let hotspots = withHotspots && start < until
            ? try await hotspots(from: max(start, until.addingTimeInterval(-30 * 86_400)), to: until, limit: 10, centerId: centerId, for: reader) : []
        let warnings = try await database.read { db in
            try await db.raw("""
                SELECT * FROM warnings WHERE center_id = \(bind: centerId) AND last_day >= \(bind: period.start.description)
                  AND day < \(bind: period.end.description) ORDER BY day, id LIMIT 50
                """).all().map(Self.warning)
        }
        let given = title.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        guard (given ?? "").count <= 100 else { throw HotlineError.invalid("title", "标题不超过100字 (at most 100 characters)") }
        guard (note ?? "").count <= 2000 else { throw HotlineError.invalid("note", "说明不超过2000字 (at most 2,000 characters)") }
        // A long center name is cut rather than refused: the scheduled reports must not fail on it.
        let heading = given ?? String("\(centerName)\(Self.periodName(period))\(kind.label)".suffix(100))
        return AnalysisReport(id: nil, version: nil, kind: kind, period: period.code, title: heading, note: note, generatedAt: now, volumes: volumes,
                              trend: trend, trendGranularity: granularity, heat: grid, rates: rates, ranking: ranking, hotspots: hotspots,
                              warnings: warnings)
    }

    /// The rates a report and the dashboard show: the units' sums of the assessment, then the center's 一次性办结率.
    func centerRates(_ assessment: AssessmentReport, period: AssessmentPeriod, centerId: Int64) async throws -> [ReportRate] {
        assessment.centerRates(Self.reportRates) + [try await oneContactRate(centerId: centerId, period: period)]
    }

    /// The district × category grid of a period's tickets within the actor's scope (数据分析's heat grid).
    public func heatGrid(period: AssessmentPeriod, for actor: Actor) async throws -> HeatGrid {
        try actor.require(.viewAnalysis)
        return try await database.read { db in try await self.heatGrid(period: period, actor, db) }
    }

    func heatGrid(period: AssessmentPeriod, _ actor: Actor, _ db: any SQLDatabase, also: SQLQueryString? = nil) async throws -> HeatGrid {
        let cells = try await dailyCounts(keyed: Self.riseKey, from: period.start, to: period.end, actor, db, also: also)
        let names = try await keyNames(.category, actor, db).merging(try await keyNames(.district, actor, db)) { a, _ in a }
        return Self.heatGrid(cells, names: names)
    }

    /// 一次性办结率, the center's own: consultations answered on contact (直接办结) ÷ consultations recorded in the
    /// period, those refused or merged into another left out.
    func oneContactRate(centerId: Int64, period: AssessmentPeriod) async throws -> ReportRate {
        let (start, end) = period.instants
        let row = try await database.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS total, COUNT(answer) AS answered FROM tickets
                WHERE center_id = \(bind: centerId) AND type = 'consultation' AND status NOT IN ('rejected', 'merged')
                  AND created_at >= \(bind: start.millis) AND created_at < \(bind: end.millis)
                """).first()
        }
        return ReportRate(code: "oneContact", name: "一次性办结率", numerator: Double(try row?.decode(column: "answered", as: Int.self) ?? 0),
                          denominator: Double(try row?.decode(column: "total", as: Int.self) ?? 0))
    }

    /// A period as a heading names it: 2026年11月, 2026年第48周, 2026年11月3日, 2026年第4季度.
    public static func periodName(_ period: AssessmentPeriod) -> String {
        switch period.kind {
        case .day: "\(period.start.year)年\(period.start.month)月\(period.start.day)日"
        case .week: "\(period.code.prefix(4))年第\(Int(period.code.suffix(2)) ?? 0)周"
        case .month: "\(period.start.year)年\(period.start.month)月"
        case .quarter: "\(period.start.year)年第\((period.start.month + 2) / 3)季度"
        }
    }

    /// A center's volumes of one dimension, whoever asks (the report is the center's).
    func centerVolumes(_ dimension: VolumeDimension, period: AssessmentPeriod, centerId: Int64) async throws -> VolumeReport {
        try await database.read { db in try await self.volumes(dimension, period: period, .system, db, also: "t.center_id = \(bind: centerId)") }
    }

    /// The district × category grid of `category|district` counts: the busiest 12 districts and 10 categories.
    static func heatGrid(_ counts: [DailyCount], names: [String: String]) -> HeatGrid {
        var cells: [String: [String: Int]] = [:]
        var rowTotals: [String: Int] = [:]
        var columnTotals: [String: Int] = [:]
        for count in counts {
            let parts = count.key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let (category, district) = (parts.first ?? "", parts.last ?? "")
            cells[district, default: [:]][category, default: 0] += count.count
            rowTotals[district, default: 0] += count.count
            columnTotals[category, default: 0] += count.count
        }
        let rows = rowTotals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(12).map(\.key)
        let columns = columnTotals.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(10).map(\.key)
        func name(_ key: String, _ unknown: String) -> String { key.isEmpty ? unknown : names[key] ?? key }
        return HeatGrid(rows: rows.map { name($0, unknownName(.district)) }, columns: columns.map { name($0, unknownName(.category)) },
                        counts: rows.map { row in columns.map { cells[row]?[$0] ?? 0 } })
    }

    /// Builds and archives a report as the next version of its kind and period.
    public func generateReport(kind: ReportKind, period: AssessmentPeriod, title: String? = nil, note: String? = nil, centerId: Int64? = nil,
                               by actor: Actor) async throws -> AnalysisReport {
        let built = try await buildReport(kind: kind, period: period, title: title, note: note, centerId: centerId, for: actor)
        guard let center = actor.kind == .system ? centerId : actor.centerId else { throw HotlineError.notFound("热线中心") }
        return try await database.versionedTransaction { db in
            var report = built
            let last = try await db.raw("""
                SELECT MAX(version) AS v FROM reports WHERE center_id = \(bind: center) AND kind = \(bind: kind.rawValue) AND period = \(bind: period.code)
                """).first()?.decode(column: "v", as: Int?.self) ?? 0
            report.version = last + 1
            let row = try await db.raw("""
                INSERT INTO reports (center_id, kind, period, version, title, content, generated_at, generated_by)
                VALUES (\(bind: center), \(bind: kind.rawValue), \(bind: period.code), \(bind: last + 1), \(bind: report.title), \(bind: Self.json(report)),
                  \(bind: report.generatedAt.millis), \(bind: actor.userId)) RETURNING id
                """).first()
            report.id = try row?.decode(column: "id", as: Int64.self)
            return report
        }
    }

    /// Whether the center has archived a report of this kind and period.
    public func hasReport(kind: ReportKind, period: AssessmentPeriod, centerId: Int64) async throws -> Bool {
        try await database.read { db in
            try await db.raw("""
                SELECT id FROM reports WHERE center_id = \(bind: centerId) AND kind = \(bind: kind.rawValue) AND period = \(bind: period.code) LIMIT 1
                """).first() != nil
        }
    }

    /// The center's archived reports, newest first.
    public func reports(kind: ReportKind? = nil, limit: Int = 100, for actor: Actor) async throws -> [ReportSummary] {
        let centerId = try actor.require(.viewAnalysis).requireCenter()
        return try await database.read { db in
            let which: SQLQueryString = kind.map { " AND kind = \(bind: $0.rawValue)" } ?? ""
            return try await db.raw("""
                SELECT id, kind, period, version, title, generated_at FROM reports WHERE center_id = \(bind: centerId)\(which)
                ORDER BY generated_at DESC, id DESC LIMIT \(literal: min(max(limit, 1), 500))
                """).all().map { row in
                ReportSummary(id: try row.decode(column: "id", as: Int64.self),
                              kind: ReportKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .special,
                              period: try row.decode(column: "period", as: String.self), version: try row.decode(column: "version", as: Int.self),
                              title: try row.decode(column: "title", as: String.self),
                              generatedAt: Date(millis: try row.decode(column: "generated_at", as: Int64.self)))
            }
        }
    }

    /// An archived report as it was generated.
    public func report(id: Int64, for actor: Actor) async throws -> AnalysisReport {
        let centerId = try actor.require(.viewAnalysis).requireCenter()
        return try await database.read { db in
            guard let row = try await db.raw("SELECT content FROM reports WHERE id = \(bind: id) AND center_id = \(bind: centerId)").first() else {
                throw HotlineError.notFound("报告")
            }
            do {
                // The id is the row's: it was not known when the content was written.
                var report = try JSONDecoder().decode(AnalysisReport.self, from: Data(try row.decode(column: "content", as: String.self).utf8))
                report.id = id
                return report
            } catch {
                throw HotlineError(.corruptRow, "报告数据损坏 (stored report does not decode)")
            }
        }
    }
}

/// What a center shows the public (数据公开): its latest published month, with no personal data — volumes by category
/// and channel, the center-wide rates and the ranking as published.
public struct PublicStatistics: Sendable, Equatable {
    public var period: String
    public var publishedAt: Date?
    public var rates: [ReportRate]
    public var ranking: [ReportRankLine]
    public var volumes: [VolumeReport]
}

extension Store {
    /// The center's latest published month for the portal; nil when it never published one.
    public func publicStatistics(centerId: Int64) async throws -> PublicStatistics? {
        let row = try await database.read { db in
            try await db.raw("""
                SELECT period, result FROM assessment_publications WHERE center_id = \(bind: centerId) AND period NOT LIKE '%-%-%'
                  AND period NOT LIKE '%W%' AND period NOT LIKE '%Q%' ORDER BY period DESC, version DESC LIMIT 1
                """).first()
        }
        guard let row, let period = AssessmentPeriod(try row.decode(column: "period", as: String.self)) else { return nil }
        let frozen = try JSONDecoder().decode(AssessmentReport.self, from: Data(try row.decode(column: "result", as: String.self).utf8))
        let rates = frozen.centerRates(Self.reportRates)
        let ranking = frozen.rankLines
        var volumes: [VolumeReport] = []
        for dimension in [VolumeDimension.category, .channel] { volumes.append(try await centerVolumes(dimension, period: period, centerId: centerId)) }
        return PublicStatistics(period: period.code, publishedAt: frozen.publishedAt, rates: rates, ranking: ranking, volumes: volumes)
    }
}

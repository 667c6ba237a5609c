import Foundation
import HotlineCore
import SQLKit

/// One row of a volume table: a key of the dimension with its name and the period's comparison.
public struct VolumeRow: Sendable, Codable, Equatable {
    public var key: String
    public var name: String
    public var comparison: VolumeComparison
}

/// Tickets received in a period by a dimension, beside the period before (环比) and a year before (同比).
public struct VolumeReport: Sendable, Codable, Equatable {
    public var period: String
    public var dimension: VolumeDimension
    public var total: Int
    public var previousTotal: Int
    public var yearBeforeTotal: Int
    public var rows: [VolumeRow]
}

/// A trend: tickets received per day, week or month.
public struct TrendPoint: Sendable, Codable, Equatable {
    public var start: CivilDate
    public var label: String
    public var count: Int
}

/// Volumes and trends (数据分析): counted by the database, grouped by China day and a dimension's key, within the
/// actor's scope. Every ticket received counts, whatever became of it (受理量): a call merged into another was a call.
extension Store {
    /// The SQL of a dimension's key.
    static func keyExpression(_ dimension: VolumeDimension) -> SQLQueryString {
        switch dimension {
        case .category: "COALESCE(SUBSTR(t.category_code, 1, 2), '')"
        case .district: "COALESCE(t.region_code, '')"
        case .channel: "t.channel"
        case .type: "t.type"
        case .unit: "COALESCE(CAST(t.main_unit_id AS TEXT), '')"
        }
    }

    /// Tickets received per China day and key of `dimension` in `[from, to)`, within the actor's scope.
    public func dailyCounts(_ dimension: VolumeDimension, from: CivilDate, to: CivilDate, for actor: Actor) async throws -> [DailyCount] {
        try actor.require(.viewAnalysis)
        return try await database.read { db in try await self.dailyCounts(dimension, from: from, to: to, actor, db) }
    }

    func dailyCounts(_ dimension: VolumeDimension?, from: CivilDate, to: CivilDate, _ actor: Actor, _ db: any SQLDatabase) async throws -> [DailyCount] {
        try await dailyCounts(keyed: dimension.map(Self.keyExpression), from: from, to: to, actor, db)
    }

    /// Tickets received per China day and value of `key` (an SQL expression over `t`; nil: per day only, the key
    /// empty), within the actor's scope.
    func dailyCounts(keyed key: SQLQueryString?, from: CivilDate, to: CivilDate, _ actor: Actor, _ db: any SQLDatabase,
                     also: SQLQueryString? = nil) async throws -> [DailyCount] {
        let scope = try await scopeCondition(actor, db)
        // PostgreSQL refuses a constant in GROUP BY: without a key, group by the day alone.
        let selected: SQLQueryString = key ?? "''"
        let grouped: SQLQueryString = key.map { ", \($0)" } ?? ""
        let extra: SQLQueryString = also.map { " AND \($0)" } ?? ""
        let offset = CivilDate.utcOffsetSeconds * 1000
        return try await db.raw("""
            SELECT (t.created_at + \(literal: offset)) / 86400000 AS d, \(selected) AS k, COUNT(*) AS n FROM tickets t
            WHERE t.created_at >= \(bind: from.instant(atMinute: 0).millis) AND t.created_at < \(bind: to.instant(atMinute: 0).millis)
              AND \(scope)\(extra)
            GROUP BY (t.created_at + \(literal: offset)) / 86400000\(grouped)
            """).all().map { row in
            DailyCount(day: CivilDate(dayNumber: try row.decode(column: "d", as: Int.self)), key: try row.decode(column: "k", as: String.self),
                       count: try row.decode(column: "n", as: Int.self))
        }
    }

    /// The period's volumes by `dimension`, with 环比 and 同比, most tickets first, within the actor's scope.
    public func volumes(_ dimension: VolumeDimension, period: AssessmentPeriod, for actor: Actor) async throws -> VolumeReport {
        try actor.require(.viewAnalysis)
        return try await database.read { db in try await self.volumes(dimension, period: period, actor, db) }
    }

    /// The volumes of `dimension` among the tickets `actor` sees (and, with `also`, that meet it too), read in `db`.
    func volumes(_ dimension: VolumeDimension, period: AssessmentPeriod, _ actor: Actor, _ db: any SQLDatabase,
                 also: SQLQueryString? = nil) async throws -> VolumeReport {
        var counts: [DailyCount] = []
        for window in [period, period.previous, period.yearBefore] {
            counts += try await dailyCounts(keyed: Self.keyExpression(dimension), from: window.start, to: window.end, actor, db, also: also)
        }
        let names = try await keyNames(dimension, actor, db)
        let rows = Volumes.compare(counts, period: period).map {
            VolumeRow(key: $0.key, name: names[$0.key] ?? ($0.key.isEmpty ? Self.unknownName(dimension) : $0.key), comparison: $0)
        }
        return VolumeReport(period: period.code, dimension: dimension, total: rows.map(\.comparison.current).reduce(0, +),
                            previousTotal: rows.map(\.comparison.previous).reduce(0, +),
                            yearBeforeTotal: rows.map(\.comparison.yearBefore).reduce(0, +), rows: rows)
    }

    /// Tickets received per bucket from `from` to `to`, for one key of a dimension or all.
    public func trend(from: CivilDate, to: CivilDate, by granularity: Granularity, dimension: VolumeDimension? = nil, key: String? = nil,
                      for actor: Actor) async throws -> [TrendPoint] {
        try actor.require(.viewAnalysis)
        guard from < to, to.dayNumber - from.dayNumber <= 3 * 366 else {
            throw HotlineError.invalid("range", "统计区间须在三年以内且起始早于结束 (from before to, at most three years)")
        }
        let counts = try await database.read { db in
            try await self.dailyCounts(key == nil ? nil : dimension, from: from, to: to, actor, db)
        }
        return Volumes.series(counts, from: from, to: to, by: granularity, key: key).map {
            TrendPoint(start: $0.start, label: granularity.label(of: $0.start), count: $0.count)
        }
    }

    /// What the empty key of a dimension is called: a ticket with no category, no district, no main unit yet.
    static func unknownName(_ dimension: VolumeDimension) -> String {
        switch dimension {
        case .category: "未分类"
        case .district: "未知区域"
        case .unit: "尚未派单"
        case .channel, .type: "其他"
        }
    }

    /// What each key of a dimension is called: a category's name, a district's, a channel's label, a unit's name.
    func keyNames(_ dimension: VolumeDimension, _ actor: Actor, _ db: any SQLDatabase) async throws -> [String: String] {
        switch dimension {
        case .category:
            return try await db.raw("SELECT code, name FROM categories WHERE level = 1").all().reduce(into: [:]) { names, row in
                names[try row.decode(column: "code", as: String.self)] = try row.decode(column: "name", as: String.self)
            }
        case .district:
            return try await db.raw("SELECT region_code, name FROM units WHERE region_code IS NOT NULL ORDER BY id DESC").all()
                .reduce(into: [:]) { names, row in
                    names[try row.decode(column: "region_code", as: String.self)] = try row.decode(column: "name", as: String.self)
                }
        case .channel: return Dictionary(uniqueKeysWithValues: Channel.allCases.map { ($0.rawValue, $0.label) })
        case .type: return Dictionary(uniqueKeysWithValues: TicketType.allCases.map { ($0.rawValue, $0.label) })
        case .unit:
            return try await db.raw("SELECT id, name FROM units").all().reduce(into: [:]) { names, row in
                names[String(try row.decode(column: "id", as: Int64.self))] = try row.decode(column: "name", as: String.self)
            }
        }
    }
}

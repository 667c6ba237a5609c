import Foundation
import HotlineCore
import SQLKit

/// The director's screen (领导驾驶舱): today's work, this month's rates, what is rising, the ranking. Numbers only:
/// no requester's identity is on it.
public struct Dashboard: Sendable, Codable, Equatable {
    public var day: CivilDate
    public var receivedToday: Int
    public var receivedYesterday: Int
    public var open: Int
    public var dueSoon: Int
    public var overdue: Int
    public var month: String
    public var rates: [ReportRate]
    public var trend: [TrendPoint]
    public var channels: [VolumeRow]
    public var hotspots: [Hotspot]
    public var warnings: [EarlyWarning]
    public var ranking: [ReportRankLine]
}

extension Store {
    /// The dashboard of the actor's center as of now.
    public func dashboard(for actor: Actor) async throws -> Dashboard {
        let centerId = try actor.require(.viewAnalysis).requireCenter()
        let today = CivilDate(now)
        let month = AssessmentPeriod.month(containing: today)
        let scope: SQLQueryString = "t.center_id = \(bind: centerId)"
        let (daily, open, dueSoon, overdue) = try await database.read { db in
            let daily = try await self.dailyCounts(keyed: nil, from: today.adding(days: -29), to: today.adding(days: 1), .system, db, also: scope)
            func count(_ condition: SQLQueryString) async throws -> Int {
                try await db.raw("SELECT COUNT(*) AS n FROM tickets t WHERE \(scope) AND \(condition)").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            let open = try await count("t.status NOT IN ('closed', 'rejected', 'merged')")
            return (daily, open, try await count(Self.dueCondition(.dueSoon, at: self.now)), try await count(Self.dueCondition(.overdue, at: self.now)))
        }
        let trend = Volumes.series(daily, from: today.adding(days: -29), to: today.adding(days: 1), by: .day).map {
            TrendPoint(start: $0.start, label: Granularity.day.label(of: $0.start), count: $0.count)
        }
        // Only what the dashboard shows: the month's assessment (rates, ranking) and its channels, not a whole report.
        let assessment = try await assessmentReport(period: month, centerId: centerId, for: actor)
        let channels = try await centerVolumes(.channel, period: month, centerId: centerId)
        // The last 30 days up to the last five-minute mark: every dashboard of the center in those five minutes reuses one
        // listing (see `hotspotCacheSeconds`).
        let mark = Date(millis: now.millis / 300_000 * 300_000)
        let hotspots = try await hotspots(from: mark.addingTimeInterval(-30 * 86_400), to: mark, limit: 5, centerId: centerId, for: actor)
        let warnings = try await warnings(status: .open, limit: 10, for: actor)
        return Dashboard(day: today, receivedToday: trend.last?.count ?? 0, receivedYesterday: trend.dropLast().last?.count ?? 0, open: open,
                         dueSoon: dueSoon, overdue: overdue, month: month.code,
                         rates: try await centerRates(assessment, period: month, centerId: centerId), trend: trend,
                         channels: Array(channels.rows.prefix(8)), hotspots: hotspots, warnings: warnings, ranking: assessment.rankLines)
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Hotspots (热点): clusters of tickets about one problem among those received in a window, within the actor's scope.
extension Store {
    /// The most tickets one listing clusters: the newest of the window (clustering is quadratic in the worst case).
    public static let hotspotTicketLimit = 20_000

    /// The hotspots among tickets received in `[from, to)`, hottest first; recency is measured at `to`.
    public func hotspots(from: Date, to: Date, limit: Int = 20, centerId: Int64? = nil, finder: HotspotFinder = HotspotFinder(),
                         for actor: Actor) async throws -> [Hotspot] {
        try actor.require(.viewAnalysis)
        guard from < to, to.timeIntervalSince(from) <= 366 * 86_400 else {
            throw HotlineError.invalid("range", "热点统计区间须在一年以内且起始早于结束 (from before to, at most a year)")
        }
        let (items, names) = try await database.read { db in
            let scope = try await self.scopeCondition(actor, db)
            let center: SQLQueryString = centerId.map { " AND t.center_id = \(bind: $0)" } ?? ""
            let items = try await db.raw("""
                SELECT t.id, t.number, t.title, t.content, t.region_code, t.created_at, t.requester_phone_hash FROM tickets t
                WHERE t.created_at >= \(bind: from.millis) AND t.created_at < \(bind: to.millis) AND t.status <> 'merged' AND \(scope)\(center)
                ORDER BY t.created_at DESC LIMIT \(literal: Self.hotspotTicketLimit)
                """).all().map { row in
                HotspotItem(id: try row.decode(column: "id", as: Int64.self), reference: try row.decode(column: "number", as: String.self),
                            title: try row.decode(column: "title", as: String.self), text: try row.decode(column: "content", as: String.self),
                            place: try row.decode(column: "region_code", as: String?.self),
                            time: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                            requester: try row.decode(column: "requester_phone_hash", as: String?.self))
            }
            return (items, try await self.keyNames(.district, actor, db))
        }
        return Array(finder.find(items, now: to, regionName: { names[$0] }).prefix(max(1, min(limit, 200))))
    }
}

extension Store {
    /// Supervises the open tickets of a group matter together (群体诉求督办): one center supervision per ticket, each
    /// its own transaction and event, with the same note; tickets already ended, or that may not be supervised now,
    /// are passed over. Returns how many were supervised.
    public func superviseTogether(ticketIds: [Int64], note: String, by actor: Actor) async throws -> Int {
        try actor.require(.handleWarnings).require(.superviseTickets)
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 500 else {
            throw HotlineError.invalid("note", "请填写督办意见（500字以内） (say what is asked, at most 500 characters)")
        }
        let ids = Array(Set(ticketIds)).sorted()
        guard !ids.isEmpty, ids.count <= 500 else { throw HotlineError.invalid("ids", "请选择1至500件工单 (1 to 500 tickets)") }
        var supervised = 0
        for record in try await tickets(ids: ids, for: actor) where !record.state.status.isTerminal {
            do {
                _ = try await perform(ActionInput(code: .supervise, note: "【群体诉求】" + note, level: .center, method: .written), onTicket: record.state.id, by: actor)
                supervised += 1
            } catch let error as HotlineError where error.kind == .conflict || error.kind == .forbidden {
                continue
            }
        }
        return supervised
    }
}

import Foundation
import HotlineCore
import SQLKit
import Synchronization

/// Hotspots (热点): clusters of tickets about one problem among those received in a window, within the actor's scope.
extension Store {
    /// The most tickets one listing clusters: the newest of the window (clustering is quadratic in the worst case).
    public static let hotspotTicketLimit = 10_000
    /// How long a listing is reused for the same scope and window (to the minute): the dashboard, the hotspot page and
    /// a report asked in the same minutes cluster once.
    static let hotspotCacheSeconds: TimeInterval = 300

    /// The hotspots among tickets received from `from` to `to` (both included: `to` is often now), hottest first;
    /// recency is measured at `to`.
    public func hotspots(from: Date, to: Date, limit: Int = 20, centerId: Int64? = nil, finder: HotspotFinder = HotspotFinder(),
                         cached: Bool = true, for actor: Actor) async throws -> [Hotspot] {
        try actor.require(.viewAnalysis)
        guard from < to, to.timeIntervalSince(from) <= 366 * 86_400 else {
            throw HotlineError.invalid("range", "热点统计区间须在一年以内且起始早于结束 (from before to, at most a year)")
        }
        // Everyone who sees the whole center sees the same listing; anyone else their own scope's.
        let wholeCenter = actor.role.map { $0.may(.seeWholeCenter) && !$0.may(.integrate) } ?? false
        let whose = wholeCenter ? "center \(actor.centerPath ?? [])" : "\(actor.kind.rawValue)|\(actor.role?.rawValue ?? "")|\(actor.unitPath)|\(actor.userId ?? 0)"
        let key = "\(whose)|\(centerId ?? 0)|"
            + "\(from.millis / 60_000)|\(to.millis / 60_000)|\(limit)|\(finder.threshold)|\(finder.minimumSize)"
        if cached, let listing = hotspotCache.value(key, now: now) { return listing }
        let (items, names) = try await database.read { db in
            let scope = try await self.scopeCondition(actor, db)
            let center: SQLQueryString = centerId.map { " AND t.center_id = \(bind: $0)" } ?? ""
            let items = try await db.raw("""
                SELECT t.id, t.number, t.title, t.content, t.region_code, t.created_at, t.requester_phone_hash, t.text_signature FROM tickets t
                WHERE t.created_at >= \(bind: from.millis) AND t.created_at <= \(bind: to.millis) AND t.status <> 'merged' AND \(scope)\(center)
                ORDER BY t.created_at DESC LIMIT \(literal: Self.hotspotTicketLimit)
                """).all().map { row in
                HotspotItem(id: try row.decode(column: "id", as: Int64.self), reference: try row.decode(column: "number", as: String.self),
                            title: try row.decode(column: "title", as: String.self), text: try row.decode(column: "content", as: String.self),
                            place: try row.decode(column: "region_code", as: String?.self),
                            time: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                            requester: try row.decode(column: "requester_phone_hash", as: String?.self),
                            signature: HotspotFinder.decodedSignature(try row.decode(column: "text_signature", as: String?.self)))
            }
            return (items, try await self.keyNames(.district, actor, db))
        }
        let found = Array(finder.find(items, now: to, regionName: { names[$0] }).prefix(max(1, min(limit, 200))))
        hotspotCache.store(key, found, now: now, seconds: Self.hotspotCacheSeconds)
        return found
    }
}

extension Store {
    /// The hotspot of the last `days` days (up to now) that holds `ticketId`, found again on the server — a group
    /// matter is named by one of its tickets, so that a large one's ids never travel in a request.
    public func hotspot(containing ticketId: Int64, days: Int, for actor: Actor) async throws -> Hotspot {
        guard (1...365).contains(days) else { throw HotlineError.invalid("days", "天数须为1至365 (1 to 365)") }
        let listing = try await hotspots(from: now.addingTimeInterval(-Double(days) * 86_400), to: now, limit: 200, for: actor)
        guard let hotspot = listing.first(where: { $0.memberIds.contains(ticketId) }) else { throw HotlineError.notFound("热点") }
        return hotspot
    }

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
        guard !ids.isEmpty, ids.count <= Self.hotspotTicketLimit else {
            throw HotlineError.invalid("ids", "请选择1至\(Self.hotspotTicketLimit)件工单 (1 to \(Self.hotspotTicketLimit) tickets)")
        }
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

/// What dispatching a group matter together did.
public struct GroupDispatch: Sendable, Equatable {
    /// Tickets dispatched now (those still being screened were accepted first).
    public var dispatched: Int
    /// Tickets left as they were: already with a unit, answered or closed.
    public var skipped: Int

    public init(dispatched: Int, skipped: Int) {
        self.dispatched = dispatched
        self.skipped = skipped
    }
}

extension Store {
    /// Dispatches a group matter's tickets together (群体诉求合并派单): every one still at the center — being screened or
    /// accepted — goes to the same main unit and co-units with the same instructions, marked as one group matter.
    /// Each ticket changes in its own transaction; the others are left as they are, so a retry dispatches only what
    /// the first attempt did not.
    public func dispatchTogether(ticketIds: [Int64], mainUnitId: Int64, coUnitIds: [Int64] = [], note: String, by actor: Actor) async throws
        -> GroupDispatch
    {
        try actor.require(.handleWarnings).require(.dispatchTickets)
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 500 else { throw HotlineError.invalid("note", "派单意见不超过500字 (at most 500 characters)") }
        let ids = Array(Set(ticketIds)).sorted()
        guard !ids.isEmpty, ids.count <= Self.hotspotTicketLimit else {
            throw HotlineError.invalid("ids", "请选择1至\(Self.hotspotTicketLimit)件工单 (1 to \(Self.hotspotTicketLimit) tickets)")
        }
        let input = ActionInput(code: .dispatch, note: "【群体诉求·合并派单】" + (note.isEmpty ? "同一问题的诉求一并派发" : note), mainUnitId: mainUnitId,
                                coUnitIds: coUnitIds)
        // The units checked before any ticket moves: a wrong one must not leave screened tickets accepted and waiting.
        guard coUnitIds.count <= 10, Set(coUnitIds).count == coUnitIds.count, !coUnitIds.contains(mainUnitId) else {
            throw HotlineError.invalid("coUnitIds", "协办单位最多10个，不能重复，也不能与主办单位相同 (at most 10 co-units, distinct, not the main unit)")
        }
        for id in [mainUnitId] + coUnitIds {
            guard let unit = try await unit(id: id), unit.centerId == actor.centerId, unit.active, unit.kind != .center else {
                throw HotlineError(.unknownUnit, "单位\(id)不存在或不可派单 (no unit \(id) to dispatch to)")
            }
        }
        var result = GroupDispatch(dispatched: 0, skipped: 0)
        for record in try await tickets(ids: ids, for: actor) {
            // A ticket that may not go there (a unit that already returned it, say) or that moved meanwhile is left as
            // it is and counted as skipped; the others go on.
            do {
                switch record.state.status {
                case .screening:
                    _ = try await perform(ActionInput(code: .accept), onTicket: record.state.id, by: actor)
                    fallthrough
                case .accepted:
                    _ = try await perform(input, onTicket: record.state.id, by: actor)
                    result.dispatched += 1
                default:
                    result.skipped += 1
                }
            } catch let error as HotlineError where [.invalid, .conflict, .unprocessable, .forbidden].contains(error.kind) {
                result.skipped += 1
            }
        }
        return result
    }
}

/// Recent hotspot listings, by scope and window.
final class HotspotCache: Sendable {
    private let entries = Mutex<[String: (until: Date, hotspots: [Hotspot])]>([:])

    func value(_ key: String, now: Date) -> [Hotspot]? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            guard entry.until > now else {
                entries[key] = nil
                return nil
            }
            return entry.hotspots
        }
    }

    func store(_ key: String, _ hotspots: [Hotspot], now: Date, seconds: TimeInterval) {
        entries.withLock { entries in
            // A handful of scopes and windows at a time: forget the expired, and everything when too many pile up.
            entries = entries.filter { $0.value.until > now }
            if entries.count >= 256 { entries.removeAll() }
            entries[key] = (now.addingTimeInterval(seconds), hotspots)
        }
    }
}

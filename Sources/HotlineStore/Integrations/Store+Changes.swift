import Foundation
import HotlineCore
import SQLKit

/// One page of the change feed.
public struct ChangePage: Sendable, Equatable {
    public var events: [TicketEvent]
    /// The ticket number of each event's ticket, by ticket id.
    public var numbers: [Int64: String]
    /// Where the next page starts: the last sequence number read (or the one given, when nothing was new).
    public var cursor: Int64
    /// Whether more events may follow at once.
    public var more: Bool
}

/// The change feed (`GET /api/v1/changes`): every history event in commit order, for systems that would rather pull
/// than be called. Sequence numbers are taken under the audit head's row lock, which is held until commit, so no
/// transaction can commit a lower number after a higher one is visible: reading on from the last number seen never
/// skips a change that committed late.
extension Store {
    /// Events after `cursor` that `actor` may see: its tickets' (by the same scope as every ticket read), and, for
    /// whole-center roles, the center's own (warnings, publications).
    public func changes(after cursor: Int64, limit: Int, for actor: Actor) async throws -> ChangePage {
        guard limit >= 1, limit <= 1000 else { throw HotlineError.invalid("limit", "每页1至1000条 (limit must be 1–1000)") }
        guard cursor >= 0 else { throw HotlineError.invalid("after", "游标无效 (cursor must be 0 or more)") }
        guard actor.kind == .user, let role = actor.role, role.may(.searchTickets) || role.may(.integrate) else {
            throw HotlineError.forbidden("无权读取变更 (no permission to read changes)")
        }
        return try await database.read { db in
            let scope = try await self.scopeCondition(actor, db)
            let centerEvents: SQLQueryString = role.may(.seeWholeCenter) && !role.may(.integrate) && actor.centerId != nil
                ? "OR (e.ticket_id IS NULL AND e.details LIKE \(bind: "%\"centerId\":[\"\(actor.centerId ?? -1)\"]%"))"
                : ""
            // The head as committed: every event up to it has committed, so a reader that saw nothing of its own up to
            // it may start after it next time (a unit's feed does not walk the whole center's history again).
            let head = try await db.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int64.self) ?? 0
            let rows = try await db.raw("""
                SELECT e.*, t.number AS ticket_number FROM ticket_events e LEFT JOIN tickets t ON t.id = e.ticket_id
                WHERE e.seq > \(bind: cursor) AND e.seq <= \(bind: head) AND ((e.ticket_id IS NOT NULL AND \(scope)) \(centerEvents))
                ORDER BY e.seq LIMIT \(literal: limit + 1)
                """).all()
            var events: [TicketEvent] = []
            var numbers: [Int64: String] = [:]
            for row in rows.prefix(limit) {
                let event = try Self.event(from: row)
                events.append(event)
                if let id = event.ticketId, let number = try row.decode(column: "ticket_number", as: String?.self) { numbers[id] = number }
            }
            let more = rows.count > limit
            return ChangePage(events: events, numbers: numbers, cursor: more ? events.last?.seq ?? cursor : max(cursor, head), more: more)
        }
    }
}

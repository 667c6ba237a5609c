import Foundation
import HotlineCore
import SQLKit

/// One line of the audit log as auditors read it.
public struct AuditEntry: Sendable {
    public var seq: Int64
    public var at: Date
    public var actorName: String
    public var action: ActionCode
    public var ticketId: Int64?
    public var number: String?
}

/// One event of an audit extract (审计日志导出): who did what to which ticket when, with the chain's hash.
public struct AuditExtractRow: Sendable {
    public var seq: Int64
    public var at: Date
    public var actorName: String
    public var action: ActionCode
    public var number: String?
    public var fromStatus: TicketStatus?
    public var toStatus: TicketStatus?
    public var note: String?
    public var hash: String
}

/// Read models for pages: the lifecycle as configured, the audit log, callers with several open tickets.
extension Store {
    /// The ticket events of `[from, to)` within the actor's scope, in chain order, from after `afterSeq`, at most
    /// `limit` (an export pages through them).
    public func auditExtract(from: Date, to: Date, afterSeq: Int64 = 0, limit: Int = 1000, for actor: Actor) async throws -> [AuditExtractRow] {
        try actor.require(.viewAuditLog)
        return try await database.read { db in
            let scope = try await self.scopeCondition(actor, db)
            return try await db.raw("""
                SELECT e.seq, e.at, e.actor_name, e.action, e.from_status, e.to_status, e.note, e.hash, t.number
                FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                WHERE e.at >= \(bind: from.millis) AND e.at < \(bind: to.millis) AND e.seq > \(bind: afterSeq) AND \(scope)
                ORDER BY e.seq LIMIT \(literal: min(max(limit, 1), 5000))
                """).all().compactMap { row in
                guard let action = ActionCode(rawValue: try row.decode(column: "action", as: String.self)) else { return nil }
                return AuditExtractRow(
                    seq: try row.decode(column: "seq", as: Int64.self), at: Date(millis: try row.decode(column: "at", as: Int64.self)),
                    actorName: try row.decode(column: "actor_name", as: String.self), action: action,
                    number: try row.decode(column: "number", as: String?.self),
                    fromStatus: try row.decode(column: "from_status", as: String?.self).flatMap(TicketStatus.init(rawValue:)),
                    toStatus: try row.decode(column: "to_status", as: String?.self).flatMap(TicketStatus.init(rawValue:)),
                    note: try row.decode(column: "note", as: String?.self), hash: try row.decode(column: "hash", as: String.self))
            }
        }
    }

    /// The lifecycle with the stored working calendar and SLA policies (what pages ask which actions are open).
    public func lifecycle() async throws -> Lifecycle {
        try await database.read { db in try await self.lifecycle(db) }
    }

    /// The newest history events of tickets within the actor's scope, newest first.
    public func recentEvents(for actor: Actor, limit: Int) async throws -> [AuditEntry] {
        try await database.read { db in
            let scope = try await self.scopeCondition(actor, db)
            return try await db.raw("""
                SELECT e.seq, e.at, e.actor_name, e.action, e.ticket_id, t.number FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                WHERE \(scope) ORDER BY e.seq DESC LIMIT \(literal: min(max(limit, 1), 500))
                """).all().compactMap { row in
                guard let action = ActionCode(rawValue: try row.decode(column: "action", as: String.self)) else { return nil }
                return AuditEntry(
                    seq: try row.decode(column: "seq", as: Int64.self), at: Date(millis: try row.decode(column: "at", as: Int64.self)),
                    actorName: try row.decode(column: "actor_name", as: String.self), action: action,
                    ticketId: try row.decode(column: "ticket_id", as: Int64?.self), number: try row.decode(column: "number", as: String?.self))
            }
        }
    }

    /// Open tickets recorded in the last `days` days whose callers have more than one open ticket, grouped by caller:
    /// candidates for merging (重复件).
    public func sameCallerGroups(for actor: Actor, days: Int, limit: Int) async throws -> [[TicketRecord]] {
        let since = now.addingTimeInterval(-Double(days) * 86400).millis
        let open = TicketStatus.allCases.filter { !$0.isTerminal }.map(\.rawValue)
        let rows = try await database.read { db in
            let scope = try await self.scopeCondition(actor, db)
            return try await db.raw("""
                SELECT t.* FROM tickets t WHERE \(scope) AND t.status IN (\(binds: open)) AND t.created_at >= \(bind: since)
                  AND t.requester_phone_hash IN (
                    SELECT d.requester_phone_hash FROM tickets d WHERE d.status IN (\(binds: open)) AND d.created_at >= \(bind: since)
                      AND d.requester_phone_hash IS NOT NULL GROUP BY d.requester_phone_hash HAVING COUNT(*) > 1)
                ORDER BY t.requester_phone_hash, t.id LIMIT \(literal: min(max(limit, 1), 100) * 5)
                """).all().map { try TicketRow(row: $0) }
        }
        var groups: [String: [TicketRecord]] = [:]
        var order: [String] = []
        for row in rows {
            guard let key = row.requesterPhoneHash else { continue }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(try record(row))
        }
        return order.compactMap { groups[$0] }.filter { $0.count > 1 }.prefix(limit).map { $0 }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// History events: hash-chained, written with the outbox in the caller's transaction.
extension Store {
    /// Appends an event to the chain and the outbox; returns its sequence number.
    @discardableResult
    func appendEvent(_ db: any SQLDatabase, ticketId: Int64?, number: String?, actor: Actor, draft: EventDraft, at: Date) async throws -> Int64 {
        // Taking the head row serializes writers on PostgreSQL, so the chain never forks.
        guard let head = try await db.raw("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash").first() else {
            throw HotlineError(.internalFailure, "audit_head_missing", "审计链缺失 (audit head missing)")
        }
        let seq = try head.decode(column: "seq", as: Int64.self)
        let prev = try head.decode(column: "hash", as: String.self)
        var record = AuditRecord(
            seq: seq, ticketId: ticketId, at: at.millis, actorId: actor.userId, actorName: actor.name, action: draft.action.rawValue,
            fromStatus: draft.fromStatus?.rawValue, toStatus: draft.toStatus?.rawValue, note: draft.note,
            details: draft.details.canonicalJSON, prevHash: prev, hash: "")
        record.hash = AuditChain.hash(record, prevHash: prev)
        try await db.raw("""
            INSERT INTO ticket_events (seq, ticket_id, at, actor_id, actor_name, action, from_status, to_status, note, details, public, prev_hash, hash)
            VALUES (\(bind: seq), \(bind: ticketId), \(bind: record.at), \(bind: actor.userId), \(bind: actor.name), \(bind: record.action),
              \(bind: record.fromStatus), \(bind: record.toStatus), \(bind: record.note), \(bind: record.details), \(bind: draft.action.isPublic),
              \(bind: prev), \(bind: record.hash))
            """).run()
        try await db.raw("UPDATE audit_head SET hash = \(bind: record.hash) WHERE id = 1").run()
        let payload: [String: [String]] = [
            "seq": [String(seq)], "ticketId": ticketId.map { [String($0)] } ?? [], "number": number.map { [$0] } ?? [],
            "action": [draft.action.rawValue], "status": draft.toStatus.map { [$0.rawValue] } ?? [],
        ]
        try await db.raw("""
            INSERT INTO outbox (event_seq, topic, payload, created_at)
            VALUES (\(bind: seq), \(bind: "ticket." + draft.action.rawValue), \(bind: payload.canonicalJSON), \(bind: at.millis))
            """).run()
        return seq
    }

    static func event(from row: any SQLRow) throws -> TicketEvent {
        guard let action = ActionCode(rawValue: try row.decode(column: "action", as: String.self)) else {
            throw HotlineError(.internalFailure, "corrupt_row", "历史记录损坏")
        }
        return TicketEvent(
            seq: try row.decode(column: "seq", as: Int64.self), ticketId: try row.decode(column: "ticket_id", as: Int64?.self),
            at: Date(millis: try row.decode(column: "at", as: Int64.self)), actorId: try row.decode(column: "actor_id", as: Int64?.self),
            actorName: try row.decode(column: "actor_name", as: String.self), action: action,
            fromStatus: try row.decode(column: "from_status", as: String?.self).flatMap(TicketStatus.init(rawValue:)),
            toStatus: try row.decode(column: "to_status", as: String?.self).flatMap(TicketStatus.init(rawValue:)),
            note: try row.decode(column: "note", as: String?.self),
            details: [String: [String]](json: try row.decode(column: "details", as: String.self)),
            isPublic: try row.decode(column: "public", as: Bool.self))
    }

    /// Walks the whole chain in pages; returns the first broken link and how many events were checked.
    public func verifyAuditChain() async throws -> (checked: Int64, broken: AuditChain.Break?) {
        var previous = AuditChain.genesis
        var expected: Int64 = 1
        while true {
            let from = expected
            let page = try await database.read { db in
                try await db.raw("SELECT * FROM ticket_events WHERE seq >= \(bind: from) ORDER BY seq LIMIT 5000").all().map { row in
                    AuditRecord(
                        seq: try row.decode(column: "seq", as: Int64.self), ticketId: try row.decode(column: "ticket_id", as: Int64?.self),
                        at: try row.decode(column: "at", as: Int64.self), actorId: try row.decode(column: "actor_id", as: Int64?.self),
                        actorName: try row.decode(column: "actor_name", as: String.self), action: try row.decode(column: "action", as: String.self),
                        fromStatus: try row.decode(column: "from_status", as: String?.self), toStatus: try row.decode(column: "to_status", as: String?.self),
                        note: try row.decode(column: "note", as: String?.self), details: try row.decode(column: "details", as: String.self),
                        prevHash: try row.decode(column: "prev_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
                }
            }
            if let broken = AuditChain.verify(page, startingAfter: previous, expectedSeq: expected) {
                return (expected - 1, broken)
            }
            guard let last = page.last else { break }
            previous = last.hash
            expected = last.seq + 1
        }
        let head = try await database.read { db in try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() }
        let headSeq = try head?.decode(column: "seq", as: Int64.self) ?? 0
        let headHash = try head?.decode(column: "hash", as: String.self)
        if headSeq != expected - 1 || headHash != previous {
            return (expected - 1, AuditChain.Break(seq: expected, reason: "events after #\(expected - 1) are missing (head is at #\(headSeq))"))
        }
        return (expected - 1, nil)
    }
}

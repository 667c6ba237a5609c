import Foundation
import HotlineCore
import SQLKit

/// History events: hash-chained, written with the outbox in the caller's transaction.
extension Store {
    /// Appends an event to the chain and the outbox; returns its sequence number.
    @discardableResult
    func appendEvent(_ db: any SQLDatabase, ticketId: Int64?, number: String?, actor: Actor, draft: EventDraft, at: Date) async throws -> Int64 {
        try await appendEvents(db, [(ticketId: ticketId, number: number, actor: actor, draft: draft)], at: at)
    }

    /// Appends events to the chain, in order, with one outbox row each; returns the last sequence number.
    /// Taking the head row serializes writers on PostgreSQL, so the chain never forks; a batch takes it once.
    @discardableResult
    func appendEvents(_ db: any SQLDatabase, _ events: [(ticketId: Int64?, number: String?, actor: Actor, draft: EventDraft)], at: Date) async throws -> Int64 {
        try await appendEvents(db, events.map { (ticketId: $0.ticketId, number: $0.number, actor: $0.actor, draft: $0.draft, at: at) })
    }

    /// Appends events each with its own moment (a history recorded after the fact), in order; returns the last
    /// sequence number.
    @discardableResult
    func appendEvents(_ db: any SQLDatabase, _ events: [(ticketId: Int64?, number: String?, actor: Actor, draft: EventDraft, at: Date)]) async throws -> Int64 {
        guard !events.isEmpty else { throw HotlineError(.noEvents, "没有事件") }
        guard let head = try await db.raw("UPDATE audit_head SET seq = seq + \(bind: events.count) WHERE id = 1 RETURNING seq, hash, key_id").first() else {
            throw HotlineError(.auditHeadMissing, "审计链缺失 (audit head missing)")
        }
        let lastSeq = try head.decode(column: "seq", as: Int64.self)
        var previous = try head.decode(column: "hash", as: String.self)
        // The chain's key: the one it was last sealed with (a chain sealed before keys starts with the newest).
        var keyId = try head.decode(column: "key_id", as: Int64?.self) ?? audit.current.current
        var key = try audit.key(keyId)
        let digests = try await ticketDigests(Set(events.compactMap(\.ticketId)), db)
        var rows = db.insert(into: "ticket_events").columns(
            "seq", "ticket_id", "at", "actor_id", "actor_name", "action", "from_status", "to_status", "note", "details", "public", "key_id",
            "ticket_digest", "prev_hash", "hash")
        var outbox = db.insert(into: "outbox").columns("event_seq", "topic", "payload", "created_at")
        for (offset, event) in events.enumerated() {
            let seq = lastSeq - Int64(events.count) + 1 + Int64(offset)
            var record = AuditRecord(
                seq: seq, ticketId: event.ticketId, at: event.at.millis, actorId: event.actor.userId, actorName: event.actor.name,
                action: event.draft.action.rawValue, fromStatus: event.draft.fromStatus?.rawValue, toStatus: event.draft.toStatus?.rawValue,
                note: event.draft.note, details: event.draft.details.canonicalJSON, isPublic: event.draft.action.isPublic, keyId: keyId,
                ticketDigest: event.ticketId.flatMap { digests[$0] }, prevHash: previous, hash: "")
            record.hash = AuditChain.hash(record, prevHash: previous, key: key)
            rows = rows.values(SQLBind(seq), SQLBind(event.ticketId), SQLBind(record.at), SQLBind(record.actorId), SQLBind(record.actorName),
                               SQLBind(record.action), SQLBind(record.fromStatus), SQLBind(record.toStatus), SQLBind(record.note),
                               SQLBind(record.details), SQLBind(record.isPublic), SQLBind(keyId), SQLBind(record.ticketDigest), SQLBind(previous),
                               SQLBind(record.hash))
            var payload: [String: [String]] = [
                "seq": [String(seq)], "ticketId": event.ticketId.map { [String($0)] } ?? [], "number": event.number.map { [$0] } ?? [],
                "action": [event.draft.action.rawValue], "status": event.draft.toStatus.map { [$0.rawValue] } ?? [],
            ]
            // An event of the center, not of a ticket (a warning, a publication), carries its facts for the receiver to
            // route on: the warning, the center, the units concerned.
            if event.ticketId == nil {
                payload.merge(event.draft.details) { kept, _ in kept }
            } else {
                // A ticket's change carries what a receiver acts on (110 answers an escalation by its transfer id),
                // never the requester's identity.
                if event.draft.action.sharesNote, let note = event.draft.note { payload["note"] = [note] }
                for key in ActionCode.sharedDetails { if let value = event.draft.details[key] { payload[key] = value } }
            }
            outbox = outbox.values(SQLBind(seq), SQLBind(event.draft.action.topic), SQLBind(payload.canonicalJSON), SQLBind(event.at.millis))
            previous = record.hash
            // A rotation is sealed with the old key; every event after it with the new one.
            if event.draft.action == .rotateAuditKey, let next = event.draft.details[AuditChain.rotatedKey]?.first.flatMap({ Int64($0) }) {
                keyId = next
                key = try audit.key(next)
            }
        }
        try await rows.run()
        try await db.raw("UPDATE audit_head SET hash = \(bind: previous), key_id = \(bind: keyId) WHERE id = 1").run()
        try await outbox.run()
        Doorbell.changesOfTransaction?.ring()
        // The tickets' assessment facts move with their histories, in the same transaction.
        try await refreshAssessmentFacts(ticketIds: events.compactMap(\.ticketId), db)
        return lastSeq
    }

    static func event(from row: any SQLRow) throws -> TicketEvent {
        guard let action = ActionCode(rawValue: try row.decode(column: "action", as: String.self)) else {
            throw HotlineError(.corruptRow, "历史记录损坏")
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
}

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
        guard let head = try await db.raw("UPDATE audit_head SET seq = seq + \(bind: events.count) WHERE id = 1 RETURNING seq, hash").first() else {
            throw HotlineError(.auditHeadMissing, "审计链缺失 (audit head missing)")
        }
        let lastSeq = try head.decode(column: "seq", as: Int64.self)
        var previous = try head.decode(column: "hash", as: String.self)
        var rows = db.insert(into: "ticket_events").columns(
            "seq", "ticket_id", "at", "actor_id", "actor_name", "action", "from_status", "to_status", "note", "details", "public", "prev_hash", "hash")
        var outbox = db.insert(into: "outbox").columns("event_seq", "topic", "payload", "created_at")
        for (offset, event) in events.enumerated() {
            let seq = lastSeq - Int64(events.count) + 1 + Int64(offset)
            var record = AuditRecord(
                seq: seq, ticketId: event.ticketId, at: event.at.millis, actorId: event.actor.userId, actorName: event.actor.name,
                action: event.draft.action.rawValue, fromStatus: event.draft.fromStatus?.rawValue, toStatus: event.draft.toStatus?.rawValue,
                note: event.draft.note, details: event.draft.details.canonicalJSON, prevHash: previous, hash: "")
            record.hash = AuditChain.hash(record, prevHash: previous)
            rows = rows.values(SQLBind(seq), SQLBind(event.ticketId), SQLBind(record.at), SQLBind(record.actorId), SQLBind(record.actorName),
                               SQLBind(record.action), SQLBind(record.fromStatus), SQLBind(record.toStatus), SQLBind(record.note),
                               SQLBind(record.details), SQLBind(event.draft.action.isPublic), SQLBind(previous), SQLBind(record.hash))
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
        }
        try await rows.run()
        try await db.raw("UPDATE audit_head SET hash = \(bind: previous) WHERE id = 1").run()
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

    /// Walks the chain in pages up to the head as it was when the walk began (events committed meanwhile are for
    /// the next walk); returns the first broken link and how many events were checked. With `tail`, only the last
    /// `tail` events are walked, from the link the first of them records (a quick check for pages; the command
    /// line walks everything).
    public func verifyAuditChain(tail: Int? = nil) async throws -> (checked: Int64, broken: AuditChain.Break?) {
        let head = try await database.read { db in try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() }
        let headSeq = try head?.decode(column: "seq", as: Int64.self) ?? 0
        let headHash = try head?.decode(column: "hash", as: String.self) ?? AuditChain.genesis
        var expected: Int64 = 1
        var previous = AuditChain.genesis
        if let tail, headSeq > Int64(tail) {
            expected = headSeq - Int64(tail) + 1
            let start = expected
            let first = try await database.read { db in
                try await db.raw("SELECT prev_hash FROM ticket_events WHERE seq = \(bind: start)").first()
            }
            guard let first else { return (0, AuditChain.Break(seq: start, reason: "missing event")) }
            previous = try first.decode(column: "prev_hash", as: String.self)
        }
        var checked: Int64 = 0
        while expected <= headSeq {
            let (from, to) = (expected, headSeq)
            let page = try await database.read { db in
                try await db.raw("SELECT * FROM ticket_events WHERE seq >= \(bind: from) AND seq <= \(bind: to) ORDER BY seq LIMIT 5000")
                    .all().map(Self.auditRecord(from:))
            }
            if let broken = AuditChain.verify(page, startingAfter: previous, expectedSeq: expected) { return (checked, broken) }
            guard let last = page.last else {
                return (checked, AuditChain.Break(seq: expected, reason: "events from #\(expected) to #\(headSeq) are missing"))
            }
            previous = last.hash
            checked += Int64(page.count)
            expected = last.seq + 1
        }
        if previous != headHash {
            return (checked, AuditChain.Break(seq: headSeq, reason: "the head does not match the last event"))
        }
        return (checked, nil)
    }

    static func auditRecord(from row: any SQLRow) throws -> AuditRecord {
        AuditRecord(
            seq: try row.decode(column: "seq", as: Int64.self), ticketId: try row.decode(column: "ticket_id", as: Int64?.self),
            at: try row.decode(column: "at", as: Int64.self), actorId: try row.decode(column: "actor_id", as: Int64?.self),
            actorName: try row.decode(column: "actor_name", as: String.self), action: try row.decode(column: "action", as: String.self),
            fromStatus: try row.decode(column: "from_status", as: String?.self), toStatus: try row.decode(column: "to_status", as: String?.self),
            note: try row.decode(column: "note", as: String?.self), details: try row.decode(column: "details", as: String.self),
            prevHash: try row.decode(column: "prev_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }
}

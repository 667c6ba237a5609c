import Crypto
import Foundation
import HotlineCore
import SQLKit

/// The audit chain's seals over the ticket rows, its verification, checkpoints and key rotation.
extension Store {
    // MARK: The ticket rows bound to the chain

    /// Columns a ticket's seal leaves out: bookkeeping of the province's copy that moves without an event, and the
    /// text signature derived from the title and text (which are sealed).
    static let unsealedColumns: Set<String> = ["source_seq", "received_at", "text_signature"]
    static let sealedColumns = TicketRow.table.filter { !unsealedColumns.contains($0.name) }

    /// The digest of a ticket row's sealed columns, as stored (read back from the database, so the writer and the
    /// verifier see the same values on either database).
    static func sealDigest(_ row: TicketRow) -> String {
        struct Value: Encodable {
            let value: any Encodable
            func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
        }
        let values = sealedColumns.map { column -> Value in
            guard let bound = column.bind(row) as? SQLBind else { return Value(value: "?") }
            return Value(value: bound.encodable)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(values)) ?? Data()
        return Hex.encode(SHA256.hash(data: data))
    }

    /// The seal digests of tickets as `db` holds them now.
    func ticketDigests(_ ids: Set<Int64>, _ db: any SQLDatabase) async throws -> [Int64: String] {
        var digests: [Int64: String] = [:]
        for chunk in Array(ids).chunked(500) {
            for row in try await db.raw("SELECT * FROM tickets WHERE id IN (\(binds: chunk))").all() {
                let ticket = try TicketRow(row: row)
                digests[ticket.id] = Self.sealDigest(ticket)
            }
        }
        return digests
    }

    // MARK: Verification

    /// Walks the chain in pages up to the head as it was when the walk began (events committed meanwhile are for
    /// the next walk); returns the first broken link and how many events before it are intact. With `tail`, only the
    /// last `tail` events are walked, from the link the first of them records (a quick check for pages; the command
    /// line walks everything).
    public func verifyAuditChain(tail: Int? = nil) async throws -> (checked: Int64, broken: AuditChain.Break?) {
        let walk = try await walkChain(tail: tail, collecting: [])
        return (walk.intact, walk.broken)
    }

    struct ChainWalk {
        var intact: Int64
        var headSeq: Int64
        var broken: AuditChain.Break?
        var hashes: [Int64: String]
    }

    func walkChain(tail: Int?, collecting wanted: Set<Int64>) async throws -> ChainWalk {
        audit.refresh()
        let head = try await database.read { db in try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first() }
        let headSeq = try head?.decode(column: "seq", as: Int64.self) ?? 0
        let headHash = try head?.decode(column: "hash", as: String.self) ?? AuditChain.genesis
        var walker = AuditChain.Walker(keyring: audit.current)
        var hashes: [Int64: String] = [:]
        if let tail, headSeq > Int64(tail) {
            let start = headSeq - Int64(tail) + 1
            let first = try await database.read { db in
                try await db.raw("SELECT prev_hash FROM ticket_events WHERE seq = \(bind: start)").first()
            }
            guard let first else { return ChainWalk(intact: 0, headSeq: headSeq, broken: .init(seq: start, reason: "missing event"), hashes: [:]) }
            walker = AuditChain.Walker(keyring: audit.current, startingAfter: try first.decode(column: "prev_hash", as: String.self), expectedSeq: start)
        }
        while walker.expectedSeq <= headSeq {
            let (from, to) = (walker.expectedSeq, headSeq)
            let page = try await database.read { db in
                try await db.raw("SELECT * FROM ticket_events WHERE seq >= \(bind: from) AND seq <= \(bind: to) ORDER BY seq LIMIT 5000")
                    .all().map(Self.auditRecord(from:))
            }
            guard !page.isEmpty else {
                return ChainWalk(intact: walker.intact, headSeq: headSeq,
                                 broken: .init(seq: from, reason: "events from #\(from) to #\(headSeq) are missing"), hashes: hashes)
            }
            for record in page {
                if let broken = walker.check(record) { return ChainWalk(intact: walker.intact, headSeq: headSeq, broken: broken, hashes: hashes) }
                if wanted.contains(record.seq) { hashes[record.seq] = record.hash }
            }
        }
        // Events past the head: written after the head was set back, or the head moved back over them.
        let beyond = try await database.read { db in
            try await db.raw("SELECT MIN(seq) AS seq FROM ticket_events WHERE seq > \(bind: headSeq)").first()?.decode(column: "seq", as: Int64?.self)
        }
        if let beyond {
            return ChainWalk(intact: walker.intact, headSeq: headSeq,
                             broken: .init(seq: beyond, reason: "an event past the head (#\(headSeq)): the head was set back or the event moved"),
                             hashes: hashes)
        }
        if walker.previous != headHash {
            return ChainWalk(intact: walker.intact, headSeq: headSeq, broken: .init(seq: headSeq, reason: "the head does not match the last event"),
                             hashes: hashes)
        }
        return ChainWalk(intact: walker.intact, headSeq: headSeq, broken: nil, hashes: hashes)
    }

    /// Everything `audit verify` checks: the whole chain, every ticket row against its last event, and every
    /// checkpoint in the checkpoint file against the chain.
    public func auditReport() async throws -> AuditReport {
        let (checkpoints, unreadable) = try audit.checkpoints()
        let walk = try await walkChain(tail: nil, collecting: Set(checkpoints.map(\.seq)))
        var report = AuditReport()
        report.intactEvents = walk.intact
        report.headSeq = walk.headSeq
        report.broken = walk.broken
        // A checkpoint past a break: look its event up directly, so a rewrite is told from a truncation.
        var hashes = walk.hashes
        let missing = checkpoints.map(\.seq).filter { hashes[$0] == nil && $0 > 0 }
        for chunk in missing.chunked(500) {
            for row in try await database.read({ db in
                try await db.raw("SELECT seq, hash FROM ticket_events WHERE seq IN (\(binds: chunk))").all()
            }) {
                hashes[try row.decode(column: "seq", as: Int64.self)] = try row.decode(column: "hash", as: String.self)
            }
        }
        report.check(checkpoints: checkpoints, unreadable: unreadable, keyring: audit.current, hashes: hashes)
        try await checkTickets(&report)
        return report
    }

    /// Compares every ticket row with the digest its last event sealed.
    func checkTickets(_ report: inout AuditReport) async throws {
        var after: Int64 = 0
        while true {
            let from = after
            let rows = try await database.read { db in
                try await db.raw("""
                    SELECT t.*, e.ticket_digest AS sealed_digest, e.key_id AS sealed_key FROM tickets t
                    LEFT JOIN ticket_events e ON e.seq = (SELECT MAX(seq) FROM ticket_events WHERE ticket_id = t.id)
                    WHERE t.id > \(bind: from) ORDER BY t.id LIMIT 2000
                    """).all()
            }
            guard !rows.isEmpty else { return }
            for row in rows {
                let ticket = try TicketRow(row: row)
                after = ticket.id
                report.ticketsChecked += 1
                guard try row.decode(column: "sealed_key", as: Int64?.self) != nil else {
                    report.unsealedTickets += 1
                    continue
                }
                if try row.decode(column: "sealed_digest", as: String?.self) != Self.sealDigest(ticket) {
                    report.alteredTickets.append((ticket.id, ticket.number))
                }
            }
        }
    }

    /// An event row as the chain reads it.
    public static func auditRecord(from row: any SQLRow) throws -> AuditRecord {
        AuditRecord(
            seq: try row.decode(column: "seq", as: Int64.self), ticketId: try row.decode(column: "ticket_id", as: Int64?.self),
            at: try row.decode(column: "at", as: Int64.self), actorId: try row.decode(column: "actor_id", as: Int64?.self),
            actorName: try row.decode(column: "actor_name", as: String.self), action: try row.decode(column: "action", as: String.self),
            fromStatus: try row.decode(column: "from_status", as: String?.self), toStatus: try row.decode(column: "to_status", as: String?.self),
            note: try row.decode(column: "note", as: String?.self), details: try row.decode(column: "details", as: String.self),
            isPublic: try row.decode(column: "public", as: Bool.self), keyId: try row.decode(column: "key_id", as: Int64?.self),
            ticketDigest: try row.decode(column: "ticket_digest", as: String?.self),
            prevHash: try row.decode(column: "prev_hash", as: String.self), hash: try row.decode(column: "hash", as: String.self))
    }

    /// A database's audit head and ticket count (a backup's manifest).
    public static func headAndCount(of database: Database) async throws -> (seq: Int64, hash: String, tickets: Int64) {
        try await database.read { db in
            let head = try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1").first()
            let count = try await db.raw("SELECT COUNT(*) AS n FROM tickets").first()?.decode(column: "n", as: Int64.self) ?? 0
            return (try head?.decode(column: "seq", as: Int64.self) ?? 0, try head?.decode(column: "hash", as: String.self) ?? AuditChain.genesis, count)
        }
    }

    // MARK: Checkpoints and keys

    /// Writes a signed checkpoint of the head to the checkpoint file, and records it in the chain (so a webhook
    /// subscribed to `audit.checkpoint` carries it to a witness). Nothing when no event came since the last one.
    @discardableResult
    public func writeAuditCheckpoint() async throws -> AuditCheckpoint? {
        let at = now
        return try await database.transaction { db in
            guard let head = try await db.raw("SELECT seq, hash FROM audit_head WHERE id = 1\(unsafeRaw: self.forUpdate)").first() else {
                throw HotlineError(.auditHeadMissing, "审计链缺失 (audit head missing)")
            }
            let seq = try head.decode(column: "seq", as: Int64.self)
            let last = try await db.raw("SELECT action FROM ticket_events WHERE seq = \(bind: seq)").first()?.decode(column: "action", as: String.self)
            guard seq > 0, last != ActionCode.auditCheckpoint.rawValue else { return nil }
            let checkpoint = try AuditCheckpoint.signed(seq: seq, head: try head.decode(column: "hash", as: String.self), at: at, keyring: self.audit.current)
            try await self.appendEvent(db, ticketId: nil, number: nil, actor: .system, draft: EventDraft(
                action: .auditCheckpoint, fromStatus: nil, toStatus: nil, note: nil,
                details: ["checkpointSeq": [String(checkpoint.seq)], "head": [checkpoint.head], "checkpointAt": [String(checkpoint.at)],
                          "key": [String(checkpoint.key)], "signature": [checkpoint.signature]]), at: at)
            // The checkpoint names the head before this transaction, committed already: it holds even if its own
            // event does not commit.
            try self.audit.append(checkpoint)
            return checkpoint
        }
    }

    /// Seals the chain with another key from now on: `key` (already in the key file of every node), or a new key
    /// added to this node's key file. The rotation itself is an event sealed with the old key. Returns the new key's number.
    public func rotateAuditKey(to key: Int64? = nil, by actor: Actor) async throws -> Int64 {
        try actor.require(.manageOrganisation)
        let next = try key ?? audit.addKey()
        _ = try audit.key(next)
        try await database.transaction { db in
            try await self.appendEvent(db, ticketId: nil, number: nil, actor: actor, draft: EventDraft(
                action: .rotateAuditKey, fromStatus: nil, toStatus: nil, note: "审计密钥更换为 #\(next)",
                details: [AuditChain.rotatedKey: [String(next)]]), at: self.now)
        }
        try await writeAuditCheckpoint()
        return next
    }

    // MARK: The background verification's record

    /// A verification's outcome, kept for the admin pages.
    public struct AuditVerification: Sendable {
        public var startedAt: Date
        public var finishedAt: Date
        public var intact: Bool
        public var events: Int64
        public var tickets: Int64
        public var findings: [String]
    }

    /// Verifies everything and records the outcome.
    @discardableResult
    public func runAuditVerification() async throws -> AuditVerification {
        let started = now
        let report = try await auditReport()
        let finished = now
        let result = AuditVerification(startedAt: started, finishedAt: finished, intact: report.isIntact, events: report.intactEvents,
                                       tickets: report.ticketsChecked, findings: report.lines)
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO audit_verifications (started_at, finished_at, intact, events, tickets, findings)
                VALUES (\(bind: started.millis), \(bind: finished.millis), \(bind: result.intact), \(bind: result.events), \(bind: result.tickets),
                  \(bind: result.findings.joined(separator: "\n")))
                """).run()
        }
        return result
    }

    /// The newest recorded verification.
    public func latestAuditVerification() async throws -> AuditVerification? {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM audit_verifications ORDER BY id DESC LIMIT 1").first() else { return nil }
            return AuditVerification(
                startedAt: Date(millis: try row.decode(column: "started_at", as: Int64.self)),
                finishedAt: Date(millis: try row.decode(column: "finished_at", as: Int64.self)),
                intact: try row.decode(column: "intact", as: Bool.self), events: try row.decode(column: "events", as: Int64.self),
                tickets: try row.decode(column: "tickets", as: Int64.self),
                findings: try row.decode(column: "findings", as: String.self).split(separator: "\n").map(String.init))
        }
    }
}

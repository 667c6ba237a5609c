import Crypto
import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import SQLKit
import Testing

/// What someone who can write the database (but holds neither the audit key nor the checkpoint file) might try,
/// each of which `audit verify` must catch and name.
enum Tampering: String, CaseIterable, Sendable, CustomStringConvertible {
    /// Change an event and recompute every later seal and the head (with plain SHA-256, as the chain once was).
    case rewriteAndRechain
    /// The same with a key of one's own.
    case rewriteWithOwnKey
    /// Delete the last events and set the head back to the event before them.
    case truncate
    /// Move the last event far ahead, and the head with it.
    case moveLastAhead
    /// Delete both identity-reveal events and rechain everything after them.
    case deleteReveals
    /// Make an internal event visible to the citizen.
    case makePublic
    /// Close a ticket with a reply and a satisfied citizen, in the ticket row only.
    case closeTicketRow
    /// Strip every seal down to the unkeyed SHA-256 chain and rechain it whole.
    case stripKeys
    /// Forge a checkpoint line in the checkpoint file.
    case forgeCheckpoint

    var description: String { rawValue }
}

@Suite("Audit trail against a database administrator")
struct AuditTamperTests {
    /// Three tickets dispatched, one supervised (an internal event), two identity reveals, and a checkpoint after it all.
    static func scenario(_ t: TestDatabase) async throws -> (tickets: [Int64], reveals: [Int64], internal: Int64) {
        let city = try await TestCity.make(t.store)
        var tickets: [Int64] = []
        for i in 0..<3 {
            let id = try await t.store.createTicket(TestCity.draft(title: "工单 \(i)"), centerId: city.center.id, by: city.agent).ticket.state.id
            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
            tickets.append(id)
        }
        _ = try await t.store.perform(ActionInput(code: .supervise, note: "内部督办：请加快办理"), onTicket: tickets[0], by: city.supervisor)
        _ = try await t.store.revealIdentity(ticketId: tickets[1], by: city.housingHandler)
        _ = try await t.store.revealIdentity(ticketId: tickets[2], by: city.supervisor)
        _ = try await t.store.perform(ActionInput(code: .sign), onTicket: tickets[2], by: city.housingHandler)
        try await t.store.writeAuditCheckpoint()
        let events = try await t.database.read { db in
            try await db.raw("SELECT seq, action FROM ticket_events ORDER BY seq").all().map {
                (try $0.decode(column: "seq", as: Int64.self), try $0.decode(column: "action", as: String.self))
            }
        }
        return (tickets, events.filter { $0.1 == "revealIdentity" }.map(\.0), events.first { $0.1 == "supervise" }!.0)
    }

    /// Every event, oldest first, as the chain reads it.
    static func records(_ t: TestDatabase) async throws -> [AuditRecord] {
        try await t.database.read { db in
            try await db.raw("SELECT * FROM ticket_events ORDER BY seq").all().map(Store.auditRecord(from:))
        }
    }

    /// Writes `records` back in place of the whole history, resealed with `key` (nil: plain SHA-256), head included.
    static func rewrite(_ t: TestDatabase, _ records: [AuditRecord], key: SymmetricKey?) async throws {
        var previous = AuditChain.genesis
        var resealed: [AuditRecord] = []
        for var record in records {
            record.prevHash = previous
            record.hash = AuditChain.hash(record, prevHash: previous, key: key)
            previous = record.hash
            resealed.append(record)
        }
        let (rows, head) = (resealed, previous)
        try await t.database.transaction { db in
            try await db.raw("DELETE FROM ticket_events").run()
            for r in rows {
                try await db.raw("""
                    INSERT INTO ticket_events (seq, ticket_id, at, actor_id, actor_name, action, from_status, to_status, note, details, public, key_id,
                      ticket_digest, prev_hash, hash)
                    VALUES (\(bind: r.seq), \(bind: r.ticketId), \(bind: r.at), \(bind: r.actorId), \(bind: r.actorName), \(bind: r.action),
                      \(bind: r.fromStatus), \(bind: r.toStatus), \(bind: r.note), \(bind: r.details), \(bind: r.isPublic), \(bind: r.keyId),
                      \(bind: r.ticketDigest), \(bind: r.prevHash), \(bind: r.hash))
                    """).run()
            }
            try await db.raw("UPDATE audit_head SET seq = \(bind: rows.last?.seq ?? 0), hash = \(bind: head)").run()
        }
    }

    @Test("each tampering is detected and named", arguments: Backend.available, Tampering.allCases)
    func tampering(_ backend: Backend, _ tampering: Tampering) async throws {
        try await withTestDatabase(backend) { t in
            let (tickets, reveals, internalSeq) = try await Self.scenario(t)
            let before = try await t.store.auditReport()
            #expect(before.isIntact, "\(before.lines)")
            #expect(before.ticketsChecked == 3 && before.lastGoodCheckpoint != nil)
            t.markTampered()
            var records = try await Self.records(t)
            let head = records.count
            switch tampering {
            case .rewriteAndRechain:
                records[4].note = "改写的意见"
                try await Self.rewrite(t, records, key: nil)
            case .rewriteWithOwnKey:
                records[4].note = "改写的意见"
                try await Self.rewrite(t, records, key: SymmetricKey(size: .bits256))
            case .truncate:
                let kept = records[head - 4].hash
                try await t.database.transaction { db in
                    try await db.raw("DELETE FROM ticket_events WHERE seq > \(bind: Int64(head - 3))").run()
                    try await db.raw("UPDATE audit_head SET seq = \(bind: Int64(head - 3)), hash = \(bind: kept)").run()
                }
            case .moveLastAhead:
                try await t.database.transaction { db in
                    try await db.raw("UPDATE ticket_events SET seq = seq + 1000000 WHERE seq = \(bind: Int64(head))").run()
                    try await db.raw("UPDATE audit_head SET seq = seq + 1000000").run()
                }
            case .deleteReveals:
                try await Self.rewrite(t, records.filter { !reveals.contains($0.seq) }.enumerated().map { offset, record in
                    var record = record
                    record.seq = Int64(offset + 1)
                    return record
                }, key: nil)
            case .makePublic:
                try await t.database.transaction { db in
                    try await db.raw("UPDATE ticket_events SET public = \(bind: true) WHERE seq = \(bind: internalSeq)").run()
                }
            case .closeTicketRow:
                try await t.database.transaction { db in
                    try await db.raw("""
                        UPDATE tickets SET status = 'closed', reply = '已处理完毕', satisfaction = 'satisfied' WHERE id = \(bind: tickets[1])
                        """).run()
                }
            case .stripKeys:
                for index in records.indices { records[index].keyId = nil }
                try await Self.rewrite(t, records, key: nil)
            case .forgeCheckpoint:
                var forged = try AuditCheckpoint.signed(seq: 2, head: records[1].hash, at: t.clock.now,
                                                        keyring: AuditKeyring(keys: [1: SymmetricKey(size: .bits256)]))
                forged.key = 1
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: t.checkpointFile))
                try handle.seekToEnd()
                try handle.write(contentsOf: Data((forged.line + "\n").utf8))
                try handle.close()
            }
            let report = try await t.store.auditReport()
            #expect(!report.isIntact, "\(tampering) went unnoticed: \(report.lines)")
            let text = report.lines.joined(separator: "\n")
            switch tampering {
            case .rewriteAndRechain:
                // The first event sealed with the key that no longer matches: the chain is plain SHA-256 now.
                #expect(report.broken?.seq == 1 && text.contains("stripped") == false && report.intactEvents == 0)
            case .rewriteWithOwnKey:
                #expect(report.broken?.seq == 1 && text.contains("altered"))
            case .truncate:
                #expect(report.broken == nil && text.contains("truncated or rolled back to #\(head - 3)"))
            case .moveLastAhead:
                #expect(report.broken != nil && report.intactEvents == Int64(head - 1))
            case .deleteReveals, .stripKeys:
                #expect(report.broken?.seq == 1 || report.failedCheckpoint != nil)
            case .makePublic:
                #expect(report.broken?.seq == internalSeq && text.contains("altered") && report.intactEvents == internalSeq - 1)
            case .closeTicketRow:
                #expect(report.broken == nil && report.alteredTickets.map(\.id) == [tickets[1]] && text.contains("ALTERED"))
            case .forgeCheckpoint:
                #expect(report.failedCheckpoint?.reason.contains("signature") == true)
            }
        }
    }

    @Test("a whole day's work verifies; the count of intact events before a break is exact", arguments: Backend.available)
    func counts(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            for i in 0..<50 {
                let id = try await t.store.createTicket(TestCity.draft(title: "工单 \(i)"), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
            }
            let report = try await t.store.auditReport()
            #expect(report.isIntact && report.intactEvents == 100 && report.ticketsChecked == 50)
            t.markTampered()
            try await t.database.transaction { db in try await db.raw("UPDATE ticket_events SET note = 'x' WHERE seq = 77").run() }
            let broken = try await t.store.auditReport()
            #expect(broken.broken?.seq == 77 && broken.intactEvents == 76)
            #expect(broken.lines[0] == "audit chain BROKEN at event #77: event content was altered: 76 events before it are intact")
        }
    }

    @Test("a rotated key seals everything after the rotation; verification reads both keys from the file", arguments: Backend.available)
    func rotation(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            _ = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            let next = try await t.store.rotateAuditKey(by: city.admin)
            #expect(next == 2)
            _ = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            let keys = try await t.database.read { db in
                try await db.raw("SELECT key_id, action FROM ticket_events ORDER BY seq").all().map {
                    (try $0.decode(column: "key_id", as: Int64?.self), try $0.decode(column: "action", as: String.self))
                }
            }
            #expect(keys.map(\.0) == [1, 1, 2, 2])
            #expect(keys.map(\.1) == ["create", "rotateAuditKey", "auditCheckpoint", "create"])
            #expect(try await t.store.auditReport().isIntact)
            #expect(try String(contentsOfFile: t.auditKeyFile, encoding: .utf8).split(separator: "\n").filter { $0.hasPrefix("2 ") }.count == 1)
            let denied = await statusOf { _ = try await t.store.rotateAuditKey(by: city.agent) }
            #expect(denied == 403)
        }
    }
}

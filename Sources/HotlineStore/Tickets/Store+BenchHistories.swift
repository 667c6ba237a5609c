import Foundation
import HotlineCore
import SQLKit

extension Store {
    /// For `hotline bench reports` only: gives each of the center's tickets that has nothing but its creation in its
    /// history (bulk-imported, closed) a plausible whole life — dispatched, signed (now and then late), the requester
    /// contacted, replied (now and then late, sometimes sent back and replied again), approved, evaluated and closed;
    /// one in ten with a co-unit that gives its input, one in thirty with a return asked and denied. The events go
    /// through the audit chain and the assessment rollup as any other, so the benchmark measures real histories.
    /// Returns how many tickets were given one.
    @discardableResult
    public func recordBenchHistories(centerId: Int64, units: [Int64], seed: UInt64, batch: Int = 500) async throws -> Int {
        guard units.count >= 2 else { throw HotlineError.invalid("units", "至少需要两个单位 (two units at least)") }
        var generator = SeededGenerator(seed: seed)
        var cursor: Int64 = 0
        var done = 0
        let agent = Actor.system
        let limit = now
        while true {
            let after = cursor
            let rows = try await database.read { db in
                try await db.raw("""
                    SELECT t.id, t.number, t.created_at, t.main_unit_id FROM tickets t WHERE t.center_id = \(bind: centerId) AND t.id > \(bind: after)
                      AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.action <> 'create') ORDER BY t.id LIMIT \(literal: batch)
                    """).all()
            }
            guard !rows.isEmpty else { return done }
            var events: [(ticketId: Int64?, number: String?, actor: Actor, draft: EventDraft, at: Date)] = []
            for row in rows {
                let id = try row.decode(column: "id", as: Int64.self)
                cursor = id
                let number = try row.decode(column: "number", as: String.self)
                let created = Date(millis: try row.decode(column: "created_at", as: Int64.self))
                let main = try row.decode(column: "main_unit_id", as: Int64?.self) ?? units[Int(generator.next() % UInt64(units.count))]
                func chance(_ percent: UInt64) -> Bool { generator.next() % 100 < percent }
                func minutes(_ low: Int, _ high: Int) -> TimeInterval { Double(low + Int(generator.next() % UInt64(high - low + 1))) * 60 }
                // A life still under way stops at now.
                func add(_ action: ActionCode, _ at: Date, _ details: [String: [String]] = [:], note: String? = nil) {
                    guard at <= limit else { return }
                    events.append((id, number, agent, EventDraft(action: action, fromStatus: nil, toStatus: nil, note: note, details: details), at))
                }
                let iso = { (date: Date) in date.formatted(.iso8601) }
                let dispatched = created.addingTimeInterval(minutes(5, 90))
                let signDue = dispatched.addingTimeInterval(2 * 3600)
                let replyDue = dispatched.addingTimeInterval(5 * 86_400)
                let co = chance(10) ? units.first { $0 != main } : nil
                var dispatch = ["mainUnitId": ["", String(main)], "signDueAt": ["", iso(signDue)], "replyDueAt": ["", iso(replyDue)]]
                if let co { dispatch["coUnitIds"] = ["", String(co)] }
                add(.dispatch, dispatched, dispatch)
                let signed = dispatched.addingTimeInterval(chance(90) ? minutes(5, 110) : minutes(130, 600))
                add(.sign, signed)
                if chance(3) {
                    add(.requestReturn, signed.addingTimeInterval(600), note: "非本单位职责")
                    add(.arbitrateReturn, signed.addingTimeInterval(3600), ["approved": ["false"]])
                }
                if chance(92) { add(.contactRequester, signed.addingTimeInterval(chance(85) ? minutes(10, 600) : minutes(1500, 3000))) }
                if let co, chance(80) { add(.coInput, signed.addingTimeInterval(minutes(60, 4000)), ["coUnitId": [String(co)]], note: "已配合核查") }
                var replied = dispatched.addingTimeInterval(chance(88) ? minutes(600, 6500) : minutes(7300, 12_000))
                if replied > replyDue { add(.markOverdue, replyDue, ["supervisionCount": ["0", "1"]]) }
                add(.reply, replied, note: "已办理")
                if chance(8) {
                    add(.review, replied.addingTimeInterval(3600), ["approved": ["false"]])
                    replied = replied.addingTimeInterval(minutes(600, 2000))
                    add(.reply, replied, note: "已重新办理")
                }
                let approved = replied.addingTimeInterval(minutes(30, 900))
                add(.review, approved, ["approved": ["true"]])
                let roll = generator.next() % 100
                let satisfaction: Satisfaction = roll < 78 ? .satisfied : roll < 91 ? .basicallySatisfied : .dissatisfied
                let evaluated = approved.addingTimeInterval(minutes(60, 2800))
                add(.evaluate, evaluated, ["satisfaction": ["", satisfaction.rawValue], "resolved": ["", String(satisfaction != .dissatisfied || chance(30))]])
                add(.close, evaluated.addingTimeInterval(minutes(10, 120)))
            }
            let lives = events
            if !lives.isEmpty { try await database.transaction { db in _ = try await self.appendEvents(db, lives) } }
            done += rows.count
        }
    }

    /// For `hotline bench audit` only: reads every event and ticket row the way the verification does, page by page,
    /// without checking anything — the baseline its cost is measured against. Returns the rows read.
    public func readTrailForBenchmark() async throws -> (events: Int, tickets: Int) {
        var events = 0
        var next: Int64 = 1
        while true {
            let from = next
            let page = try await database.read { db in
                try await db.raw("SELECT * FROM ticket_events WHERE seq >= \(bind: from) ORDER BY seq LIMIT 5000").all().map(Self.auditRecord(from:))
            }
            guard let last = page.last else { break }
            events += page.count
            next = last.seq + 1
        }
        var tickets = 0
        var after: Int64 = 0
        while true {
            let from = after
            let rows = try await database.read { db in
                try await db.raw("SELECT * FROM tickets WHERE id > \(bind: from) ORDER BY id LIMIT 2000").all().map(TicketRow.init(row:))
            }
            guard let last = rows.last else { break }
            tickets += rows.count
            after = last.id
        }
        return (events, tickets)
    }
}

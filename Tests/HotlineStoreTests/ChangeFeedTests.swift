import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import SQLKit
import Testing

@Suite("Change feed")
struct ChangeFeedTests {
    @Test("every event in commit order within the reader's scope; the cursor moves past what the reader may not see", arguments: Backend.available)
    func scope(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let housingTicket = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: housingTicket, by: city.agent)
            let transportTicket = try await t.store.createTicket(TestCity.draft(title: "公交"), centerId: city.center.id, by: city.agent).ticket.state.id
            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.transport.id), onTicket: transportTicket, by: city.agent)
            _ = try await t.store.createTicket(TestCity.draft(), centerId: city.otherCenter.id, by: city.otherAgent)

            let all = try await t.store.changes(after: 0, limit: 100, for: city.agent)
            #expect(all.events.map(\.action) == [.create, .dispatch, .create, .dispatch] && !all.more)
            #expect(all.events.map(\.seq) == all.events.map(\.seq).sorted())
            #expect(all.numbers.count == 2)
            // Pages: two at a time, each cursor where the next starts.
            let first = try await t.store.changes(after: 0, limit: 2, for: city.agent)
            #expect(first.events.count == 2 && first.more)
            let second = try await t.store.changes(after: first.cursor, limit: 2, for: city.agent)
            #expect(second.events.map(\.seq) == Array(all.events.map(\.seq)[2...]))

            // A unit sees its own tickets; its cursor still passes the others' events, up to the head.
            let housing = try await t.store.changes(after: 0, limit: 100, for: city.housingHandler)
            #expect(housing.events.allSatisfy { $0.ticketId == housingTicket } && housing.events.count == 2)
            #expect(housing.cursor >= all.cursor)
            #expect(try await t.store.changes(after: housing.cursor, limit: 100, for: city.housingHandler).events.isEmpty)
            #expect(try await t.store.changes(after: 0, limit: 100, for: city.otherAgent).events.count == 1)
            #expect(await statusOf { _ = try await t.store.changes(after: 0, limit: 0, for: city.agent) } == 400)
            #expect(await statusOf { _ = try await t.store.changes(after: -1, limit: 10, for: city.agent) } == 400)
            #expect(await statusOf { _ = try await t.store.changes(after: 0, limit: 10, for: .citizen) } == 403)

            // A warning is the center's own event: whole-center readers of that center see it, units and others do not.
            for i in 0..<5 { _ = try await t.store.createTicket(TestCity.draft(title: "路灯\(i)"), centerId: city.center.id, by: city.agent) }
            _ = try await t.store.scanWarnings(on: CivilDate(TestDatabase.start))
            let withWarnings = try await t.store.changes(after: all.cursor, limit: 100, for: city.supervisor)
            #expect(withWarnings.events.contains { $0.action == .raiseWarning })
            #expect(try await t.store.changes(after: 0, limit: 100, for: city.otherAgent).events.allSatisfy { $0.action != .raiseWarning })
        }
    }

    @Test("a change that commits late is never behind a cursor already handed out", arguments: Backend.available)
    func lateCommit(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            _ = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            // A writer is mid-transaction, holding the audit head as every writer of history does.
            let holding = AsyncStream<Void>.makeStream()
            let release = AsyncStream<Void>.makeStream()
            let writer = Task {
                try await t.database.transaction { db in
                    try await db.raw("UPDATE audit_head SET seq = seq WHERE id = 1").run()
                    holding.continuation.yield()
                    for await _ in release.stream { break }
                }
            }
            for await _ in holding.stream { break }
            // Another change starts meanwhile; it cannot take a number until the first writer is done.
            let late = Task { try await t.store.createTicket(TestCity.draft(title: "迟到的事务"), centerId: city.center.id, by: city.agent) }
            let before = try await t.store.changes(after: 0, limit: 100, for: city.agent)
            #expect(before.events.count == 1)
            release.continuation.yield()
            try await writer.value
            let ticket = try await late.value
            let after = try await t.store.changes(after: before.cursor, limit: 100, for: city.agent)
            #expect(after.events.map(\.ticketId) == [ticket.ticket.state.id])
        }
    }
}

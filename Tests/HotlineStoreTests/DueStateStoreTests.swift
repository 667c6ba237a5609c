import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Overdue and due soon: one definition")
struct DueStateStoreTests {
    @Test("the store's lists and counts agree with DueState at every moment of a ticket's deadlines", arguments: Backend.available)
    func listsAgreeWithDueState(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            // Tickets dispatched a day apart, one answered, one never dispatched: deadlines at different moments.
            var ids: [Int64] = []
            for day in 0..<4 {
                let id = try await t.store.createTicket(TestCity.draft(title: "路灯不亮\(day)"), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
                ids.append(id)
                t.clock.advance(by: 86400)
            }
            _ = try await t.store.perform(ActionInput(code: .sign), onTicket: ids[0], by: city.housingHandler)
            _ = try await t.store.perform(ActionInput(code: .reply, note: "已修复"), onTicket: ids[0], by: city.housingHandler)
            ids.append(try await t.store.createTicket(TestCity.draft(title: "未派单"), centerId: city.center.id, by: city.agent).ticket.state.id)

            var seen: Set<DueState> = []
            for _ in 0..<40 {
                let now = t.clock.now
                let records = try await t.store.tickets(ids: ids, for: city.supervisor)
                for state in [DueState.overdue, .dueSoon] {
                    var filter = TicketFilter()
                    filter.overdue = state == .overdue
                    filter.dueSoon = state == .dueSoon
                    let listed = Set(try await t.store.tickets(matching: filter, for: city.supervisor).tickets.map(\.state.id))
                    let expected = Set(records.filter { $0.state.dueState(at: now) == state }.map(\.state.id))
                    #expect(listed == expected, "\(state) at \(now)")
                    let counted = try await t.store.countTickets(["n": filter], for: city.supervisor)["n"]
                    #expect(counted == expected.count)
                }
                seen.formUnion(records.map { $0.state.dueState(at: now) })
                t.clock.advance(by: 12 * 3600)
            }
            // The walk passed through every state, so the comparison above covered each.
            #expect(seen == [.none, .normal, .dueSoon, .overdue])
        }
    }
}

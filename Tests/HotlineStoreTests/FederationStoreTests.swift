import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Province and city in the store: two databases")
struct FederationStoreTests {
    /// A province with one city platform, its linked-system account and that account as an actor.
    static func province(_ p: TestDatabase) async throws -> (TestCity, OrgUnit, User, Actor) {
        let province = try await TestCity.make(p.store)
        let unit = try await p.store.createUnit(name: "示范市平台", kind: .cityPlatform, parentId: province.center.id, code: "360100", by: .system)
        let user = try await p.store.createUser(username: "city-360100", displayName: "示范市平台", password: TestCity.password, role: .linkedSystem,
                                                unitId: unit.id, by: .system)
        let account = Actor.user(id: user.id, name: user.displayName, role: .linkedSystem, unitId: unit.id, unitPath: unit.path,
                                 centerId: province.center.id)
        return (province, unit, user, account)
    }

    @Test("a city's batches on its province: each copy once, only newer versions, read-only; progress on province tickets; reconciliation",
          arguments: Backend.available)
    func provinceAndCity(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { p in
            let (province, unit, user, account) = try await Self.province(p)
            try await withTestDatabase(backend) { c in
                let city = try await TestCity.make(c.store)
                _ = try await c.store.saveUpstreamLink(url: "https://12345.province.example.gov.cn/", apiKey: "hlk_from_the_province", identity: .masked,
                                                       active: true, by: city.admin)
                let created = try await c.store.createTicket(TicketDraft(
                    channel: .phone, type: .complaint, title: "幸福路路灯不亮", content: "幸福路12号路灯一周不亮。", location: Location(address: "幸福路12号"),
                    requester: Requester(name: "王明", phone: "13912345678")), centerId: city.center.id, by: city.agent)
                let id = created.ticket.state.id
                _ = try await c.store.perform(ActionInput(code: .dispatch, note: "请尽快", mainUnitId: city.housing.id), onTicket: id, by: city.agent)

                // Up: one snapshot with its two events, identity masked; the province writes the copy once.
                let batch = try #require(try await c.store.nextUpBatch(centerId: city.center.id, limit: 500))
                let snapshot = try #require(batch.tickets.first)
                #expect(batch.tickets.count == 1 && snapshot.events.map(\.action) == [.create, .dispatch])
                #expect(snapshot.requesterPhone == "139****5678" && snapshot.unitName == "市住建局" && snapshot.events[1].note == "请尽快")
                let receipt = try await p.store.receiveFromCity(batch.tickets, by: account)
                #expect(receipt.applied == 1 && receipt.unchanged == 0)
                #expect(try await p.store.receiveFromCity(batch.tickets, by: account).unchanged == 1)
                try await c.store.markUpSent(centerId: city.center.id, batch, refused: 0)
                #expect(try await c.store.nextUpBatch(centerId: city.center.id, limit: 500) == nil)
                // Another node that read the same batch does not move the cursor back.
                try await c.store.markUpSent(centerId: city.center.id, batch, refused: 0)
                #expect(try await c.store.upstreamLink(for: city.admin)?.upCursor == batch.to)

                let copy = try await p.store.ticket(number: "360100-" + created.ticket.number, for: province.agent)
                #expect(copy.copiedBy == user.id && copy.state.status == .pendingSign && copy.state.mainUnitId == unit.id)
                #expect(copy.requester.phone == "139****5678" && copy.state.centerId == province.center.id)
                let history = try await p.store.history(ticketId: copy.state.id, for: province.agent)
                #expect(history.map(\.action) == [.create, .dispatch] && history[1].details["mainUnitId"] == ["", String(unit.id)])
                #expect(history[1].actorName == "示范市平台·agent")
                // The copy is the province's record: the city's account does not see it, the province's staff may not act on it.
                #expect(await statusOf { _ = try await p.store.perform(ActionInput(code: .sign), onTicket: copy.state.id, by: account) } == 404)
                #expect(await statusOf {
                    _ = try await p.store.perform(ActionInput(code: .reject, reasonCode: .invalid), onTicket: copy.state.id, by: province.agent)
                } == 409)

                // A newer version replaces the copy, with only the new events.
                _ = try await c.store.perform(ActionInput(code: .sign), onTicket: id, by: city.housingHandler)
                let next = try #require(try await c.store.nextUpBatch(centerId: city.center.id, limit: 500))
                #expect(try await p.store.receiveFromCity(next.tickets, by: account).applied == 1)
                #expect(try await p.store.history(ticketId: copy.state.id, for: province.agent).map(\.action) == [.create, .dispatch, .sign])
                #expect(try await p.store.ticket(id: copy.state.id, for: province.agent).state.status == .inProgress)
                try await c.store.markUpSent(centerId: city.center.id, next, refused: 0)

                // Bad input changes nothing: a malformed batch, a staff account, a duplicate in one batch.
                var broken = snapshot
                broken.title = " "
                #expect(await statusOf { _ = try await p.store.receiveFromCity([broken], by: account) } == 400)
                #expect(await statusOf { _ = try await p.store.receiveFromCity(next.tickets, by: province.agent) } == 422)
                #expect(await statusOf { _ = try await p.store.receiveFromCity(next.tickets + next.tickets, by: account) } == 400)
                #expect(try await p.store.ticket(id: copy.state.id, for: province.agent).version == 2)

                // Reconciliation: what the province lacks, recorded for the day.
                let day = CivilDate(TestDatabase.start)
                let versions = try await c.store.dayVersions(centerId: city.center.id, day: day)
                #expect(versions == [id: try await c.store.ticket(id: id, for: city.agent).version])
                #expect(try await p.store.reconcileCity(day: day, versions: versions, by: account).isEmpty)
                #expect(try await p.store.reconcileCity(day: day, versions: versions.merging([99_999: 1]) { $1 }, by: account) == [99_999])
                #expect(try await c.store.resendSnapshots(centerId: city.center.id, ids: [id, 99_999]).map(\.events.count) == [3])

                // Down: a province ticket dispatched to the city comes into its queue once; the city's copy moves it on.
                let down = try await p.store.createTicket(TicketDraft(channel: .phone, type: .complaint, title: "省派：噪音扰民", content: "夜间施工噪音。",
                                                                      requester: Requester(name: "李女士", phone: "13700001111")),
                                                          centerId: province.center.id, by: province.agent)
                _ = try await p.store.perform(ActionInput(code: .dispatch, mainUnitId: unit.id), onTicket: down.ticket.state.id, by: province.agent)
                let incoming = ProvinceTicket(id: down.ticket.state.id, number: down.ticket.number, type: .complaint, urgency: .normal, title: "省派：噪音扰民",
                                              content: "夜间施工噪音。", categoryCode: nil, location: Location(), requester: Requester(name: "李女士", phone: "13700001111"),
                                              confidential: false, replyDueAt: TestDatabase.start.addingTimeInterval(86_400))
                let local = try await c.store.importFromProvince(incoming, centerId: city.center.id)
                #expect(try await c.store.importFromProvince(incoming, centerId: city.center.id) == local)
                let taken = try await c.store.ticket(id: local, for: city.agent)
                #expect(taken.state.channel == .province && taken.state.status == .accepted && taken.requester.phone == "13700001111")
                #expect(try await c.store.upstreamReference(ticketId: local)?.number == down.ticket.number)
                try await c.store.recordProvinceEvent(upstreamTicketId: down.ticket.state.id, seq: 50, action: .supervise, note: "请加快", centerId: city.center.id)
                try await c.store.recordProvinceEvent(upstreamTicketId: down.ticket.state.id, seq: 50, action: .supervise, note: "请加快", centerId: city.center.id)
                #expect(try await c.store.history(ticketId: local, for: city.agent).filter { $0.action == .upstreamSupervision }.count == 1)
                let up = try #require(try await c.store.nextUpBatch(centerId: city.center.id, limit: 500))
                #expect(up.tickets.first?.upstreamTicketId == down.ticket.state.id)
                let moved = try await p.store.receiveFromCity(up.tickets, by: account)
                #expect(moved.progressed == 1 && moved.applied == 0, "\(moved)")
                #expect(try await p.store.ticket(id: down.ticket.state.id, for: province.agent).state.status == .inProgress)
                // The city's status goes into the province ticket's history once, and again when it changes.
                let synced = try await p.store.history(ticketId: down.ticket.state.id, for: province.agent).filter { $0.action == .syncFromCity }
                #expect(synced.map(\.note) == ["市级平台：已受理待派单"])
                _ = try await p.store.receiveFromCity(up.tickets, by: account)
                #expect(try await p.store.history(ticketId: down.ticket.state.id, for: province.agent).filter { $0.action == .syncFromCity }.count == 1)

                // A snapshot naming a province ticket that is not the city's is refused, and changes nothing.
                let other = try await p.store.createTicket(TicketDraft(channel: .phone, type: .help, title: "别的工单", content: "内容"),
                                                           centerId: province.center.id, by: province.agent)
                var forged = try #require(up.tickets.first)
                forged.upstreamTicketId = other.ticket.state.id
                let answer = try await p.store.receiveFromCity([forged], by: account)
                #expect(answer.refused.map(\.code) == [.notFound] && answer.progressed == 0)
                #expect(try await p.store.ticket(id: other.ticket.state.id, for: province.agent).state.status == .accepted)

                let quality = try await p.store.federationQuality(month: try #require(AssessmentPeriod("2026-11")), for: province.leader)
                #expect(quality.map(\.cityName) == ["示范市平台"] && quality[0].tickets == 1 && quality[0].daysReconciled == 1)
                #expect(quality[0].daysWithGaps == 1 && quality[0].hoursHeard >= 1)
            }
        }
    }

    @Test("a ticket whose events span two batches keeps every event on the province, though its state came whole with the first",
          arguments: Backend.available)
    func eventsAcrossBatches(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { p in
            let (province, _, _, account) = try await Self.province(p)
            try await withTestDatabase(backend) { c in
                let city = try await TestCity.make(c.store)
                _ = try await c.store.saveUpstreamLink(url: "https://12345.province.example.gov.cn", apiKey: "hlk_k", identity: .masked, active: true, by: city.admin)
                let id = try await c.store.createTicket(TicketDraft(channel: .phone, type: .complaint, title: "路灯不亮", content: "路灯不亮。"),
                                                        centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await c.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
                _ = try await c.store.perform(ActionInput(code: .sign), onTicket: id, by: city.housingHandler)
                var pages = 0
                while let batch = try await c.store.nextUpBatch(centerId: city.center.id, limit: 1) {
                    #expect(batch.tickets.first?.version == 3 && batch.tickets.first?.events.count == 1)
                    #expect(try await p.store.receiveFromCity(batch.tickets, by: account).applied == 1)
                    try await c.store.markUpSent(centerId: city.center.id, batch, refused: 0)
                    pages += 1
                }
                #expect(pages == 3)
                let number = try await c.store.ticket(id: id, for: city.agent).number
                let copy = try await p.store.ticket(number: "360100-" + number, for: province.agent)
                #expect(try await p.store.history(ticketId: copy.state.id, for: province.agent).map(\.action) == [.create, .dispatch, .sign])
                #expect(copy.state.status == .inProgress)
            }
        }
    }
}

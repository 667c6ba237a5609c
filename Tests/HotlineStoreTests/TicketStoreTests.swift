import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import SQLKit
import Testing

@Suite("Ticket store")
struct TicketStoreTests {
    @Test("migrations run once and load the reference data", arguments: Backend.available)
    func migrations(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            #expect(try await t.store.migrate().isEmpty)
            try await t.store.seedReferenceData()
            let categories = try await t.store.categories()
            let parents = Set(categories.compactMap(\.parentCode))
            #expect(categories.filter { !parents.contains($0.code) && $0.level > 1 }.count == 515)
            #expect(try await t.store.slaPolicies().count == SLAPolicy.defaults.count)
            #expect(try await t.store.calendar().exceptions(in: 2026).count == 25)
        }
    }

    @Test("recording a ticket: number, status by channel, history, unknown category refused", arguments: Backend.available)
    func create(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let first = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            let second = try await t.store.createTicket(TestCity.draft(channel: .web), centerId: city.center.id, by: city.agent)
            #expect(first.ticket.number == "20261123000001" && second.ticket.number == "20261123000002")
            #expect(first.ticket.state.status == .accepted && second.ticket.state.status == .screening)
            #expect(first.queryCode.count == 8 && !first.replayed)
            #expect(first.ticket.requester.phone == "13812341234")
            let history = try await t.store.history(ticketId: first.ticket.state.id, for: city.agent)
            #expect(history.map(\.action) == [.create])
            var bad = TestCity.draft()
            bad.categoryCode = "999999"
            let error = await #expect(throws: HotlineError.self) { try await t.store.createTicket(bad, centerId: city.center.id, by: city.agent) }
            #expect(error?.code == .unknownCategory)
            #expect(try await t.store.tickets(matching: TicketFilter(), for: city.agent).tickets.count == 2)
            // A new day starts a new sequence.
            t.clock.advance(by: 86400)
            let nextDay = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            #expect(nextDay.ticket.number == "20261124000001")
        }
    }

    @Test("a retried request with the same idempotency key never creates a second ticket", arguments: Backend.available)
    func idempotency(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let store = t.store
            let centerId = city.center.id
            let agent = city.agent
            let results = try await withThrowingTaskGroup(of: CreatedTicket.self) { group in
                for _ in 0..<8 {
                    group.addTask { try await store.createTicket(TestCity.draft(), centerId: centerId, by: agent, idempotencyKey: "call-42") }
                }
                var all: [CreatedTicket] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(Set(results.map(\.ticket.state.id)).count == 1)
            #expect(results.filter { !$0.replayed }.count == 1)
            #expect(Set(results.map(\.queryCode)).count == 1)
            let error = await #expect(throws: HotlineError.self) {
                try await store.createTicket(TestCity.draft(title: "另一件事"), centerId: centerId, by: agent, idempotencyKey: "call-42")
            }
            #expect(error?.code == .idempotencyKeyReused)
            // The same key from another client is its own request.
            let other = try await store.createTicket(TestCity.draft(), centerId: centerId, by: city.supervisor, idempotencyKey: "call-42")
            #expect(!other.replayed)
            #expect(try await store.tickets(matching: TicketFilter(), for: agent).tickets.count == 2)
        }
    }

    @Test("concurrent intake is written in batches: distinct numbers, an intact chain, bad requests fail alone", arguments: Backend.available)
    func batchedIntake(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let store = t.store
            let (centerId, agent) = (city.center.id, city.agent)
            let outcomes = try await withThrowingTaskGroup(of: (Int, Result<CreatedTicket, HotlineError>).self) { group in
                for i in 0..<60 {
                    group.addTask {
                        var draft = TestCity.draft(title: "批量 \(i)", phone: "1390000\(String(format: "%04d", i))")
                        if i % 20 == 7 { draft.categoryCode = "999999" }
                        let key = i % 20 == 9 ? "shared-key" : "key-\(i)"
                        do {
                            return (i, .success(try await store.createTicket(draft, centerId: centerId, by: agent, idempotencyKey: key)))
                        } catch let error as HotlineError {
                            return (i, .failure(error))
                        }
                    }
                }
                var all: [Int: Result<CreatedTicket, HotlineError>] = [:]
                for try await (i, outcome) in group { all[i] = outcome }
                return all
            }
            let failures = outcomes.compactMapValues { if case .failure(let e) = $0 { e.code } else { nil } }
            #expect(failures.filter { $0.value == .unknownCategory }.keys.sorted() == [7, 27, 47])
            // Three different requests shared one key: one ticket, the other two refused.
            #expect(failures.filter { $0.value == .idempotencyKeyReused }.count == 2)
            let created = outcomes.values.compactMap { try? $0.get() }
            #expect(created.count == 55 && created.allSatisfy { !$0.replayed })
            let numbers = created.map(\.ticket.number).sorted()
            #expect(numbers == (1...55).map { TicketNumber.make(on: CivilDate("2026-11-23")!, sequence: Int64($0)) })
            #expect(Set(created.map(\.queryCode)).count == 55)
            let verified = try await store.verifyAuditChain()
            #expect(verified.broken == nil && verified.checked == 55)
            // A retry of one of them returns it.
            let retry = try await store.createTicket(TestCity.draft(title: "批量 3", phone: "13900000003"), centerId: centerId, by: agent, idempotencyKey: "key-3")
            #expect(retry.replayed && retry.ticket.number == (try? outcomes[3]?.get())?.ticket.number)
        }
    }

    @Test("a unit sees its own subtree's tickets only; everything else is 404", arguments: Backend.available)
    func scope(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let id = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
            let otherId = try await t.store.createTicket(TestCity.draft(title: "交通问题"), centerId: city.center.id, by: city.agent).ticket.state.id
            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.transport.id), onTicket: otherId, by: city.agent)
            #expect(try await t.store.tickets(matching: TicketFilter(), for: city.housingHandler).tickets.map(\.state.id) == [id])
            #expect(try await t.store.tickets(matching: TicketFilter(), for: city.transportHandler).tickets.map(\.state.id) == [otherId])
            #expect(try await t.store.tickets(matching: TicketFilter(), for: city.sectionHandler).tickets.isEmpty)
            #expect(try await t.store.tickets(matching: TicketFilter(), for: city.agent).tickets.count == 2)
            #expect(try await t.store.tickets(matching: TicketFilter(), for: city.otherAgent).tickets.isEmpty)
            for stranger in [city.transportHandler, city.otherAgent, city.otherHandler, city.districtHandler] {
                let error = await #expect(throws: HotlineError.self) { try await t.store.ticket(id: id, for: stranger) }
                #expect(error?.httpStatus == 404)
                await #expect(throws: HotlineError.self) { try await t.store.history(ticketId: id, for: stranger) }
                let acting = await #expect(throws: HotlineError.self) { try await t.store.perform(ActionInput(code: .sign), onTicket: id, by: stranger) }
                #expect(acting?.httpStatus == 404)
            }
            // Sub-dispatch brings the section into scope; the parent keeps seeing it.
            _ = try await t.store.perform(ActionInput(code: .sign), onTicket: id, by: city.housingHandler)
            _ = try await t.store.perform(ActionInput(code: .subDispatch, unitId: city.section.id), onTicket: id, by: city.housingHandler)
            #expect(try await t.store.ticket(id: id, for: city.sectionHandler).state.handlingUnitId == city.section.id)
            #expect(try await t.store.ticket(id: id, for: city.housingHandler).state.status == .pendingSign)
            // A filter by unit narrows within scope.
            var filter = TicketFilter()
            filter.unitId = city.transport.id
            #expect(try await t.store.tickets(matching: filter, for: city.agent).tickets.map(\.state.id) == [otherId])
        }
    }

    @Test("a whole life is stored with its history and deadlines", arguments: Backend.available)
    func lifecycle(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let id = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
            let steps: [(ActionInput, Actor)] = [
                (ActionInput(code: .dispatch, mainUnitId: city.housing.id, coUnitIds: [city.district.id]), city.agent),
                (ActionInput(code: .sign), city.housingHandler),
                (ActionInput(code: .coInput, note: "区里已配合核查"), city.districtHandler),
                (ActionInput(code: .requestExtension, note: "需更换线路", days: 3, progress: "已现场查看"), city.housingHandler),
                (ActionInput(code: .decideExtension, approve: true), city.supervisor),
                (ActionInput(code: .reply, note: "路灯已修复"), city.housingHandler),
                (ActionInput(code: .review, note: "未写明修复时间", approve: false), city.supervisor),
                (ActionInput(code: .reply, note: "路灯已于11月24日修复"), city.housingHandler),
                (ActionInput(code: .review, approve: true), city.supervisor),
                (ActionInput(code: .evaluate, satisfaction: .satisfied, resolved: true), city.supervisor),
                (ActionInput(code: .close), city.supervisor),
            ]
            var record: TicketRecord?
            for (input, actor) in steps {
                t.clock.advance(by: 1800)
                record = try await t.store.perform(input, onTicket: id, by: actor)
            }
            let final = try #require(record)
            #expect(final.state.status == .closed)
            #expect(final.state.extensionCount == 1 && final.state.sendBackCount == 1)
            #expect(final.state.replyDueAt == CivilDate("2026-12-03")!.instant(atMinute: 17 * 60 + 30))
            #expect(final.version == Int64(steps.count + 1))
            let history = try await t.store.history(ticketId: id, for: city.supervisor)
            #expect(history.map(\.action) == [.create] + steps.map(\.0.code))
            #expect(history[1].details["status"] == ["accepted", "pendingSign"])
            #expect(history.last?.toStatus == .closed)
            // The co-unit keeps seeing the ticket it helped with.
            #expect(try await t.store.ticket(id: id, for: city.districtHandler).state.status == .closed)
            // A refused action changes nothing.
            let error = await #expect(throws: HotlineError.self) { try await t.store.perform(ActionInput(code: .sign), onTicket: id, by: city.housingHandler) }
            #expect(error?.httpStatus == 409)
            #expect(try await t.store.ticket(id: id, for: city.agent).version == final.version)
        }
    }

    @Test("two actions racing on one ticket: exactly one wins, the other gets 409", arguments: Backend.available)
    func race(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let store = t.store
            for round in 0..<5 {
                let id = try await store.createTicket(TestCity.draft(title: "并发 \(round)"), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
                let handlers = [city.housingHandler, city.housingHandler2]
                let outcomes = await withTaskGroup(of: Int.self) { group in
                    for handler in handlers {
                        group.addTask {
                            do {
                                _ = try await store.perform(ActionInput(code: .sign), onTicket: id, by: handler)
                                return 200
                            } catch let error as HotlineError {
                                return error.httpStatus
                            } catch {
                                return 500
                            }
                        }
                    }
                    var all: [Int] = []
                    for await o in group { all.append(o) }
                    return all.sorted()
                }
                #expect(outcomes == [200, 409])
                let history = try await store.history(ticketId: id, for: city.agent)
                #expect(history.filter { $0.action == .sign }.count == 1)
            }
        }
    }

    @Test("search, filters and cursor paging", arguments: Backend.available)
    func listing(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            var ids: [Int64] = []
            for i in 0..<5 {
                let phone = i == 3 ? "13900001111" : "1381234123\(i)"
                ids.append(try await t.store.createTicket(TestCity.draft(title: i == 2 ? "噪音扰民_100%" : "窨井盖 \(i)", phone: phone),
                                                          centerId: city.center.id, by: city.agent).ticket.state.id)
            }
            var seen: [Int64] = []
            var filter = TicketFilter()
            filter.limit = 2
            repeat {
                let page = try await t.store.tickets(matching: filter, for: city.agent)
                seen += page.tickets.map(\.state.id)
                filter.before = page.nextCursor
            } while filter.before != nil
            #expect(seen == ids.reversed())
            var text = TicketFilter()
            text.text = "_100%"
            #expect(try await t.store.tickets(matching: text, for: city.agent).tickets.map(\.state.id) == [ids[2]])
            text.text = "窨井盖"
            #expect(try await t.store.tickets(matching: text, for: city.agent).tickets.count == 4)
            var phone = TicketFilter()
            phone.phone = "139-0000-1111"
            #expect(try await t.store.tickets(matching: phone, for: city.agent).tickets.map(\.state.id) == [ids[3]])
            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: ids[0], by: city.agent)
            var status = TicketFilter()
            status.statuses = [.pendingSign]
            #expect(try await t.store.tickets(matching: status, for: city.agent).tickets.map(\.state.id) == [ids[0]])
            var overdue = TicketFilter()
            overdue.overdue = true
            #expect(try await t.store.tickets(matching: overdue, for: city.agent).tickets.isEmpty)
            t.clock.advance(by: 10 * 86400)
            #expect(try await t.store.tickets(matching: overdue, for: city.agent).tickets.map(\.state.id) == [ids[0]])
            var created = TicketFilter()
            created.createdFrom = TestDatabase.start.addingTimeInterval(86400)
            #expect(try await t.store.tickets(matching: created, for: city.agent).tickets.isEmpty)
        }
    }
}

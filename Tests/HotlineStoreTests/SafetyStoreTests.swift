import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import SQLKit
import Testing

@Suite("Deadlines, audit and identity in the store")
struct SafetyStoreTests {
    @Test("the scanner marks due-soon and overdue tickets once and opens automatic supervision", arguments: Backend.available)
    func scanner(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            var ids: [Int64] = []
            for i in 0..<6 {
                let id = try await t.store.createTicket(TestCity.draft(title: "工单 \(i)"), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
                ids.append(id)
            }
            _ = try await t.store.perform(ActionInput(code: .sign), onTicket: ids[0], by: city.housingHandler)
            #expect(try await t.store.scanDeadlines() == Store.ScanResult())
            // Thursday 16:00: sign deadlines long passed, reply deadlines (next Monday) not yet due soon.
            t.clock.set(CivilDate("2026-11-26")!.instant(atMinute: 16 * 60))
            var first = try await t.store.scanDeadlines()
            #expect(first.signOverdue == 5 && first.dueSoon == 0 && first.overdue == 0)
            t.clock.set(CivilDate("2026-11-29")!.instant(atMinute: 12 * 60))
            first = try await t.store.scanDeadlines()
            #expect(first.dueSoon == 6 && first.overdue == 0)
            t.clock.set(CivilDate("2026-12-01")!.instant(atMinute: 9 * 60))
            // Two scanners at once (as two nodes would): each ticket is marked exactly once.
            let store = t.store
            let results = try await withThrowingTaskGroup(of: Store.ScanResult.self) { group in
                for _ in 0..<2 { group.addTask { try await store.scanDeadlines(batchSize: 2) } }
                var all: [Store.ScanResult] = []
                for try await r in group { all.append(r) }
                return all
            }
            #expect(results.map(\.overdue).reduce(0, +) == 6)
            #expect(try await t.store.scanDeadlines() == Store.ScanResult())
            let history = try await t.store.history(ticketId: ids[1], for: city.agent)
            #expect(history.filter { $0.action == .markOverdue }.count == 1)
            #expect(history.filter { $0.action == .markDueSoon }.count == 1)
            let supervisions = try await t.store.supervisions(ticketId: ids[1], for: city.agent)
            #expect(supervisions.count == 1 && supervisions[0].automatic)
            let ticket = try await t.store.ticket(id: ids[1], for: city.agent)
            #expect(ticket.state.overdueMarked && ticket.state.supervisionCount == 1)
            #expect(ticket.state.dueState(at: t.clock.now) == .overdue)
        }
    }

    @Test("identity is encrypted at rest, found by phone, revealed only with an audit event", arguments: Backend.available)
    func identity(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let phone = "13987654321"
            let open = try await t.store.createTicket(TestCity.draft(phone: phone), centerId: city.center.id, by: city.agent).ticket.state.id
            let secret = try await t.store.createTicket(TestCity.draft(title: "举报", phone: phone, confidential: true),
                                                        centerId: city.center.id, by: city.agent).ticket.state.id
            for id in [open, secret] {
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
            }
            // Nothing stored holds the phone, name or ID number in clear.
            let dump = try await Self.dump(t)
            for clear in [phone, "王小明", "11010519491231002X"] { #expect(!dump.contains(clear), "\(clear) stored in clear") }
            #expect(dump.contains("滨江花园"))
            var filter = TicketFilter()
            filter.phone = phone
            #expect(try await t.store.tickets(matching: filter, for: city.agent).tickets.count == 2)
            let revealed = try await t.store.revealIdentity(ticketId: open, by: city.housingHandler)
            #expect(revealed.phone == phone && revealed.name == "王小明")
            let history = try await t.store.history(ticketId: open, for: city.agent)
            #expect(history.last?.action == .revealIdentity && history.last?.actorId == city.housingHandler.userId)
            let hidden = await #expect(throws: HotlineError.self) { try await t.store.revealIdentity(ticketId: secret, by: city.housingHandler) }
            #expect(hidden?.httpStatus == 403)
            #expect(try await t.store.revealIdentity(ticketId: secret, by: city.supervisor).phone == phone)
            let auditor = await #expect(throws: HotlineError.self) { try await t.store.revealIdentity(ticketId: open, by: city.auditor) }
            #expect(auditor?.httpStatus == 403)
            await #expect(throws: HotlineError.self) { try await t.store.revealIdentity(ticketId: open, by: city.transportHandler) }
        }
    }

    /// Everything the database holds, as text: the SQLite files' bytes, or every row of PostgreSQL's tables.
    static func dump(_ t: TestDatabase) async throws -> String {
        switch t.backend {
        case .sqlite:
            var data = Data()
            for suffix in ["", "-wal"] { data += (try? Data(contentsOf: URL(fileURLWithPath: t.url + suffix))) ?? Data() }
            return String(decoding: data, as: UTF8.self)
        case .postgres:
            return try await t.database.read { db in
                var text = ""
                for table in ["tickets", "ticket_events", "outbox", "idempotency_keys", "supervisions", "ticket_units"] {
                    for row in try await db.raw("SELECT t::text AS r FROM \(unsafeRaw: table) t").all() {
                        text += try row.decode(column: "r", as: String.self) + "\n"
                    }
                }
                return text
            }
        }
    }

    @Test("sessions, bad passwords and disabled accounts", arguments: Backend.available)
    func authentication(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let session = try await t.store.login(username: "housing", password: TestCity.password)
            let actor = try #require(try await t.store.actor(forToken: session.token))
            #expect(actor.role == .unitHandler && actor.unitId == city.housing.id && actor.centerId == city.center.id)
            #expect(actor.unitPath == [city.center.id, city.housing.id])
            for (user, password) in [("housing", "wrong-password"), ("nobody", TestCity.password)] {
                let error = await #expect(throws: HotlineError.self) { try await t.store.login(username: user, password: password) }
                #expect(error?.code == .badCredentials)
            }
            t.clock.advance(by: 13 * 3600)
            #expect(try await t.store.actor(forToken: session.token) == nil)
            let fresh = try await t.store.login(username: "housing", password: TestCity.password)
            try await t.store.setUserActive(id: try #require(city.housingHandler.userId), active: false, by: .system)
            #expect(try await t.store.actor(forToken: fresh.token) == nil)
            await #expect(throws: HotlineError.self) { try await t.store.login(username: "housing", password: TestCity.password) }
            let agentSession = try await t.store.login(username: "agent", password: TestCity.password)
            try await t.store.logout(token: agentSession.token)
            #expect(try await t.store.actor(forToken: agentSession.token) == nil)
        }
    }

    @Test("an edited calendar moves the next deadlines", arguments: Backend.available)
    func calendarEdits(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            try await t.store.setCalendarDay(CalendarDay(date: CivilDate("2026-11-24")!, kind: .holiday, name: "测试假日"), by: .system)
            let id = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
            let ticket = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
            #expect(ticket.state.replyDueAt == CivilDate("2026-12-01")!.instant(atMinute: 17 * 60 + 30))
            try await t.store.removeCalendarDay(CivilDate("2026-11-24")!, by: .system)
            await #expect(throws: HotlineError.self) { try await t.store.removeCalendarDay(CivilDate("2026-11-24")!, by: .system) }
            #expect(!(try await t.store.calendar().recordedDays(in: 2026).contains { $0.name == "测试假日" }))
        }
    }

    @Test("category import adds and renames without breaking the tree", arguments: Backend.available)
    func categoryImport(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let parsed = try CategoryImport(csv: """
                level1_code,level1_name,level2_code,level2_name,level3_code,level3_name,description
                01,科教文体（新）,0101,科技事务,010101,科技服务,
                98,新增大类,9801,新增中类,980101,新增小类,测试
                """)
            let result = try await t.store.importCategories(parsed, by: .system)
            #expect(result.inserted == 3 && result.updated == 3)
            let all = try await t.store.categories()
            #expect(all.first { $0.code == "01" }?.name == "科教文体（新）")
            #expect(all.first { $0.code == "980101" }?.parentCode == "9801")
        }
    }

    @Test("the demo-sized org: units, users and roles are validated", arguments: Backend.available)
    func organisation(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            await #expect(throws: HotlineError.self) { try await t.store.createUnit(name: "无上级部门", kind: .department, parentId: nil, by: .system) }
            await #expect(throws: HotlineError.self) {
                try await t.store.createUser(username: "x1", displayName: "x", password: "Long-enough-1", role: .agent, unitId: city.housing.id, by: .system)
            }
            await #expect(throws: HotlineError.self) {
                try await t.store.createUser(username: "agent", displayName: "重名", password: "Long-enough-1", role: .agent, unitId: city.center.id, by: .system)
            }
            await #expect(throws: HotlineError.self) {
                try await t.store.createUser(username: "short", displayName: "短密码", password: "short", role: .agent, unitId: city.center.id, by: .system)
            }
            let units = try await t.store.units(visibleTo: city.agent)
            #expect(units.count == 5 && !units.contains { $0.id == city.otherCenter.id })
            #expect(city.section.path == [city.center.id, city.housing.id, city.section.id])
            #expect(city.section.centerId == city.center.id && city.otherDepartment.centerId == city.otherCenter.id)
        }
    }

    @Test("every administration write checks the actor's permission and center inside the store", arguments: Backend.available)
    func administrationScope(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let store = t.store
            let housingUser = try #require(city.housingHandler.userId)
            let before = (units: try await store.units(visibleTo: .system), users: try await store.users(visibleTo: .system),
                          policies: try await store.slaPolicies(), days: try await store.calendar().recordedDays(in: 2026))

            // Without the permission: 403, whatever the target.
            let forbidden: [@Sendable () async throws -> Void] = [
                { _ = try await store.createUnit(name: "新科室", kind: .department, parentId: city.housing.id, by: city.agent) },
                { try await store.setUnitActive(id: city.housing.id, active: false, by: city.supervisor) },
                { _ = try await store.createUser(username: "newbie", displayName: "新人", password: "Long-enough-1", role: .unitHandler,
                                                 unitId: city.housing.id, by: city.housingHandler) },
                { try await store.setUserActive(id: housingUser, active: false, by: city.auditor) },
                { try await store.resetPassword(userId: housingUser, password: "Another-password-1", by: city.agent) },
                { _ = try await store.createAPIKey(userId: housingUser, name: "k", by: city.supervisor) },
                { _ = try await store.saveSLAPolicy(SLAPolicy.defaults[0], by: city.agent) },
                { try await store.deleteSLAPolicy(id: 1, by: city.housingHandler) },
                { try await store.setCalendarDay(CalendarDay(date: CivilDate("2026-11-24")!, kind: .holiday, name: "假日"), by: city.agent) },
                { try await store.removeCalendarDay(CivilDate("2026-10-01")!, by: city.auditor) },
                { _ = try await store.addRoutingRule(RoutingRule(categoryPrefix: "0305", unitId: city.transport.id), centerId: city.center.id,
                                                     by: city.supervisor) },
                { _ = try await store.addPlaces([Place(id: 0, name: "翠湖苑", kind: .estate)], centerId: city.center.id, by: city.agent) },
                { _ = try await store.train(.category, centerId: city.center.id, by: city.auditor) },
                { _ = try await store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.housingHandler) },
            ]
            for write in forbidden {
                #expect(await #expect(throws: HotlineError.self) { try await write() }?.httpStatus == 403)
            }

            // Another center's administrator: this center's units and accounts do not exist for them (404), and
            // what this center keeps for itself is refused (403).
            let elsewhere: [(Int, @Sendable () async throws -> Void)] = [
                (404, { _ = try await store.createUnit(name: "新科室", kind: .department, parentId: city.housing.id, by: city.otherAdmin) }),
                (404, { try await store.setUnitActive(id: city.housing.id, active: false, by: city.otherAdmin) }),
                (404, { _ = try await store.createUser(username: "newbie", displayName: "新人", password: "Long-enough-1", role: .unitHandler,
                                                       unitId: city.housing.id, by: city.otherAdmin) }),
                (404, { try await store.setUserActive(id: housingUser, active: false, by: city.otherAdmin) }),
                (404, { try await store.resetPassword(userId: housingUser, password: "Another-password-1", by: city.otherAdmin) }),
                (404, { _ = try await store.createAPIKey(userId: housingUser, name: "k", by: city.otherAdmin) }),
                (403, { _ = try await store.addRoutingRule(RoutingRule(categoryPrefix: "0305", unitId: city.transport.id), centerId: city.center.id,
                                                           by: city.otherAdmin) }),
                (403, { _ = try await store.addPlaces([Place(id: 0, name: "翠湖苑", kind: .estate)], centerId: city.center.id, by: city.otherAdmin) }),
                (403, { _ = try await store.train(.category, centerId: city.center.id, by: city.otherAdmin) }),
                (403, { _ = try await store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.otherAgent) }),
                // A new root center is the platform's to add, not a center administrator's.
                (400, { _ = try await store.createUnit(name: "第三个中心", kind: .center, parentId: nil, by: city.admin) }),
            ]
            for (status, write) in elsewhere {
                #expect(await #expect(throws: HotlineError.self) { try await write() }?.httpStatus == status)
            }
            #expect(try await store.users(visibleTo: city.otherAdmin).allSatisfy { user in
                !before.users.contains { $0.id == user.id && [city.center.id, city.housing.id].contains($0.unitId) }
            })

            // Nothing changed.
            #expect(try await store.units(visibleTo: .system) == before.units)
            #expect(try await store.users(visibleTo: .system) == before.users)
            #expect(try await store.slaPolicies() == before.policies)
            #expect(try await store.calendar().recordedDays(in: 2026) == before.days)
            #expect(try await store.routingRules(centerId: city.center.id).isEmpty)

            // The center's own administrator may.
            let unit = try await store.createUnit(name: "新科室", kind: .department, parentId: city.housing.id, by: city.admin)
            try await store.setUnitActive(id: unit.id, active: false, by: city.admin)
            try await store.resetPassword(userId: housingUser, password: "Another-password-1", by: city.admin)
            #expect(try await store.units(visibleTo: city.admin).contains { $0.id == unit.id && !$0.active })
            #expect(!(try await store.units(visibleTo: city.otherAdmin).contains { $0.id == unit.id }))
        }
    }
}

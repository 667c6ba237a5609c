import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import SQLKit
import Testing

@Suite("Analysis in the store: volumes, warnings, hotspots, reports and the schedule")
struct AnalysisStoreTests {
    static let november = AssessmentPeriod("2026-11")!

    static func status(_ body: () async throws -> Void) async -> Int? {
        do {
            try await body()
            return nil
        } catch let error as HotlineError {
            return error.httpStatus
        } catch {
            return -1
        }
    }

    @Test("volumes count the period beside the one before and a year before, within the viewer's scope", arguments: Backend.available)
    func volumes(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            for title in ["小区路灯不亮", "路灯闪烁"] { _ = try await t.store.createTicket(TestCity.draft(title: title), centerId: city.center.id, by: city.agent) }
            t.clock.advance(by: 86_400)
            _ = try await t.store.createTicket(TestCity.draft(title: "路灯坏了", channel: .web), centerId: city.center.id, by: city.agent)
            _ = try await t.store.createTicket(TestCity.draft(title: "邻市的路灯"), centerId: city.otherCenter.id, by: city.otherAgent)

            let byCategory = try await t.store.volumes(.category, period: Self.november, for: city.supervisor)
            #expect(byCategory.total == 3 && byCategory.previousTotal == 0 && byCategory.rows.map(\.key) == ["03"])
            #expect(byCategory.rows[0].comparison.periodOnPeriod == nil && byCategory.rows[0].comparison.share == 1)
            let byChannel = try await t.store.volumes(.channel, period: Self.november, for: city.admin)
            #expect(byChannel.rows.map(\.key) == ["phone", "web"] && byChannel.rows.map(\.comparison.current) == [2, 1])
            #expect(byChannel.rows[0].name == Channel.phone.label)
            // The other center sees its own ticket only.
            #expect(try await t.store.volumes(.category, period: Self.november, for: city.otherAdmin).total == 1)
            // A day is a period too; the trend has every day, empty ones as 0.
            #expect(try await t.store.volumes(.type, period: AssessmentPeriod("2026-11-24")!, for: city.supervisor).total == 1)
            let trend = try await t.store.trend(from: CivilDate("2026-11-22")!, to: CivilDate("2026-11-26")!, by: .day, for: city.supervisor)
            #expect(trend.map(\.count) == [0, 2, 1, 0] && trend.map(\.label) == ["11-22", "11-23", "11-24", "11-25"])
            // A unit's staff and agents do not analyse; a backwards range is a 400.
            #expect(await Self.status { _ = try await t.store.volumes(.category, period: Self.november, for: city.housingHandler) } == 403)
            #expect(await Self.status { _ = try await t.store.volumes(.category, period: Self.november, for: city.agent) } == 403)
            #expect(await Self.status {
                _ = try await t.store.trend(from: CivilDate("2026-11-26")!, to: CivilDate("2026-11-22")!, by: .day, for: city.supervisor)
            } == 400)
        }
    }

    @Test("a scan raises a rise and a repeat once, grows them, and a supervisor acknowledges each once", arguments: Backend.available)
    func warnings(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let today = CivilDate(TestDatabase.start)
            for i in 0..<6 { _ = try await t.store.createTicket(TestCity.draft(title: "路灯不亮\(i)"), centerId: city.center.id, by: city.agent) }
            let raised = try await t.store.scanWarnings(on: today)
            // Six street-light tickets after nothing: a rise of 03 in an unknown district; one phone six times: a repeat.
            #expect(Set(raised.map(\.kind)) == [.suddenRise, .repeatRequester])
            let rise = try #require(raised.first { $0.kind == .suddenRise })
            #expect(rise.count == 6 && rise.expected == 0 && rise.key == "03|" && rise.ticketIds.count == 6 && rise.status == .open)
            #expect(rise.title.contains("11-23") && !rise.title.contains("13812341234"))
            #expect(try await t.store.scanWarnings(on: today).isEmpty) // nothing new
            _ = try await t.store.createTicket(TestCity.draft(title: "路灯不亮7"), centerId: city.center.id, by: city.agent)
            let grown = try await t.store.scanWarnings(on: today)
            #expect(grown.count == 2 && grown.allSatisfy { $0.count == 7 })
            let list = try await t.store.warnings(for: city.supervisor)
            #expect(list.count == 2 && list.allSatisfy { $0.status == .open })
            #expect(try await t.store.warnings(for: city.otherAdmin).isEmpty)
            // Each raise is an event of the audit chain and a message in the outbox for the units' leaders.
            let messages = try await t.database.read { db in
                try await db.raw("SELECT topic, payload FROM outbox WHERE topic LIKE 'warning.%' ORDER BY id").all().map {
                    (try $0.decode(column: "topic", as: String.self), try $0.decode(column: "payload", as: String.self))
                }
            }
            #expect(messages.map(\.0) == ["warning.raised", "warning.raised"])
            #expect(messages.allSatisfy { $0.1.contains("warningId") && $0.1.contains("centerId") }, "the receiver can route on them")
            #expect(try await t.store.verifyAuditChain().broken == nil)

            #expect(await Self.status { _ = try await t.store.acknowledgeWarning(id: rise.id, note: "已核实", by: city.agent) } == 403)
            #expect(await Self.status { _ = try await t.store.acknowledgeWarning(id: rise.id, note: " ", by: city.supervisor) } == 400)
            #expect(await Self.status { _ = try await t.store.acknowledgeWarning(id: rise.id, note: "已核实", by: city.otherAdmin) } == 403)
            let done = try await t.store.acknowledgeWarning(id: rise.id, note: "已转城管局排查线路", by: city.supervisor)
            #expect(done.status == .acknowledged && done.note == "已转城管局排查线路" && done.acknowledgedBy == city.supervisor.userId)
            #expect(await Self.status { _ = try await t.store.acknowledgeWarning(id: rise.id, note: "again", by: city.supervisor) } == 409)
            #expect(try await t.store.warnings(status: .open, for: city.supervisor).map(\.kind) == [.repeatRequester])
            // The next day's rise of the same key, while the first is still open, moves its last day on: one warning.
            t.clock.advance(by: 86_400)
            for i in 0..<6 { _ = try await t.store.createTicket(TestCity.draft(title: "又不亮\(i)", phone: "1390000000\(i)"), centerId: city.center.id, by: city.agent) }
            let again = try await t.store.scanWarnings(on: today.adding(days: 1))
            #expect(again.filter { $0.kind == .suddenRise }.count == 1, "acknowledged yesterday: today's rise is new")
            _ = try await t.store.createTicket(TestCity.draft(title: "又不亮7", phone: "13900000007"), centerId: city.center.id, by: city.agent)
            t.clock.advance(by: 86_400)
            for i in 0..<9 { _ = try await t.store.createTicket(TestCity.draft(title: "还不亮\(i)", phone: "1370000000\(i)"), centerId: city.center.id, by: city.agent) }
            let third = try await t.store.scanWarnings(on: today.adding(days: 2)).filter { $0.kind == .suddenRise }
            #expect(third.count == 1 && third[0].day == today.adding(days: 1) && third[0].lastDay == today.adding(days: 2))
            // A confidential report's address never names a repeat.
            var secret = TestCity.draft(title: "举报", phone: "13600000000", confidential: true)
            secret.location = Location(address: "东湖区滨江花园北门12栋301室")
            for _ in 0..<3 { _ = try await t.store.createTicket(secret, centerId: city.center.id, by: city.agent) }
            let places = try await t.store.scanWarnings(on: today.adding(days: 2)).filter { $0.kind == .repeatPlace }
            let titles = try await t.store.warnings(for: city.supervisor).map(\.title)
            #expect(places.isEmpty && !titles.contains { $0.contains("12栋301室") })
        }
    }

    @Test("similar tickets make a hotspot the center can supervise together", arguments: Backend.available)
    func hotspots(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let texts = ["景蓉华苑小区旁边的工地每天夜里施工到凌晨两点，噪音很大，严重影响居民休息，请尽快处理",
                         "景蓉华苑小区旁边工地每天夜里施工到凌晨，噪音太大，影响居民休息，请有关部门处理",
                         "景蓉华苑小区旁的工地夜里施工到凌晨两点，噪音很大，居民无法休息，希望尽快处理"]
            var ids: [Int64] = []
            for (i, text) in texts.enumerated() {
                var draft = TestCity.draft(title: "景蓉华苑工地夜间施工扰民", phone: "1381234000\(i)")
                draft.content = text
                ids.append(try await t.store.createTicket(draft, centerId: city.center.id, by: city.agent).ticket.state.id)
                t.clock.advance(by: 3600)
            }
            _ = try await t.store.createTicket(TestCity.draft(title: "公积金怎么提取"), centerId: city.center.id, by: city.agent)
            let found = try await t.store.hotspots(from: TestDatabase.start.addingTimeInterval(-86_400), to: t.clock.wallClock.now(), for: city.supervisor)
            let hot = try #require(found.first)
            #expect(found.count == 1 && hot.memberIds == ids && hot.requesters == 3 && hot.place == "景蓉华苑")
            #expect(try await t.store.hotspots(from: TestDatabase.start, to: t.clock.wallClock.now(), for: city.otherAdmin).isEmpty)
            #expect(await Self.status { _ = try await t.store.superviseTogether(ticketIds: ids, note: "群体诉求", by: city.admin) } == 403)
            #expect(await Self.status { _ = try await t.store.superviseTogether(ticketIds: ids, note: "", by: city.supervisor) } == 400)
            #expect(try await t.store.superviseTogether(ticketIds: ids, note: "同一工地夜间施工，请合并办理", by: city.supervisor) == 3)
            let record = try await t.store.ticket(id: ids[0], for: city.supervisor)
            #expect(record.state.supervisionCount == 1)

            // Dispatched together: those still at the center go to one unit with the same instructions; one already
            // dispatched is left alone, and a retry changes nothing more. A unit of another center moves nothing.
            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: ids[0], by: city.supervisor)
            let statuses = { try await t.store.tickets(ids: ids, for: city.supervisor).map(\.state.status) }
            let before = try await statuses()
            #expect(await Self.status { _ = try await t.store.dispatchTogether(ticketIds: ids, mainUnitId: city.otherDepartment.id, note: "",
                                                                              by: city.supervisor) } == 422)
            #expect(await Self.status { _ = try await t.store.dispatchTogether(ticketIds: ids, mainUnitId: city.transport.id, note: "",
                                                                              by: city.agent) } == 403)
            for co in [[city.transport.id], [city.district.id, city.district.id], Array(repeating: city.section.id, count: 11)] {
                #expect(await Self.status { _ = try await t.store.dispatchTogether(ticketIds: ids, mainUnitId: city.transport.id, coUnitIds: co,
                                                                                  note: "", by: city.supervisor) } == 400)
            }
            #expect(try await statuses() == before)
            let done = try await t.store.dispatchTogether(ticketIds: ids, mainUnitId: city.transport.id, coUnitIds: [city.district.id],
                                                          note: "同一工地夜间施工，请交通局牵头、东湖区配合", by: city.supervisor)
            #expect(done == GroupDispatch(dispatched: 2, skipped: 1))
            let moved = try await t.store.tickets(ids: Array(ids.dropFirst()), for: city.supervisor)
            #expect(moved.allSatisfy { $0.state.mainUnitId == city.transport.id && $0.state.coUnitIds == [city.district.id] && $0.state.status == .pendingSign })
            let note = try await t.store.history(ticketId: ids[1], for: city.supervisor).last { $0.action == .dispatch }?.note
            #expect(note == "【群体诉求·合并派单】同一工地夜间施工，请交通局牵头、东湖区配合")
            #expect(try await t.store.ticket(id: ids[0], for: city.supervisor).state.mainUnitId == city.housing.id)
            #expect(try await t.store.dispatchTogether(ticketIds: ids, mainUnitId: city.transport.id, note: "", by: city.supervisor)
                == GroupDispatch(dispatched: 0, skipped: 3))
        }
    }

    @Test("reports are built from the tickets, archived in versions, and generated on schedule once", arguments: Backend.available)
    func reports(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            for i in 0..<3 { _ = try await t.store.createTicket(TestCity.draft(title: "路灯不亮\(i)"), centerId: city.center.id, by: city.agent) }
            var consultations: [Int64] = []
            for title in ["公积金怎么提取", "社保卡在哪补办"] {
                var draft = TestCity.draft(title: title)
                draft.type = .consultation
                consultations.append(try await t.store.createTicket(draft, centerId: city.center.id, by: city.agent).ticket.state.id)
            }
            _ = try await t.store.perform(ActionInput(code: .answerOnContact, note: "携带身份证到公积金中心窗口办理"), onTicket: consultations[0], by: city.agent)
            let day = AssessmentPeriod("2026-11-23")!
            let first = try await t.store.generateReport(kind: .daily, period: day, by: city.supervisor)
            #expect(first.version == 1 && first.title == "测试市12345热线中心2026年11月23日日报")
            #expect(first.volume(.category)?.total == 5 && first.trend.count == 30 && first.trend.last?.count == 5)
            #expect(first.heat.rows == ["未知区域"] && first.heat.counts == [[5]])
            let second = try await t.store.generateReport(kind: .daily, period: day, title: "路灯专项", by: city.supervisor)
            #expect(second.version == 2 && second.title == "路灯专项")
            let list = try await t.store.reports(for: city.admin)
            #expect(list.map(\.version) == [2, 1])
            #expect(try await t.store.report(id: try #require(first.id), for: city.auditor) == first)
            #expect(await Self.status { _ = try await t.store.report(id: try #require(first.id), for: city.otherAdmin) } == 404)
            #expect(await Self.status { _ = try await t.store.generateReport(kind: .daily, period: Self.november, by: city.supervisor) } == 400)
            #expect(await Self.status { _ = try await t.store.generateReport(kind: .monthly, period: Self.november, by: city.housingHandler) } == 403)

            // On 2 December the schedule archives 1 December's daily, week 48's weekly and November's monthly, for each center, once.
            t.clock.advance(by: 9 * 86_400)
            let round = try await t.store.runScheduledAnalysis(holder: "node-a")
            #expect(Set(round.reports) == Set([city.center.id, city.otherCenter.id].flatMap { ["\($0)/daily/2026-12-01", "\($0)/weekly/2026-W48", "\($0)/monthly/2026-11"] }))
            #expect(try await t.store.runScheduledAnalysis(holder: "node-b").reports.isEmpty)
            let monthly = try #require(try await t.store.reports(kind: .monthly, for: city.supervisor).first)
            let november = try await t.store.report(id: monthly.id, for: city.supervisor)
            #expect(november.volume(.category)?.total == 5 && november.trendGranularity == .month)
            #expect(november.rates.contains { $0.code == "satisfaction" })
            // 一次性办结率: one of the two consultations was answered on contact.
            #expect(november.rates.last?.code == "oneContact" && november.rates.last?.numerator == 1 && november.rates.last?.denominator == 2)
        }
    }

    @Test("a role that sees the whole center sits at a center, never in a bureau")
    func centerWideRoles() async throws {
        try await withTestDatabase(.sqlite) { t in
            let city = try await TestCity.make(t.store)
            for role in [Role.leader, .auditor, .admin] {
                #expect(await Self.status {
                    _ = try await t.store.createUser(username: "x-\(role.rawValue)", displayName: "局长", password: "Long-enough-2", role: role,
                                                     unitId: city.housing.id, by: city.admin)
                } == 422, "\(role)")
            }
            _ = try await t.store.createUser(username: "director", displayName: "主任", password: "Long-enough-2", role: .leader, unitId: city.center.id,
                                             by: city.admin)
        }
    }

    @Test("the dashboard counts today's work, for the center only", arguments: Backend.available)
    func dashboard(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            for i in 0..<2 { _ = try await t.store.createTicket(TestCity.draft(title: "路灯不亮\(i)"), centerId: city.center.id, by: city.agent) }
            _ = try await t.store.createTicket(TestCity.draft(title: "邻市"), centerId: city.otherCenter.id, by: city.otherAgent)
            let board = try await t.store.dashboard(for: city.supervisor)
            #expect(board.receivedToday == 2 && board.receivedYesterday == 0 && board.open == 2 && board.trend.count == 30 && board.month == "2026-11")
            #expect(await Self.status { _ = try await t.store.dashboard(for: city.agent) } == 403)
        }
    }
}

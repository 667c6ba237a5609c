import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("110 linkage in the store")
struct Police110StoreTests {
    static func platform(_ t: TestDatabase, _ city: TestCity, _ name: String = "110-platform") async throws -> Actor {
        let user = try await t.store.createUser(username: name, displayName: "市110指挥中心", password: TestCity.password, role: .integrationClient,
                                                unitId: city.center.id, by: .system)
        return Actor.user(id: user.id, name: user.displayName, role: .integrationClient, unitId: city.center.id, unitPath: city.center.path,
                          centerId: city.center.id)
    }

    static func call(_ alarm: String = "JJ20261123000123", item: String = "noise", content: String = "楼上住户深夜装修，电钻声持续两小时。")
        -> DivertedCall {
        DivertedCall(alarmNumber: alarm, dispatchNumber: "CJ20261123000045", itemCode: item, content: content, callerName: "李女士",
                     callerPhone: "13900001111", address: "东湖区滨江花园3栋", latitude: 30.66, longitude: 104.06,
                     calledAt: TestDatabase.start.addingTimeInterval(-300), recordingURL: "https://110.example.gov.cn/rec/000123.mp3")
    }

    @Test("a diverted call is one accepted 110 ticket with the item's category and the 110 deadline; again is the same; bad input writes nothing",
          arguments: Backend.available)
    func divert(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let police = try await Self.platform(t, city)
            try await t.store.addStandardDiversionItems(centerId: city.center.id)
            #expect(try await t.store.diversionItems(centerId: city.center.id).count == 8)

            let (created, transfer, deadlines) = try await t.store.divertFrom110(Self.call(), by: police)
            #expect(deadlines.replyDueAt > TestDatabase.start.addingTimeInterval(3600))
            // 挪车 is urgent: the 110 channel's urgent policy, signed in 30 minutes and answered within the hour.
            let car = try await t.store.divertFrom110(Self.call("JJ-car", item: "moveCar", content: "消防通道被私家车堵住"), by: police)
            #expect(car.ticket.ticket.state.urgency == .urgent && car.deadlines.signDueAt == TestDatabase.start.addingTimeInterval(1800))
            #expect(car.deadlines.replyDueAt == TestDatabase.start.addingTimeInterval(3600))
            let ticket = created.ticket
            #expect(ticket.state.channel == .police110 && ticket.state.status == .accepted && ticket.state.categoryCode == "040201")
            #expect(ticket.title == "噪音扰民（110分流）" && ticket.requester.phone == "13900001111" && !created.replayed)
            #expect(transfer.direction == .fromPolice && transfer.alarmNumber == "JJ20261123000123" && transfer.itemCode == "noise")
            #expect(transfer.recordingURL == "https://110.example.gov.cn/rec/000123.mp3" && transfer.platformUserId == police.userId)
            #expect(transfer.startedAt == TestDatabase.start.addingTimeInterval(-300))

            let again = try await t.store.divertFrom110(Self.call(), by: police)
            #expect(again.ticket.replayed && again.ticket.ticket.state.id == ticket.state.id && again.transfer.id == transfer.id)
            #expect(await statusOf { _ = try await t.store.divertFrom110(Self.call(content: "另一件事"), by: police) } == 409)

            let before = try await t.store.changes(after: 0, limit: 1000, for: city.agent).events.count
            #expect(await statusOf { _ = try await t.store.divertFrom110(Self.call("JJ2", item: "murder"), by: police) } == 400)
            #expect(await statusOf { _ = try await t.store.divertFrom110(Self.call(" ", item: "noise"), by: police) } == 400)
            var badURL = Self.call("JJ3")
            badURL.recordingURL = "file:///etc/passwd"
            #expect(await statusOf { _ = try await t.store.divertFrom110(badURL, by: police) } == 400)
            #expect(await statusOf { _ = try await t.store.divertFrom110(Self.call("JJ4"), by: city.agent) } == 422)
            #expect(try await t.store.changes(after: 0, limit: 1000, for: city.agent).events.count == before)
            #expect(try await t.store.policeTransfers(for: city.agent).count == 2)

            // An item switched off is no longer diverted to; an admin adds one.
            var noise = try #require(try await t.store.diversionItems(centerId: city.center.id).first { $0.code == "noise" })
            noise.active = false
            _ = try await t.store.saveDiversionItem(noise, by: city.admin)
            #expect(await statusOf { _ = try await t.store.divertFrom110(Self.call("JJ5"), by: police) } == 400)
            #expect(await statusOf { _ = try await t.store.saveDiversionItem(DiversionItem(centerId: 0, code: "x", name: "x", categoryCode: "999999"), by: city.admin) } == 422)
            #expect(await statusOf { _ = try await t.store.saveDiversionItem(DiversionItem(centerId: 0, code: "坏 码", name: "x", categoryCode: "040201"), by: city.admin) } == 400)
            #expect(await statusOf { _ = try await t.store.saveDiversionItem(noise, by: city.agent) } == 403)
            let lamp = try await t.store.saveDiversionItem(DiversionItem(centerId: 0, code: "streetLight", name: "路灯不亮", categoryCode: "030599"), by: city.admin)
            #expect(lamp.centerId == city.center.id && lamp.active)
            #expect(try await t.store.divertFrom110(Self.call("JJ6", item: "streetLight"), by: police).ticket.ticket.state.categoryCode == "030599")

            // The 110 platform reads the tickets it diverted, and no others.
            let own = try await t.store.ticket(id: ticket.state.id, for: police)
            #expect(own.number == ticket.number)
            let other = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
            #expect(await statusOf { _ = try await t.store.ticket(id: other, for: police) } == 404)
            // No 110 platform named yet: an escalation would go nowhere, so it is refused.
            #expect(await statusOf { _ = try await t.store.escalateTo110(ticketId: other, reason: "涉及人身安全", by: city.agent) } == 422)
            // Another integration account diverting the same call is refused too, not an error of the database.
            let second = try await Self.platform(t, city, "110-standby")
            #expect(await statusOf { _ = try await t.store.divertFrom110(Self.call(), by: second) } == 409)
        }
    }

    @Test("an escalation waits for 110: acknowledged and answered on time, or supervised once per late stage", arguments: Backend.available)
    func escalate(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let police = try await Self.platform(t, city)
            let stranger = try await Self.platform(t, city, "other-integration")
            _ = try await t.store.savePoliceSettings(Store.PoliceSettings(platformUserId: police.userId), by: city.admin)
            let ticket = try await t.store.createTicket(TestCity.draft(title: "邻居持刀威胁"), centerId: city.center.id, by: city.agent).ticket.state.id
            #expect(await statusOf { _ = try await t.store.escalateTo110(ticketId: ticket, reason: "x", by: city.housingHandler) } == 403)
            #expect(await statusOf { _ = try await t.store.escalateTo110(ticketId: ticket, reason: " ", by: city.agent) } == 400)
            #expect(await statusOf { _ = try await t.store.ticket(id: ticket, for: police) } == 404)

            let sent = try await t.store.escalateTo110(ticketId: ticket, reason: "来电人称邻居持刀威胁，涉及人身安全", by: city.agent)
            #expect(sent.direction == .toPolice && sent.acknowledgeDueAt == TestDatabase.start.addingTimeInterval(600))
            #expect(sent.feedbackDueAt == TestDatabase.start.addingTimeInterval(24 * 3600))
            #expect(await statusOf { _ = try await t.store.escalateTo110(ticketId: ticket, reason: "again", by: city.agent) } == 409)
            // Now 110 may read it; another integration may not answer for it.
            #expect(try await t.store.ticket(id: ticket, for: police).title == "邻居持刀威胁")
            #expect(await statusOf { _ = try await t.store.acknowledgeTransfer(id: sent.id, alarmNumber: "JJ9", by: stranger) } == 404)
            #expect(await statusOf { _ = try await t.store.acknowledgeTransfer(id: sent.id, alarmNumber: "JJ9", by: city.agent) } == 422)

            // Late to acknowledge: one supervision, not two.
            t.clock.advance(by: 601)
            #expect(try await t.store.scanPoliceTransfers() == 1)
            #expect(try await t.store.scanPoliceTransfers() == 0)
            var supervisions = try await t.store.supervisions(ticketId: ticket, for: city.supervisor)
            #expect(supervisions.count == 1 && supervisions.first?.automatic == true && supervisions.first?.reason.contains("未签收") == true)
            #expect(try await t.store.policeLoop(ticketId: ticket, for: city.agent).escalations.first?.late == .acknowledgement)

            let acknowledged = try await t.store.acknowledgeTransfer(id: sent.id, alarmNumber: "JJ20261123000999", by: police)
            #expect(acknowledged.alarmNumber == "JJ20261123000999" && acknowledged.acknowledgedAt != nil)
            #expect(await statusOf { _ = try await t.store.acknowledgeTransfer(id: sent.id, alarmNumber: "JJ1", by: police) } == 409)
            let answered = try await t.store.recordTransferFeedback(id: sent.id, feedback: "民警已到场处置，双方已调解，无人员受伤。", dispatchNumber: "CJ77",
                                                                   by: police)
            #expect(answered.feedbackAt != nil && answered.dispatchNumber == "CJ77")
            #expect(await statusOf { _ = try await t.store.recordTransferFeedback(id: sent.id, feedback: "again", by: police) } == 409)
            let loop = try await t.store.policeLoop(ticketId: ticket, for: city.agent)
            #expect(loop.escalations.first?.closed == true && loop.escalations.first?.late == nil && loop.diverted == nil)
            let history = try await t.store.history(ticketId: ticket, for: city.agent)
            #expect(history.map(\.action).suffix(4) == [.escalateTo110, .markPolice110Late, .police110Acknowledge, .police110Feedback])
            #expect(history.last?.note == "民警已到场处置，双方已调解，无人员受伤。")

            // A second escalation of an urgent ticket: its feedback is due within the hour, and nobody answers.
            let urgent = try await t.store.createTicket(
                TicketDraft(channel: .phone, type: .help, urgency: .urgent, title: "有人被困火场", content: "三楼起火有人被困"),
                centerId: city.center.id, by: city.agent).ticket.state.id
            let fire = try await t.store.escalateTo110(ticketId: urgent, reason: "火情，人员被困", by: city.supervisor)
            #expect(fire.feedbackDueAt == t.clock.now.addingTimeInterval(3600))
            t.clock.advance(by: 3601)
            // Both stages are late at once: the acknowledgement is marked first, the feedback on the next scan.
            #expect(try await t.store.scanPoliceTransfers() == 1)
            #expect(try await t.store.scanPoliceTransfers() == 1)
            #expect(try await t.store.scanPoliceTransfers() == 0)
            supervisions = try await t.store.supervisions(ticketId: urgent, for: city.supervisor)
            #expect(supervisions.map { $0.reason.contains("未签收") } == [true, false])

            // The report of both directions.
            try await t.store.addStandardDiversionItems(centerId: city.center.id)
            _ = try await t.store.divertFrom110(Self.call(), by: police)
            _ = try await t.store.divertFrom110(Self.call(), by: police)
            let day = CivilDate(TestDatabase.start)
            let report = try await t.store.policeReport(from: day, to: day, for: city.supervisor)
            #expect(report.diverted == 1 && report.byItem.map(\.name) == ["噪音扰民"])
            #expect(report.escalated == 2 && report.acknowledged == 1 && report.acknowledgedOnTime == 0 && report.answered == 1)
            #expect(report.unanswered == 1 && report.medianFeedbackMinutes != nil)
            #expect(await statusOf { _ = try await t.store.policeReport(from: day, to: day, for: city.housingHandler) } == 403)
            #expect(try await t.store.verifyAuditChain().broken == nil)
        }
    }
}

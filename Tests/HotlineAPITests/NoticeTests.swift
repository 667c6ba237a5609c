import Foundation
import HotlineCore
import HotlineIntegrations
import HotlineStore
import HotlineTestSupport
import Logging
import SQLKit
import Synchronization
import Testing

@Suite("Notices through the gateway")
struct NoticeTests {
    @Test("the citizen is told at acceptance, refusal and approval; handlers of new work; each once, the log masked", arguments: Backend.available)
    func notices(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let receiver = WebhookReceiver(clock: { t.clock.now })
            try await receiver.run { base in
                receiver.secrets.withLock { $0["sms"] = "gateway-secret" }
                let gateway = HTTPGateway(url: base + "/hook/sms", secret: "gateway-secret", clock: { t.clock.now })
                let notifier = Notifier(store: t.store, gateway: gateway, portalURL: "https://12345.example.gov.cn/", policy: RetryPolicy(maxAttempts: 2),
                                        logger: quietLogger)
                // A phone call: accepted at once; dispatched to housing (two handlers there).
                let ticket = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: ticket.ticket.state.id, by: city.agent)
                // A web submission refused; one without a phone tells nobody.
                let web = try await t.store.createTicket(TestCity.draft(title: "网上留言", channel: .web), centerId: city.center.id, by: city.agent)
                _ = try await t.store.perform(ActionInput(code: .reject, note: "属于诉讼程序", reasonCode: .litigation), onTicket: web.ticket.state.id,
                                              by: city.agent)
                var silent = TestCity.draft(title: "匿名来电")
                silent.requester = Requester()
                _ = try await t.store.createTicket(silent, centerId: city.center.id, by: city.agent)

                #expect(try await notifier.notifyOnce() == 4)
                #expect(try await notifier.notifyOnce() == 0)
                let sent = receiver.received("sms")
                struct Sent: Decodable { struct To: Decodable { let phone: String?; let username: String? }; let kind: String; let to: To; let text: String }
                let bodies = try sent.map { try JSONDecoder().decode(Sent.self, from: Data($0.body.utf8)) }
                let accepted = try #require(bodies.first { $0.kind == "accepted" })
                #expect(accepted.to.phone == "13812341234" && accepted.text.contains(ticket.ticket.number) && accepted.text.contains(ticket.queryCode))
                #expect(accepted.text.contains("https://12345.example.gov.cn/portal/track?number=\(ticket.ticket.number)&code=\(ticket.queryCode)"))
                #expect(Set(bodies.filter { $0.kind == "newTicket" }.compactMap(\.to.username)) == ["housing", "housing2"])
                #expect(bodies.first { $0.kind == "rejected" }?.text.contains("属于诉讼程序") == true)

                // The log: masked number, masked query code; nothing in clear in the table either.
                let log = try await t.store.notices(by: city.admin)
                #expect(log.count == 4 && log.allSatisfy { $0.status == .delivered })
                let citizen = try #require(log.first { $0.kind == .accepted })
                #expect(citizen.maskedTo == "138****1234" && !citizen.text.contains(ticket.queryCode) && citizen.text.contains("****"))
                let stored = try await t.database.read { db in try await db.raw("SELECT * FROM notices").all() }
                for row in stored {
                    let values = try ["masked_to", "text", "text_enc", "recipient"].map { try row.decode(column: $0, as: String.self) }
                    #expect(!values.joined().contains("13812341234") && !values.joined().contains(ticket.queryCode))
                }
                #expect(await statusOf { _ = try await t.store.notices(by: city.agent) } == 403)
                #expect(try await t.store.notices(by: city.otherAdmin).isEmpty)

                // The reply approved: the citizen gets the link to rate it.
                let id = ticket.ticket.state.id
                _ = try await t.store.perform(ActionInput(code: .sign), onTicket: id, by: city.housingHandler)
                _ = try await t.store.perform(ActionInput(code: .reply, note: "已更换线路"), onTicket: id, by: city.housingHandler)
                _ = try await t.store.perform(ActionInput(code: .review, approve: true), onTicket: id, by: city.supervisor)
                #expect(try await notifier.notifyOnce() == 1)
                let approved = try JSONDecoder().decode(Sent.self, from: Data(try #require(receiver.received("sms").last).body.utf8))
                #expect(approved.kind == "replyApproved" && approved.to.phone == "13812341234" && approved.text.contains("请对办理结果评价"))

                // A gateway that is down: tried again, then given up; nothing is sent twice.
                receiver.failing.withLock { $0["sms"] = 500 }
                _ = try await t.store.perform(ActionInput(code: .supervise, note: "请加快办理", level: .center, method: .phone),
                                              onTicket: ticket.ticket.state.id, by: city.supervisor)
                #expect(try await notifier.notifyOnce() == 0)
                t.clock.advance(by: 20)
                #expect(try await notifier.notifyOnce() == 0)
                let given = try await t.store.notices(by: city.admin).filter { $0.kind == .supervised }
                #expect(given.count == 2 && given.allSatisfy { $0.status == .dead && $0.attempts == 2 })
                #expect(receiver.received("sms").count == 5)
            }
        }
    }

    @Test("templates: the center's own wording with only its kind's variables")
    func templates() async throws {
        try await withTestDatabase(.sqlite) { t in
            let city = try await TestCity.make(t.store)
            #expect(try await t.store.noticeTemplates(centerId: city.center.id)[.accepted] == NoticeKind.accepted.defaultTemplate)
            _ = try await t.store.saveNoticeTemplate(.accepted, text: "【临江12345】已受理{number}，查询码{queryCode}", by: city.admin)
            #expect(await statusOf { _ = try await t.store.saveNoticeTemplate(.accepted, text: "{unit}", by: city.admin) } == 400)
            #expect(await statusOf { _ = try await t.store.saveNoticeTemplate(.accepted, text: "x", by: city.agent) } == 403)
            #expect(try await t.store.noticeTemplates(centerId: city.center.id)[.accepted] == "【临江12345】已受理{number}，查询码{queryCode}")
            #expect(try await t.store.noticeTemplates(centerId: city.otherCenter.id)[.accepted] == NoticeKind.accepted.defaultTemplate)
            let ticket = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            try await t.store.planNotices { number, code in "\(number)/\(code)" }
            let log = try await t.store.notices(by: city.admin)
            #expect(log.map(\.text) == ["【临江12345】已受理\(ticket.ticket.number)，查询码****"])
        }
    }
}

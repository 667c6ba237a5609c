import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("110 linkage over the API and the pages")
struct Police110APITests {
    /// The 110 platform's integration account and its API key.
    static func platformKey(_ api: APIClient) async throws -> (Actor, String) {
        let user = try await api.t.store.createUser(username: "police110", displayName: "市110指挥中心", password: TestCity.password,
                                                    role: .integrationClient, unitId: api.city.center.id, by: .system)
        let key = try await api.t.store.createAPIKey(userId: user.id, name: "110", by: api.city.admin)
        try await api.t.store.addStandardDiversionItems(centerId: api.city.center.id)
        _ = try await api.t.store.savePoliceSettings(Store.PoliceSettings(platformUserId: user.id), by: api.city.admin)
        return (Actor.user(id: user.id, name: user.displayName, role: .integrationClient, unitId: api.city.center.id, unitPath: api.city.center.path,
                           centerId: api.city.center.id), key)
    }

    static let call: [String: JSON] = [
        "alarmNumber": "JJ20261123000123", "dispatchNumber": "CJ20261123000045", "itemCode": "noise",
        "content": "楼上住户深夜装修，电钻声持续两小时。", "caller": ["name": "李女士", "phone": "13900001111"], "address": "东湖区滨江花园3栋",
        "calledAt": "2026-11-23T01:55:00Z", "recordingUrl": "https://110.example.gov.cn/rec/000123.mp3",
    ]

    @Test("a diverted call and an escalation, end to end through the API", arguments: Backend.available)
    func walk(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let (_, key) = try await Self.platformKey(api)
            let headers = ["X-API-Key": key]
            let items = try await api.send(.get, "/api/v1/police110/diversion-items", headers: headers)
            #expect(items.status == 200 && items.json.array.count == 8)

            let diverted = try await api.send(.post, "/api/v1/police110/calls", json: Self.call, headers: headers)
            #expect(diverted.status == 201, "\(diverted.text)")
            #expect(diverted.json["ticket"]["channel"] == "police110" && diverted.json["ticket"]["status"] == "accepted")
            #expect(diverted.json["transfer"]["alarmNumber"] == "JJ20261123000123" && diverted.json["replyDueAt"].string != nil)
            let ticketId = try #require(diverted.json["ticket"]["id"].int)
            let again = try await api.send(.post, "/api/v1/police110/calls", json: Self.call, headers: headers)
            #expect(again.status == 200 && again.json["ticket"]["id"].int == ticketId && again.json["replayed"] == true)
            var other = Self.call
            other["content"] = "另一件事"
            #expect(try await api.send(.post, "/api/v1/police110/calls", json: other, headers: headers).json["error"]["code"] == "duplicate_reference")
            var unknown = Self.call
            unknown["alarmNumber"] = "JJ2"
            unknown["itemCode"] = "robbery"
            let refused = try await api.send(.post, "/api/v1/police110/calls", json: unknown, headers: headers)
            #expect(refused.status == 400 && refused.json["error"]["code"] == "unknown_diversion_item")
            #expect(try await api.send(.get, "/api/v1/police110/transfers", headers: headers).json.array.count == 1)

            // The loop of the diverted ticket, and an escalation of another one.
            let agent = try await api.login("agent")
            let loop = try await api.send(.get, "/api/v1/tickets/\(ticketId)/police110", token: agent)
            #expect(loop.status == 200 && loop.json["diverted"]["closed"] == false && loop.json["diverted"]["handled"] == false)
            let fight = try #require(try await api.createTicket(token: agent, title: "邻居持刀威胁").json["ticket"]["id"].int)
            let escalated = try await api.send(.post, "/api/v1/tickets/\(fight)/police110", token: agent, json: ["reason": "涉及人身安全"])
            #expect(escalated.status == 201 && escalated.json["direction"] == "toPolice", "\(escalated.text)")
            let transferId = try #require(escalated.json["id"].int)
            let open = try await api.send(.get, "/api/v1/police110/transfers?direction=toPolice&open=true", headers: headers)
            #expect(open.json.array.map { $0["id"].int } == [transferId])
            #expect(try await api.send(.get, "/api/v1/tickets/\(fight)", headers: headers).status == 200)
            let ack = try await api.send(.post, "/api/v1/police110/transfers/\(transferId)/acknowledgement", json: ["alarmNumber": "JJ9"], headers: headers)
            #expect(ack.status == 200 && ack.json["acknowledgedAt"].string != nil)
            #expect(try await api.send(.post, "/api/v1/police110/transfers/\(transferId)/acknowledgement", json: ["alarmNumber": "JJ9"],
                                       headers: headers).status == 409)
            let feedback = try await api.send(.post, "/api/v1/police110/transfers/\(transferId)/feedback",
                                              json: ["feedback": "民警已到场处置", "dispatchNumber": "CJ9"], headers: headers)
            #expect(feedback.status == 200 && feedback.json["feedback"] == "民警已到场处置")
            let closed = try await api.send(.get, "/api/v1/tickets/\(fight)/police110", token: agent)
            #expect(closed.json["escalations"].array.first?["closed"] == true)

            let supervisor = try await api.login("supervisor")
            let report = try await api.send(.get, "/api/v1/police110/report?from=2026-11-23&to=2026-11-23", token: supervisor)
            #expect(report.status == 200 && report.json["diverted"].int == 1 && report.json["escalated"].int == 1 && report.json["answered"].int == 1,
                    "\(report.text)")
            #expect(report.json["byItem"].array.first?["name"] == "噪音扰民")
        }
    }

    @Test("the pages: the diversion list and settings, both loops on the ticket, escalating, the report", arguments: Backend.available)
    func pages(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let (police, _) = try await Self.platformKey(api)
            let admin = Browser(api)
            try await admin.login("admin")
            let settings = try await admin.get("/admin/police110")
            #expect(settings.status == 200 && settings.contains("噪音扰民") && settings.contains("110转办") && settings.contains("市110指挥中心"))
            let csrf = try #require(settings.csrf)
            let added = try await admin.post("/admin/police110/items", [("_csrf", csrf), ("code", "streetLight"), ("name", "路灯不亮"),
                                                                        ("categoryCode", "030599"), ("type", "complaint"), ("urgency", "normal")])
            #expect(added.status == 200 && added.contains("路灯不亮"))
            #expect(try await admin.post("/admin/police110/items", [("_csrf", csrf), ("code", "x"), ("name", "x"), ("categoryCode", "999999")]).status == 422)
            let timers = try await admin.post("/admin/police110/settings", [("_csrf", csrf), ("platformUserId", String(police.userId!)),
                                                                            ("acknowledgeMinutes", "0"), ("urgentFeedbackMinutes", "60"), ("feedbackMinutes", "1440")])
            #expect(timers.status == 400)

            let (created, _, _) = try await api.t.store.divertFrom110(DivertedCall(
                alarmNumber: "JJ1", dispatchNumber: "CJ1", itemCode: "noise", content: "楼上噪音", calledAt: TestDatabase.start,
                recordingURL: "https://110.example.gov.cn/rec/1.mp3"), by: police)
            let agent = Browser(api)
            try await agent.login("agent")
            let page = try await agent.get("/tickets/\(created.ticket.state.id)")
            #expect(page.contains("110联动（双闭环）") && page.contains("JJ1") && page.contains("噪音扰民") && page.contains("未闭环"))
            #expect(page.contains("https://110.example.gov.cn/rec/1.mp3"))

            let fight = try await api.t.store.createTicket(TestCity.draft(title: "邻居持刀威胁"), centerId: api.city.center.id, by: api.city.agent)
            let before = try await agent.get("/tickets/\(fight.ticket.state.id)")
            #expect(before.contains("id=\"escalate110\"") && !before.contains("110联动（双闭环）"))
            let escalated = try await agent.post("/tickets/\(fight.ticket.state.id)/police110", [("_csrf", try #require(before.csrf)), ("reason", "涉及人身安全")])
            #expect(escalated.status == 303)
            let after = try await agent.get("/tickets/\(fight.ticket.state.id)")
            #expect(after.contains("12345 → 110 转办") && after.contains("涉及人身安全") && !after.contains("id=\"escalate110\""))
            let empty = try await agent.post("/tickets/\(fight.ticket.state.id)/police110", [("_csrf", try #require(after.csrf)), ("reason", "again")])
            #expect(empty.status == 409)
            let handler = Browser(api)
            try await handler.login("housing")
            #expect(try await handler.post("/tickets/\(fight.ticket.state.id)/police110", [("_csrf", try await handler.csrf()), ("reason", "x")]).status == 403)

            let leader = Browser(api)
            try await leader.login("leader")
            let report = try await leader.get("/analysis/police110?from=2026-11-23&to=2026-11-23")
            #expect(report.status == 200 && report.contains("110联动统计") && report.contains("噪音扰民") && report.contains("涉及人身安全"))
            #expect(try await leader.get("/admin/police110").status == 403)
        }
    }
}

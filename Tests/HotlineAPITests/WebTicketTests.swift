import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Web: console, ticket page, workbench and desk")
struct WebTicketTests {
    static func intakeFields(_ csrf: String, key: String = UUID().uuidString, content: String = "滨江花园北门路灯一周不亮，晚上很黑。",
                             next: String = "save", extra: [(String, String)] = []) -> [(String, String)] {
        [("_csrf", csrf), ("_intake", key), ("channel", "phone"), ("type", "complaint"), ("urgency", "normal"), ("name", "王小明"),
         ("phone", "13812341234"), ("content", content), ("address", "东湖区滨江花园"), ("categoryCode", "030599"), ("next", next)] + extra
    }

    @Test("intake and dispatch in one step; a retried submission makes no second ticket; bad input keeps what was typed", arguments: Backend.available)
    func intake(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = Browser(api)
            try await agent.login("agent")
            let console = try await agent.get("/console")
            #expect(console.contains("来电人") && console.contains("030599") && console.contains(api.city.housing.name))
            let csrf = try #require(console.csrf)
            let fields = Self.intakeFields(csrf, key: "call-1", next: "dispatch",
                                           extra: [("mainUnitId", String(api.city.housing.id)), ("coUnitIds", String(api.city.district.id))])
            let done = try await agent.post("/console/intake", fields)
            #expect(done.status == 200 && done.contains("已登记") && done.contains("20261123000001"))
            let ticket = try await api.t.store.ticket(number: "20261123000001", for: api.city.agent)
            #expect(ticket.state.status == .pendingSign && ticket.state.mainUnitId == api.city.housing.id)
            #expect(ticket.state.coUnitIds == [api.city.district.id])
            // The fresh form after success holds none of the last caller's details.
            #expect(!done.contains("value=\"13812341234\"") && !done.contains("value=\"王小明\""))
            let again = try await agent.post("/console/intake", fields)
            #expect(again.contains("此前已登记"))
            #expect(try await api.t.store.tickets(matching: TicketFilter(), for: api.city.agent).tickets.count == 1)

            let bad = try await agent.post("/console/intake", Self.intakeFields(csrf, next: "dispatch"))
            #expect(bad.status == 400 && bad.contains("请选择主办单位"))
            #expect(bad.contains("value=\"13812341234\"") && bad.contains("滨江花园北门路灯"))
            let badPhone = try await agent.post("/console/intake", Self.intakeFields(csrf).map { $0.0 == "phone" ? ("phone", "12ab") : $0 })
            #expect(badPhone.status == 400 && badPhone.contains("电话号码格式不正确"))
            #expect(try await api.t.store.tickets(matching: TicketFilter(), for: api.city.agent).tickets.count == 1)

            let answered = try await agent.post("/console/intake", Self.intakeFields(csrf, content: "社保卡丢了怎么补办？", next: "answer",
                                                                                     extra: [("answer", "携带身份证到社保大厅补办")]))
            #expect(answered.contains("已办结"))
            let refused = try await agent.post("/console/intake", Self.intakeFields(csrf, content: "我要起诉邻居", next: "reject",
                                                                                    extra: [("reasonCode", "litigation")]))
            #expect(refused.contains("不予受理"))
            // The caller's earlier tickets appear, masked, when the number is typed.
            let history = try await agent.get("/console/caller?phone=138-1234-1234")
            #expect(history.contains("20261123000001") && !history.contains("13812341234"))
            #expect(try await agent.get("/console/caller?phone=12").contains("无历史工单"))
            #expect(try await agent.get("/console").contains("我最近登记"))
        }
    }

    @Test("a ticket walks through pages: sign, reply with a photo, review, callback, close", arguments: Backend.available)
    func unitFlow(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = Browser(api)
            try await agent.login("agent")
            let csrf = try await agent.csrf("/console")
            _ = try await agent.post("/console/intake", Self.intakeFields(csrf, next: "dispatch", extra: [("mainUnitId", String(api.city.housing.id))]))
            let id = try await api.t.store.ticket(number: "20261123000001", for: api.city.agent).state.id

            let handler = Browser(api)
            try await handler.login("housing")
            let inbox = try await handler.get("/workbench")
            #expect(inbox.contains("待签收") && inbox.contains("20261123000001"))
            var page = try await handler.get("/tickets/\(id)")
            #expect(page.contains("value=\"sign\"") && !page.contains("value=\"dispatch\""))
            #expect(page.contains("138****1234") && !page.contains("13812341234"))
            let signed = try await handler.post("/tickets/\(id)/act", [("_csrf", page.csrf ?? ""), ("action", "sign")])
            #expect(signed.status == 303 && signed.location == "/tickets/\(id)?done=sign")
            page = try await handler.get("/tickets/\(id)?done=sign")
            #expect(page.contains("已完成：签收") && page.contains("value=\"reply\""))
            let replied = try await handler.postMultipart("/tickets/\(id)/act", [("_csrf", page.csrf ?? ""), ("action", "reply"), ("note", "路灯已修复")],
                                                          files: [("files", "现场照片.png", tinyPNG)])
            #expect(replied.status == 303)
            page = try await handler.get("/tickets/\(id)")
            let fileId = try #require(page.html.range(of: "href=\"/files/").map { page.html[$0.upperBound...].prefix { $0.isNumber } })
            let photo = try await handler.get("/files/\(fileId)")
            #expect(photo.status == 200 && photo.headers[.contentType] == "image/png")
            #expect(photo.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            #expect(photo.headers[.contentDisposition]?.hasPrefix("inline") == true)
            let stranger = Browser(api)
            try await stranger.login("transport")
            #expect(try await stranger.get("/files/\(fileId)").status == 404)
            #expect(try await stranger.get("/tickets/\(id)").status == 404)
            let sneaky = try await stranger.post("/tickets/\(id)/act", [("_csrf", try await stranger.csrf()), ("action", "reply"), ("note", "x")])
            #expect(sneaky.status == 404)

            let supervisor = Browser(api)
            try await supervisor.login("supervisor")
            let desk = try await supervisor.get("/desk")
            #expect(desk.contains("待审核") && desk.contains("20261123000001"))
            page = try await supervisor.get("/tickets/\(id)")
            #expect(page.contains("value=\"review\""))
            let sentBack = try await supervisor.post("/tickets/\(id)/act", [("_csrf", page.csrf ?? ""), ("action", "review"), ("approve", "false")])
            #expect(sentBack.status == 400 && sentBack.contains("note"))
            _ = try await supervisor.post("/tickets/\(id)/act", [("_csrf", page.csrf ?? ""), ("action", "review"), ("approve", "false"), ("note", "请写明修复时间")])
            #expect(try await handler.get("/workbench?tab=sentBack").contains("20261123000001"))
            // Another session's token does not work for this one.
            let crossSession = try await handler.post("/tickets/\(id)/act", [("_csrf", page.csrf ?? ""), ("action", "reply"), ("note", "x")])
            #expect(crossSession.status == 403)
            let handlerCsrf = try await handler.csrf()
            let reply = try await handler.post("/tickets/\(id)/act", [("_csrf", handlerCsrf), ("action", "reply"), ("note", "11月24日已修复")])
            #expect(reply.status == 303)
            for fields in [[("action", "review"), ("approve", "true")],
                           [("action", "evaluate"), ("satisfaction", "satisfied"), ("resolved", "true"), ("note", "很满意")],
                           [("action", "close")]] {
                let result = try await supervisor.post("/tickets/\(id)/act", [("_csrf", page.csrf ?? "")] + fields)
                #expect(result.status == 303, "\(fields)")
            }
            page = try await supervisor.get("/tickets/\(id)")
            #expect(page.contains("已办结") && page.contains("满意") && page.contains("现场照片.png"))
            // An action not allowed now is refused with the reason, and nothing changes.
            let late = try await supervisor.post("/tickets/\(id)/act", [("_csrf", page.csrf ?? ""), ("action", "close")])
            #expect(late.status == 409 && late.contains("不能办结"))
        }
    }

    @Test("what a user typed is shown as text, never run as script")
    func escaping() async throws {
        try await withAPI(.sqlite) { api in
            let script = "<script>alert(1)</script>"
            let created = try await api.t.store.createTicket(
                TicketDraft(channel: .phone, type: .complaint, title: "\(script)标题", content: "内容\(script)",
                            location: Location(address: "<img src=x onerror=alert(2)>"), requester: Requester(name: "<b>王</b>")),
                centerId: api.city.center.id, by: api.city.agent)
            let browser = Browser(api)
            try await browser.login("agent")
            for path in ["/tickets/\(created.ticket.state.id)", "/tickets", "/console"] {
                let page = try await browser.get(path)
                #expect(!page.contains(script) && !page.contains("<img src=x"), "\(path)")
                if path != "/console" { #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)") }
            }
        }
    }

    @Test("identity is masked on the page; a reveal shows it once and is audited; confidential tickets hide it from units")
    func reveal() async throws {
        try await withAPI(.sqlite) { api in
            let draft = TestCity.draft()
            let open = try await api.t.store.createTicket(draft, centerId: api.city.center.id, by: api.city.agent).ticket.state.id
            let secret = try await api.t.store.createTicket(TestCity.draft(title: "举报", confidential: true), centerId: api.city.center.id,
                                                            by: api.city.agent).ticket.state.id
            for id in [open, secret] {
                _ = try await api.t.store.perform(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), onTicket: id, by: api.city.agent)
            }
            let agent = Browser(api)
            try await agent.login("agent")
            let page = try await agent.get("/tickets/\(open)")
            #expect(page.contains("138****1234") && page.contains("王**") && !page.contains("13812341234"))
            let revealed = try await agent.post("/tickets/\(open)/reveal", [("_csrf", page.csrf ?? "")])
            #expect(revealed.status == 200 && revealed.contains("13812341234") && revealed.contains("王小明"))
            #expect(try await agent.get("/tickets/\(open)").contains("138****1234"), "shown once only")
            let history = try await api.t.store.history(ticketId: open, for: api.city.agent)
            #expect(history.filter { $0.action == .revealIdentity }.count == 1)
            #expect(try await agent.post("/tickets/\(open)/reveal", [("_csrf", "forged")]).status == 403)

            let unit = Browser(api)
            try await unit.login("housing")
            let hidden = try await unit.get("/tickets/\(secret)")
            #expect(hidden.contains("诉求人信息不向承办单位显示") && !hidden.contains("138****1234") && !hidden.contains("查看完整信息"))
            #expect(try await unit.post("/tickets/\(secret)/reveal", [("_csrf", hidden.csrf ?? "")]).status == 403)
            let auditor = Browser(api)
            try await auditor.login("auditor")
            let audit = try await auditor.get("/audit")
            #expect(audit.contains("审计链完整") && audit.contains("查看诉求人信息"))
        }
    }

    @Test("workbench and desk tabs count what waits; the search filters within scope")
    func inboxes() async throws {
        try await withAPI(.sqlite) { api in
            let store = api.t.store
            var ids: [Int64] = []
            for i in 0..<4 {
                let id = try await store.createTicket(TestCity.draft(title: "工单\(i)"), centerId: api.city.center.id, by: api.city.agent).ticket.state.id
                _ = try await store.perform(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), onTicket: id, by: api.city.agent)
                ids.append(id)
            }
            _ = try await store.perform(ActionInput(code: .sign), onTicket: ids[0], by: api.city.housingHandler)
            _ = try await store.perform(ActionInput(code: .sign), onTicket: ids[1], by: api.city.housingHandler)
            _ = try await store.perform(ActionInput(code: .reply, note: "已处理"), onTicket: ids[1], by: api.city.housingHandler)
            let handler = Browser(api)
            try await handler.login("housing")
            let workbench = try await handler.get("/workbench")
            #expect(workbench.contains("待签收 <b class=\"count\">2</b>") && workbench.contains("办理中 <b class=\"count\">1</b>"))
            api.t.clock.advance(by: 8 * 86400)
            try await handler.login("housing")
            let overdue = try await handler.get("/workbench?tab=overdue")
            #expect(overdue.contains("超期 <b class=\"count\">3</b>") && overdue.contains("超期"))
            let supervisor = Browser(api)
            try await supervisor.login("supervisor")
            #expect(try await supervisor.get("/desk").contains("待审核 <b class=\"count\">1</b>"))
            #expect(try await supervisor.get("/desk?tab=overdue").contains("工单0"))
            let search = try await supervisor.get("/tickets?q=工单3")
            #expect(search.contains("工单3") && !search.contains("工单2"))
            #expect(try await supervisor.get("/tickets?status=bogus").contains("未知状态"))
            let other = Browser(api)
            try await other.login("other-housing")
            #expect(!(try await other.get("/tickets")).contains("工单0"))
            // Same caller, several open tickets: offered as duplicates.
            #expect(try await supervisor.get("/desk?tab=duplicates").contains("工单1"))
        }
    }
}

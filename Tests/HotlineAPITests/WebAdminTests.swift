import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Web: administration")
struct WebAdminTests {
    @Test("units and users: add, disable, reset a password; only admins, only their own center", arguments: Backend.available)
    func organisation(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let admin = Browser(api)
            try await admin.login("admin")
            let units = try await admin.get("/admin/units")
            #expect(units.contains(api.city.housing.name) && !units.contains(api.city.otherDepartment.name))
            let csrf = try #require(units.csrf)
            let added = try await admin.post("/admin/units", [("_csrf", csrf), ("name", "东湖街道"), ("kind", "township"),
                                                              ("parentId", String(api.city.district.id))])
            #expect(added.status == 200 && added.contains("已保存") && added.contains("东湖街道"))
            let foreign = try await admin.post("/admin/units", [("_csrf", csrf), ("name", "越权单位"), ("kind", "department"),
                                                                ("parentId", String(api.city.otherCenter.id))])
            #expect(foreign.status == 404)
            let street = try #require(try await api.t.store.units(visibleTo: api.city.admin).first { $0.name == "东湖街道" })

            let user = try await admin.post("/admin/users", [("_csrf", csrf), ("username", "donghu-street"), ("displayName", "街道承办人"),
                                                             ("role", "unitHandler"), ("unitId", String(street.id)), ("password", "Street-password-1")])
            #expect(user.status == 200 && user.contains("donghu-street"))
            let short = try await admin.post("/admin/users", [("_csrf", csrf), ("username", "x1"), ("displayName", "x"), ("role", "agent"),
                                                              ("unitId", String(api.city.center.id)), ("password", "short")])
            #expect(short.status == 400)
            let newcomer = Browser(api)
            // The administrator chose the password: the first sign-in goes to changing it, and nowhere else.
            #expect(try await newcomer.login("donghu-street", password: "Street-password-1").location == "/account/password")
            #expect(try await newcomer.get("/workbench").location == "/account/password")
            let mismatch = try await newcomer.post("/account/password", [("_csrf", try await newcomer.csrf("/account/password")),
                ("password", "Street-password-1"), ("newPassword", "Donghu-lamp-88"), ("confirmPassword", "Donghu-lamp-89")])
            #expect(mismatch.status == 400 && mismatch.contains("不一致"))
            let changed = try await newcomer.post("/account/password", [("_csrf", try await newcomer.csrf("/account/password")),
                ("password", "Street-password-1"), ("newPassword", "Donghu-lamp-88"), ("confirmPassword", "Donghu-lamp-88")])
            #expect(changed.location == "/login?changed=1")
            #expect(try await newcomer.login("donghu-street", password: "Donghu-lamp-88").location == "/workbench")
            let userId = try #require(try await api.t.store.users(visibleTo: api.city.admin).first { $0.username == "donghu-street" }?.id)
            _ = try await admin.post("/admin/users/\(userId)/password", [("_csrf", csrf), ("password", "A-new-password-1")])
            #expect(try await newcomer.get("/workbench").status == 303, "a reset ends the user's sessions")
            _ = try await admin.post("/admin/users/\(userId)/active", [("_csrf", csrf), ("active", "false")])
            #expect(try await Browser(api).login("donghu-street", password: "A-new-password-1").status == 401)

            let agent = Browser(api)
            try await agent.login("agent")
            #expect(try await agent.get("/admin/units").status == 403)
            #expect(try await agent.post("/admin/units", [("_csrf", try await agent.csrf()), ("name", "x"), ("kind", "department")]).status == 403)
        }
    }

    @Test("SLA policies, the calendar and integration keys are edited in pages and take effect")
    func referenceData() async throws {
        try await withAPI(.sqlite) { api in
            let admin = Browser(api)
            try await admin.login("admin")
            let csrf = try await admin.csrf("/admin/sla")
            let policy = try await admin.post("/admin/sla", [("_csrf", csrf), ("name", "路灯维修"), ("categoryPrefix", "0305"), ("signAmount", "1"),
                                                             ("signUnit", "workingHours"), ("replyAmount", "2"), ("replyUnit", "workingDays")])
            #expect(policy.status == 200 && policy.contains("路灯维修"))
            #expect(try await admin.post("/admin/sla", [("_csrf", csrf), ("name", "坏"), ("signAmount", "x"), ("signUnit", "hours"),
                                                        ("replyAmount", "1"), ("replyUnit", "hours")]).status == 400)

            let calendar = try await admin.get("/admin/calendar?year=2026")
            #expect(calendar.contains("2026-10-10") && calendar.contains("调休上班"))
            let set = try await admin.post("/admin/calendar", [("_csrf", csrf), ("date", "2026-11-25"), ("kind", "holiday"), ("name", "测试假日")])
            #expect(set.status == 200 && set.contains("测试假日"))
            #expect(try await admin.post("/admin/calendar", [("_csrf", csrf), ("date", "2026-02-30"), ("kind", "holiday"), ("name", "x")]).status == 400)
            let id = try await api.t.store.createTicket(TestCity.draft(), centerId: api.city.center.id, by: api.city.agent).ticket.state.id
            let dispatched = try await api.t.store.perform(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), onTicket: id, by: api.city.agent)
            #expect(dispatched.state.replyDueAt == CivilDate("2026-11-26")!.instant(atMinute: 17 * 60 + 30))
            let removed = try await admin.post("/admin/calendar", [("_csrf", csrf), ("date", "2026-11-25"), ("remove", "1")])
            #expect(!removed.contains("测试假日"))

            let client = try await api.t.store.createUser(username: "police110", displayName: "110联动", password: "A-long-password-1",
                                                          role: .integrationClient, unitId: api.city.center.id, by: .system)
            let created = try await admin.post("/admin/keys", [("_csrf", csrf), ("userId", String(client.id)), ("name", "110平台")])
            let key = try #require(created.html.range(of: "id=\"new-key\">").map { created.html[$0.upperBound...].prefix { $0 != "<" } })
            #expect(key.hasPrefix("hlk_"))
            #expect(try await api.send(.get, "/api/v1/tickets", token: String(key)).status == 200)
            #expect(!(try await admin.get("/admin/keys")).contains(String(key)), "the key is shown once")
            let keyId = try #require(try await api.t.store.apiKeys(visibleTo: api.city.admin).first?.id)
            _ = try await admin.post("/admin/keys/\(keyId)/revoke", [("_csrf", csrf)])
            #expect(try await api.send(.get, "/api/v1/tickets", token: String(key)).status == 401)
            let tree = try await admin.get("/admin/categories")
            #expect(tree.contains("城乡建设") && tree.contains("030599"))
        }
    }

    @Test("a category CSV uploaded by an admin is imported and its problems reported")
    func categoryImport() async throws {
        try await withAPI(.sqlite) { api in
            let admin = Browser(api)
            try await admin.login("admin")
            let csv = """
                level1_code,level1_name,level2_code,level2_name,level3_code,level3_name,description
                20,测试大类,2001,测试中类,200101,测试小类,说明
                20,测试大类,2001,测试中类,200101,重复小类,
                """
            let page = try await admin.postMultipart("/admin/categories/import", [("_csrf", try await admin.csrf("/admin/categories"))],
                                                     files: [("file", "categories.csv", Data(csv.utf8))])
            #expect(page.status == 200 && page.contains("line 3"))
            #expect(try await api.t.store.categories().contains { $0.code == "200101" && $0.name == "测试小类" })
        }
    }
}

@Suite("Web: webhook subscriptions")
struct WebSubscriptionTests {
    @Test("an admin subscribes a URL, sees the secret once, pauses it and redelivers from its log; bad input changes nothing",
          arguments: Backend.available)
    func subscriptions(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let admin = Browser(api)
            try await admin.login("admin")
            let page = try await admin.get("/admin/subscriptions")
            #expect(page.status == 200 && page.contains("推送订阅") && page.contains("全部工单事件（ticket.*）"))
            #expect(page.contains("unit:\(api.city.housing.id)") && !page.contains(api.city.otherDepartment.name))
            let csrf = try #require(page.csrf)
            let bad = try await admin.post("/admin/subscriptions", [("_csrf", csrf), ("name", "坏地址"), ("url", "javascript:alert(1)")])
            #expect(bad.status == 400 && bad.contains("http(s)"))
            #expect(try await api.t.store.subscriptions(by: api.city.admin).isEmpty)
            let created = try await admin.post("/admin/subscriptions", [
                ("_csrf", csrf), ("name", "住建局业务系统"), ("url", "https://housing.example.org/hook"), ("scope", "unit:\(api.city.housing.id)"),
                ("topic", "ticket.dispatch"), ("topic", "ticket.reply")])
            #expect(created.status == 200 && created.contains("whsec_") && created.contains("住建局业务系统"), "\(created.html.prefix(500))")
            let subscription = try #require(try await api.t.store.subscriptions(by: api.city.admin).first)
            #expect(subscription.scope == .unit(api.city.housing.id) && subscription.topics == ["ticket.dispatch", "ticket.reply"])
            let again = try await admin.get("/admin/subscriptions")
            #expect(!again.contains("whsec_") && again.contains("本单位工单：市住建局"))

            // A dispatch to the unit is due to it; its log lists it; a pending delivery is not redelivered.
            let ticket = try await api.t.store.createTicket(TestCity.draft(), centerId: api.city.center.id, by: api.city.agent).ticket.state.id
            _ = try await api.t.store.perform(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), onTicket: ticket, by: api.city.agent)
            try await api.t.store.fanOut()
            let log = try await admin.get("/admin/subscriptions/\(subscription.id)")
            #expect(log.status == 200 && log.contains("ticket.dispatch") && log.contains("待投递") && !log.contains("ticket.create"))
            let delivery = try #require(try await api.t.store.deliveries(subscriptionId: subscription.id, by: api.city.admin).first)
            let refused = try await admin.post("/admin/deliveries/\(delivery.id)/redeliver", [("_csrf", csrf), ("subscriptionId", String(subscription.id))])
            #expect(refused.status == 409)

            let paused = try await admin.post("/admin/subscriptions/\(subscription.id)/active", [("_csrf", csrf), ("active", "false")])
            #expect(paused.status == 200 && paused.contains("已暂停"))
            #expect(try await api.t.store.subscriptions(by: api.city.admin).first?.active == false)

            let agent = Browser(api)
            try await agent.login("agent")
            #expect(try await agent.get("/admin/subscriptions").status == 403)
            #expect(try await agent.get("/admin/subscriptions/\(subscription.id)").status == 403)
        }
    }
}

@Suite("Web: notices")
struct WebNoticeTests {
    @Test("an admin edits a notice's wording; a variable the kind lacks is refused; the log shows masked sends")
    func notices() async throws {
        try await withAPI(.sqlite) { api in
            let admin = Browser(api)
            try await admin.login("admin")
            let page = try await admin.get("/admin/notices")
            #expect(page.status == 200 && page.contains("受理告知") && page.contains("{queryCode}"))
            let csrf = try #require(page.csrf)
            let saved = try await admin.post("/admin/notices/accepted", [("_csrf", csrf), ("text", "【临江12345】已受理{number}，查询码{queryCode}")])
            #expect(saved.status == 200 && saved.contains("【临江12345】已受理{number}"))
            #expect(try await admin.post("/admin/notices/accepted", [("_csrf", csrf), ("text", "{unit}")]).status == 400)
            let ticket = try await api.t.store.createTicket(TestCity.draft(), centerId: api.city.center.id, by: api.city.agent)
            try await api.t.store.planNotices { number, code in "https://x/\(number)/\(code)" }
            let log = try await admin.get("/admin/notices")
            #expect(log.contains("138****1234") && log.contains(ticket.ticket.number) && !log.contains(ticket.queryCode) && !log.contains("13812341234"))
            let agent = Browser(api)
            try await agent.login("agent")
            #expect(try await agent.get("/admin/notices").status == 403)
        }
    }
}

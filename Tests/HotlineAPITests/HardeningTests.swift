import Foundation
import HTTPTypes
import HotlineServer
import HotlineCore
import HotlineStore
import HotlineTestSupport
import HotlineWeb
import Testing

/// Holes a review found, each kept shut by a test.
@Suite("Hardening")
struct HardeningTests {
    @Test("no redirect leaves the site, even with a tab or a line break hidden in the path")
    func redirects() async throws {
        try await withAPI(.sqlite) { api in
            let browser = Browser(api)
            for next in ["/%09/evil.example/login", "/%0d%0a/evil.example", "//evil.example", "/%5C%5Cevil.example", "https://evil.example"] {
                let location = try await browser.get("/lang/zh?next=\(next)").location
                #expect(location == "/", "\(next)")
            }
            let local = try await browser.get("/lang/zh?next=/tickets%3Fq%3D1").location
            #expect(local == "/tickets?q=1")
        }
    }

    @Test("a confidential business requester is hidden from units; a unit cannot find a confidential report by phone")
    func confidential() async throws {
        try await withAPI(.sqlite) { api in
            let agent = try await api.login("agent")
            let created = try await api.send(.post, "/api/v1/tickets", token: agent, json: [
                "channel": "phone", "type": "report", "title": "举报违规收费", "content": "某部门违规收费", "confidential": true,
                "requester": ["kind": "enterprise", "enterpriseName": "临江某某有限公司", "creditCode": "91330100MA2XXXXXX1", "phone": "13900009999"],
            ])
            let id = try #require(created.json["ticket"]["id"].int)
            try await api.act(id, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            let housing = try await api.login("housing")
            let seen = try await api.send(.get, "/api/v1/tickets/\(id)", token: housing)
            #expect(seen.status == 200 && !seen.text.contains("临江某某") && !seen.text.contains("91330100"))
            #expect(try await api.send(.get, "/api/v1/tickets?phone=13900009999", token: housing).json["items"].array.isEmpty)
            #expect(try await api.send(.get, "/api/v1/tickets?phone=13900009999", token: agent).json["items"].array.count == 1)
            let browser = Browser(api)
            try await browser.login("housing")
            #expect(!(try await browser.get("/tickets?phone=13900009999")).contains("举报违规收费"))
        }
    }

    @Test("an unticked 'reasonable' box on the callback form records the dissatisfaction without a redo")
    func unreasonableDissatisfaction() async throws {
        try await withAPI(.sqlite) { api in
            let store = api.t.store
            let id = try await store.createTicket(TestCity.draft(), centerId: api.city.center.id, by: api.city.agent).ticket.state.id
            for (input, actor) in [(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), api.city.agent),
                                   (ActionInput(code: .sign), api.city.housingHandler),
                                   (ActionInput(code: .reply, note: "已处理"), api.city.housingHandler),
                                   (ActionInput(code: .review, approve: true), api.city.supervisor)] {
                _ = try await store.perform(input, onTicket: id, by: actor)
            }
            let browser = Browser(api)
            try await browser.login("supervisor")
            let page = try await browser.get("/tickets/\(id)")
            let done = try await browser.post("/tickets/\(id)/act", [("_csrf", page.csrf ?? ""), ("action", "evaluate"), ("satisfaction", "dissatisfied"),
                                                                   ("resolved", "false"), ("note", "无理要求")])
            #expect(done.status == 303)
            let ticket = try await store.ticket(id: id, for: api.city.supervisor)
            #expect(ticket.state.status == .evaluated && ticket.state.redoCount == 0 && ticket.state.evaluationReasonable == false)
        }
    }

    @Test("the citizen's page shows no empty boxes, and no reply before the center approved it")
    func citizenView() async throws {
        try await withAPI(.sqlite) { api in
            let store = api.t.store
            let created = try await store.createTicket(TestCity.draft(), centerId: api.city.center.id, by: api.city.agent)
            let id = created.ticket.state.id
            for (input, actor) in [(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), api.city.agent),
                                   (ActionInput(code: .sign), api.city.housingHandler),
                                   (ActionInput(code: .reply, note: "敷衍的答复"), api.city.housingHandler)] {
                _ = try await store.perform(input, onTicket: id, by: actor)
            }
            let citizen = Browser(api)
            let form = try await citizen.get("/portal/track")
            let status = try await citizen.post("/portal/track", [("_csrf", form.csrf ?? ""), ("number", created.ticket.number), ("code", created.queryCode)])
            #expect(status.status == 200 && !status.contains(">nil<") && !status.contains("flash err") && !status.contains("敷衍的答复"))
            let api1 = try await api.send(.get, "/api/v1/public/tickets/\(created.ticket.number)?code=\(created.queryCode)")
            #expect(!api1.text.contains("敷衍的答复"))
        }
    }

    @Test("ten wrong query codes for a ticket lock out the client guessing, never the citizen; on the API and the portal")
    func queryCodeGuessing() async throws {
        // In-process requests have no peer address ("?"): trusting it as a proxy lets the test name clients.
        try await withAPI(.sqlite, configure: { $0.web.trustedProxies = ["?"] }) { api in
            let created = try await api.t.store.createTicket(TestCity.draft(), centerId: api.city.center.id, by: api.city.agent)
            let number = created.ticket.number
            let attacker = ["X-Forwarded-For": "203.0.113.9"]
            let citizen = ["X-Forwarded-For": "198.51.100.7"]
            for guess in 0..<10 {
                #expect(try await api.send(.get, "/api/v1/public/tickets/\(number)?code=WRONG\(guess)", headers: attacker).status == 404)
            }
            let refused = try await api.send(.get, "/api/v1/public/tickets/\(number)?code=\(created.queryCode)", headers: attacker)
            #expect(refused.status == 429 && refused.json["error"]["code"] == "too_many_attempts")
            #expect(try await api.send(.get, "/api/v1/public/tickets/\(number)?code=\(created.queryCode)", headers: citizen).status == 200,
                    "the citizen is not locked out by someone else's guesses")
            // Guesses at numbers that do not exist cost nothing and lock nothing.
            for guess in 0..<12 {
                #expect(try await api.send(.get, "/api/v1/public/tickets/20990101\(String(format: "%06d", guess))?code=X", headers: citizen).status == 404)
            }
            // The portal counts the same way: ten wrong codes from one browser, then it is refused for this ticket.
            let browser = Browser(api)
            let form = try await browser.get("/portal/track")
            for guess in 0..<10 {
                _ = try await browser.post("/portal/track", [("_csrf", form.csrf ?? ""), ("number", number), ("code", "WRONG\(guess)")])
            }
            let page = try await browser.post("/portal/track", [("_csrf", form.csrf ?? ""), ("number", number), ("code", created.queryCode)])
            #expect(page.status == 429 && page.contains("查询码错误次数过多"))
            api.t.clock.advance(by: 15 * 60 + 1)
            #expect(try await api.send(.get, "/api/v1/public/tickets/\(number)?code=\(created.queryCode)", headers: attacker).status == 200)
        }
    }

    @Test("integrations see only what they recorded; sub-centers cannot take tickets; odd ids are a 400, not a 500")
    func scopes() async throws {
        try await withAPI(.sqlite) { api in
            let agent = try await api.login("agent")
            _ = try await api.createTicket(token: agent)
            let client = try await api.t.store.createUser(username: "police110", displayName: "110", password: "A-long-password-1",
                                                          role: .integrationClient, unitId: api.city.center.id, by: .system)
            let key = try await api.t.store.createAPIKey(userId: client.id, name: "110", by: .system)
            #expect(try await api.send(.get, "/api/v1/tickets", token: key).json["items"].array.isEmpty)
            let own = try await api.send(.post, "/api/v1/tickets", token: key, json: ["channel": "police110", "type": "help", "title": "转办", "content": "噪音"])
            #expect(own.status == 201)
            #expect(try await api.send(.get, "/api/v1/tickets", token: key).json["items"].array.count == 1)

            let sub = try await api.t.store.createUnit(name: "12315分中心", kind: .subCenter, parentId: api.city.center.id, by: .system)
            let refused = try await api.send(.post, "/api/v1/tickets", token: agent, json: [
                "channel": "phone", "type": "help", "title": "x", "content": "y", "centerId": .int(sub.id),
            ])
            #expect(refused.status == 422 || refused.status == 403)
            let browser = Browser(api)
            try await browser.login("agent")
            #expect(try await browser.get("/tickets/abc").status == 400)
            let id = try #require(own.json["ticket"]["id"].int)
            let automatic = try await api.act(id, token: try await api.login("supervisor"), ["action": "supervise", "note": "x", "method": "automatic"])
            #expect(automatic.status == 400)
            let difficult = try await api.act(id, token: try await api.login("supervisor"), ["action": "markDifficult", "note": "多部门交叉"])
            #expect(difficult.status == 200 && difficult.json["difficult"] == true)
        }
    }
}

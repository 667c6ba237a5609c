import Configuration
import Foundation
import HTTPTypes
import HotlineCore
import HotlineServer
import HotlineStore
import HotlineTestSupport
import HotlineWeb
import SQLKit
import Testing

/// Identification and authentication to MLPS level 3: throttling that cannot lock staff out, the password policy,
/// the second factor, integration accounts on keys only, and what the API refuses to read or keep.
@Suite("Account security")
struct AccountSecurityTests {
    static func status(_ operation: () async throws -> Void) async -> (Int?, ErrorCode?) {
        do {
            try await operation()
            return (nil, nil)
        } catch let error as HotlineError {
            return (error.httpStatus, error.code)
        } catch {
            return (-1, nil)
        }
    }

    @Test("failures hold back the client that failed, with growing delays; the same account signs in from any other client", arguments: Backend.available)
    func throttling(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            _ = try await TestCity.make(t.store)
            let store = t.store
            for _ in 0..<5 {
                #expect(await Self.status { _ = try await store.login(username: "agent", password: "guess-Guess-1", client: "203.0.113.9") }.1 == .badCredentials)
            }
            // The attacker's client waits; the agent at her own desk does not.
            #expect(await Self.status { _ = try await store.login(username: "agent", password: TestCity.password, client: "203.0.113.9") }.1
                == .tooManyAttempts)
            #expect(try await store.login(username: "agent", password: TestCity.password, client: "10.1.2.3").user.username == "agent")
            // Each further failure doubles the wait: 1 s, 2 s, 4 s…
            var waits: [Bool] = []
            for delay in [1.0, 2, 4, 8] {
                t.clock.advance(by: delay + 0.01)
                #expect(await Self.status { _ = try await store.login(username: "agent", password: "guess-Guess-1", client: "203.0.113.9") }.1 == .badCredentials)
                t.clock.advance(by: delay * 2 - 0.5)
                waits.append(await Self.status { _ = try await store.login(username: "agent", password: "guess-Guess-1", client: "203.0.113.9") }.1
                    == .tooManyAttempts)
            }
            #expect(waits == [true, true, true, true])
            // A second node (another store on the same database) and a restart see the same counters.
            let otherNode = Store(database: t.database, cipher: t.cipher, clock: t.clock.wallClock, bcryptCost: 4)
            #expect(await Self.status { _ = try await otherNode.login(username: "agent", password: TestCity.password, client: "203.0.113.9") }.1
                == .tooManyAttempts)
            // Quiet for the memory's length, the client starts again.
            t.clock.advance(by: 16 * 60)
            #expect(try await store.login(username: "agent", password: TestCity.password, client: "203.0.113.9").user.username == "agent")
        }
    }

    @Test("spraying many names from one address is throttled after twenty failures; other addresses are not", arguments: Backend.available)
    func spraying(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            _ = try await TestCity.make(t.store)
            var outcomes: [ErrorCode?] = []
            for index in 0..<68 {
                outcomes.append(await Self.status {
                    _ = try await t.store.login(username: "staff\(index)", password: "Spring-2026", client: "198.51.100.66")
                }.1)
            }
            #expect(outcomes.prefix(20).allSatisfy { $0 == .badCredentials })
            #expect(outcomes.dropFirst(21).allSatisfy { $0 == .tooManyAttempts })
            #expect(try await t.store.login(username: "agent", password: TestCity.password, client: "198.51.100.67").user.username == "agent")
        }
    }

    @Test("every attempt is in the account's sign-in history, which only an administrator reads", arguments: Backend.available)
    func history(_ backend: Backend) async throws {
        try await withAPI(backend, configure: { $0.web.trustedProxies = ["?"] }) { api in
            let wrong = try await api.send(.post, "/api/v1/auth/login", json: ["username": "agent", "password": "Wrong-pass-1"],
                                           headers: ["X-Forwarded-For": "203.0.113.5"])
            #expect(wrong.status == 401)
            let agent = try await api.login("agent")
            let admin = try await api.login("admin")
            let id = try #require(api.city.agent.userId)
            let list = try await api.send(.get, "/api/v1/users/\(id)/sign-ins", token: admin)
            #expect(list.status == 200)
            #expect(list.json.array.map { $0["result"].string ?? "" } == ["success", "badPassword"])
            #expect(list.json.array.last?["address"] == "203.0.113.5" && list.json.array.last?["resultLabel"] == "用户名或密码错误")
            #expect(try await api.send(.get, "/api/v1/users/\(id)/sign-ins", token: agent).status == 403)
            let adminBrowser = Browser(api)
            try await adminBrowser.login("admin")
            let page = try await adminBrowser.get("/admin/users/\(id)/sign-ins")
            #expect(page.status == 200 && page.contains("203.0.113.5") && page.contains("登录成功"))
        }
    }

    @Test("passwords follow the policy, are not reused, expire when configured; long ones are not cut at 72 bytes; old hashes still sign in",
          arguments: Backend.available)
    func passwords(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let weak = await Self.status {
                _ = try await t.store.createUser(username: "zhang", displayName: "张", password: "zhang12345", role: .agent, unitId: city.center.id, by: city.admin)
            }
            #expect(weak.0 == 400 && weak.1 == .weakPassword)
            // Two passwords alike in their first 72 bytes are two passwords.
            let long = String(repeating: "A", count: 72)
            _ = try await t.store.createUser(username: "long", displayName: "长密码", password: long + "-one-1", role: .agent, unitId: city.center.id,
                                             by: .system)
            #expect(await Self.status { _ = try await t.store.login(username: "long", password: long + "-two-2") }.1 == .badCredentials)
            #expect(try await t.store.login(username: "long", password: long + "-one-1").user.username == "long")
            // A hash from before pre-hashing (plain bcrypt) signs in, and is hashed again on the way.
            try await t.database.transaction { db in
                try await db.raw("UPDATE users SET password_hash = '$2b$04$9hfE.gvnwupp3z61w9MyJemo5aIkt2rcPA5Lzzt2TEoTRLx4llHWG' WHERE username = 'long'").run()
            }
            #expect(try await t.store.login(username: "long", password: "Legacy-pass-1").user.username == "long")
            let rehashed = try await t.database.read { db in
                try await db.raw("SELECT password_hash FROM users WHERE username = 'long'").first()?.decode(column: "password_hash", as: String.self)
            }
            #expect(rehashed?.hasPrefix("$hl1$") == true)
            #expect(try await t.store.login(username: "long", password: "Legacy-pass-1").user.username == "long")
            // The last passwords may not come back.
            try await t.store.changePassword(username: "long", current: "Legacy-pass-1", new: "Fresh-lamp-31")
            #expect(await Self.status { try await t.store.changePassword(username: "long", current: "Fresh-lamp-31", new: "Legacy-pass-1") }.1
                == .reusedPassword)
            // An administrator's reset must be changed at the next sign-in; so must an expired password.
            try await t.store.resetPassword(userId: city.agent.userId!, password: "Reset-by-admin-9", by: city.admin)
            #expect(await Self.status { _ = try await t.store.login(username: "agent", password: "Reset-by-admin-9") }.1 == .passwordChangeRequired)
            #expect(try await t.store.login(username: "agent", password: "Reset-by-admin-9", kind: .web).restriction == .changePassword)
            try await t.store.changePassword(username: "agent", current: "Reset-by-admin-9", new: "Own-choice-2026")
            #expect(try await t.store.login(username: "agent", password: "Own-choice-2026").restriction == nil)
            var policy = AccountPolicy()
            policy.maxAgeDays = 90
            let expiring = t.store.with(accounts: policy)
            #expect(try await expiring.login(username: "agent", password: "Own-choice-2026").restriction == nil)
            t.clock.advance(by: 91 * 86_400)
            #expect(await Self.status { _ = try await expiring.login(username: "agent", password: "Own-choice-2026") }.1 == .passwordChangeRequired)
        }
    }

    @Test("a second factor: enrolled with a code, asked for at sign-in, each code once; required roles must enrol first", arguments: Backend.available)
    func secondFactor(_ backend: Backend) async throws {
        try await withAPI(backend, configure: { $0.accounts.totpRoles = [.centerSupervisor] }) { api in
            let store = api.t.store
            let agentId = try #require(api.city.agent.userId)
            let totp = try await store.beginSecondFactor(userId: agentId)
            let code = { totp.code(counter: TOTP.counter(at: api.t.clock.now)) }
            #expect(await Self.status { try await store.confirmSecondFactor(userId: agentId, code: "000000") }.1 == .badOTP)
            try await store.confirmSecondFactor(userId: agentId, code: code())
            let missing = try await api.send(.post, "/api/v1/auth/login", json: ["username": "agent", "password": .string(TestCity.password)])
            #expect(missing.status == 401 && missing.json["error"]["code"] == "otp_required")
            // The code that confirmed the enrolment is used up; the next step's code signs in, once.
            api.t.clock.advance(by: 30)
            let fresh = code()
            let signed = try await api.send(.post, "/api/v1/auth/login", json: ["username": "agent", "password": .string(TestCity.password), "otp": .string(fresh)])
            #expect(signed.status == 200)
            let replay = try await api.send(.post, "/api/v1/auth/login", json: ["username": "agent", "password": .string(TestCity.password), "otp": .string(fresh)])
            #expect(replay.status == 401 && replay.json["error"]["code"] == "bad_otp")
            // On the page: the code field, then in.
            api.t.clock.advance(by: 30)
            let browser = Browser(api)
            let form = try await browser.get("/login")
            let asked = try await browser.post("/login", [("_csrf", form.value(of: "_csrf") ?? ""), ("username", "agent"), ("password", TestCity.password)])
            #expect(asked.status == 401 && asked.contains("请输入动态口令"))
            let entered = try await browser.post("/login", [("_csrf", form.value(of: "_csrf") ?? ""), ("username", "agent"),
                                                            ("password", TestCity.password), ("otp", code())])
            #expect(entered.location == "/console")
            // A supervisor must enrol: no API token, and the pages lead to enrolment only.
            let supervisor = try await api.send(.post, "/api/v1/auth/login", json: ["username": "supervisor", "password": .string(TestCity.password)])
            #expect(supervisor.status == 403 && supervisor.json["error"]["code"] == "second_factor_required")
            let desk = Browser(api)
            #expect(try await desk.login("supervisor").location == "/account/security")
            #expect(try await desk.get("/tickets").location == "/account/security")
            let begun = try await desk.post("/account/security/begin", [("_csrf", try await desk.csrf("/account/security"))])
            #expect(begun.status == 200 && begun.contains("otpauth://totp/"))
            let secret = try #require(try await store.secondFactor(userId: api.city.supervisor.userId!).pending)
            let confirmed = try await desk.post("/account/security/confirm", [("_csrf", try await desk.csrf("/account/security")),
                                                                              ("code", secret.code(counter: TOTP.counter(at: api.t.clock.now)))])
            #expect(confirmed.status == 303)
            #expect(try await desk.get("/tickets").status == 200)
            // An administrator takes a lost phone's factor away.
            let admin = try await api.login("admin")
            #expect(try await api.send(.delete, "/api/v1/users/\(agentId)/second-factor", token: admin).status == 204)
            #expect(try await api.send(.post, "/api/v1/auth/login", json: ["username": "agent", "password": .string(TestCity.password)]).status == 200)
        }
    }

    @Test("integration accounts sign in only with their keys")
    func integrationKeysOnly() async throws {
        try await withAPI(.sqlite) { api in
            let client = try await api.t.store.createUser(username: "police110", displayName: "110联动", password: "A-long-password-1",
                                                          role: .integrationClient, unitId: api.city.center.id, by: api.city.admin)
            let reply = try await api.send(.post, "/api/v1/auth/login", json: ["username": "police110", "password": "A-long-password-1"])
            #expect(reply.status == 401 && reply.json["error"]["code"] == "api_key_only")
            let key = try await api.t.store.createAPIKey(userId: client.id, name: "110", by: api.city.admin)
            #expect(try await api.send(.get, "/api/v1/me", token: key).status == 200)
        }
    }

    @Test("the API reads no body over its limit, caches nothing, hides its decoder, and serves its contract")
    func hostileInput() async throws {
        try await withAPI(.sqlite, configure: { $0.maxBodyBytes = 64 * 1024 }) { api in
            let huge = "{\"username\":\"agent\",\"password\":\"" + String(repeating: "x", count: 200_000) + "\"}"
            let big = try await api.send(.post, "/api/v1/auth/login", body: huge)
            #expect(big.status == 413 && big.json["error"]["code"] == "body_too_large")
            let agent = try await api.login("agent")
            let me = try await api.send(.get, "/api/v1/me", token: agent)
            #expect(me.headers[.cacheControl] == "no-store" && me.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let array = try await api.send(.post, "/api/v1/tickets", token: agent, body: "[]")
            #expect(array.status == 400 && !array.text.contains("Dictionary") && !array.text.contains("Expected to decode"))
            let contract = try await api.send(.get, "/api/v1/openapi.yaml")
            #expect(contract.status == 200 && contract.text.hasPrefix("openapi:"))
            let script = try await api.send(.post, "/api/v1/tickets", token: agent, json: [
                "channel": "phone", "type": "complaint", "title": "路灯不亮", "content": "滨江花园北门路灯不亮。",
                "attachments": [["name": "a.png", "contentType": "image/png", "size": 10, "url": "javascript:alert(1)"]],
            ])
            #expect(script.status == 400 && script.json["error"]["message"].string?.contains("http") == true)
            #expect(try await api.send(.get, "/api/v1/tickets?createdFrom=1900-01-01T00:00:00Z", token: agent).status == 400)
            #expect(try await api.send(.get, "/api/v1/tickets?createdFrom=2026-12-01T00:00:00Z&createdTo=2026-11-01T00:00:00Z", token: agent).status == 400)
            #expect(try await api.send(.get, "/api/v1/tickets?createdFrom=2026-11-01T00:00:00Z", token: agent).status == 200)
        }
    }

    @Test("knowledge searches are limited per client in counters every node shares; cookies are Secure unless on loopback")
    func searchLimits() async throws {
        try await withAPI(.sqlite, configure: { $0.web.portalSearchesPerMinute = 3 }) { api in
            var statuses: [Int] = []
            for _ in 0..<4 { statuses.append(try await api.send(.get, "/api/v1/public/kb?q=%E8%B7%AF%E7%81%AF").status) }
            #expect(statuses == [200, 200, 200, 429])
            // The portal's search counts in the same window.
            #expect(try await Browser(api).get("/portal/kb?q=%E8%B7%AF%E7%81%AF").status == 429)
            api.t.clock.advance(by: 61)
            #expect(try await Browser(api).get("/portal/kb?q=%E8%B7%AF%E7%81%AF").status == 200)
        }
        let exposed = AppConfiguration(reader: AppConfiguration.reader(overrides: ["http.host": .string("0.0.0.0")]))
        let local = AppConfiguration(reader: AppConfiguration.reader(overrides: ["http.host": .string("127.0.0.1")]))
        #expect(exposed.web.secureCookies && !local.web.secureCookies)
    }
}

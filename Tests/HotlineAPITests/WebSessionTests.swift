import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Web: sign-in, sessions, CSRF, language, error pages")
struct WebSessionTests {
    @Test("each role signs in to its own home; the cookie is HttpOnly and SameSite; sign-out ends the session")
    func signIn() async throws {
        try await withAPI(.sqlite) { api in
            let homes = ["agent": "/console", "supervisor": "/desk", "housing": "/workbench", "admin": "/admin/units", "auditor": "/tickets"]
            for (username, home) in homes {
                let browser = Browser(api)
                let landed = try await browser.login(username)
                #expect(landed.status == 303 && landed.location == home, "\(username)")
                let cookie = landed.headers[values: .setCookie].first { $0.hasPrefix("hl_session=") } ?? ""
                #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
                #expect(try await browser.get(home).status == 200, "\(username) at \(home)")
            }
            let browser = Browser(api)
            try await browser.login("agent")
            let console = try await browser.get("/console")
            #expect(console.contains("话务员") || console.contains("agent"))
            let out = try await browser.post("/logout", [("_csrf", console.csrf ?? "")])
            #expect(out.status == 303 && out.location == "/login")
            let after = try await browser.get("/console")
            #expect(after.status == 303 && after.location == "/login?next=/console")
        }
    }

    @Test("a wrong password shows the form again with an error; an integration account cannot sign in to pages")
    func badSignIn() async throws {
        try await withAPI(.sqlite) { api in
            let browser = Browser(api)
            let page = try await browser.login("agent", password: "wrong-password")
            #expect(page.status == 401 && page.contains("用户名或密码错误"))
            #expect(browser.cookies["hl_session"] == nil)
            // The sign-in form itself needs its CSRF token (no login CSRF).
            let stranger = Browser(api)
            let forged = try await stranger.post("/login", [("_csrf", "made-up"), ("username", "agent"), ("password", TestCity.password)])
            #expect(forged.status == 403)
            // After sign-in, the user goes back where they were headed — but never to another site.
            let returning = Browser(api)
            _ = try await returning.get("/tickets?q=路灯")
            let form = try await returning.get("/login?next=%2Ftickets%3Fq%3D1")
            let landed = try await returning.post("/login", [("_csrf", form.csrf ?? ""), ("username", "agent"), ("password", TestCity.password),
                                                             ("next", "/tickets?q=1")])
            #expect(landed.location == "/tickets?q=1")
            let evil = Browser(api)
            let evilForm = try await evil.get("/login")
            let offsite = try await evil.post("/login", [("_csrf", evilForm.csrf ?? ""), ("username", "agent"), ("password", TestCity.password),
                                                         ("next", "//evil.example/")])
            #expect(offsite.location == "/console")
        }
    }

    @Test("a session idle for longer than the timeout must sign in again")
    func idleTimeout() async throws {
        try await withAPI(.sqlite) { api in
            let browser = Browser(api)
            try await browser.login("agent")
            api.t.clock.advance(by: 20 * 60)
            #expect(try await browser.get("/console").status == 200)
            api.t.clock.advance(by: 20 * 60)
            #expect(try await browser.get("/console").status == 200, "activity 20 minutes ago keeps it alive")
            api.t.clock.advance(by: 31 * 60)
            let expired = try await browser.get("/console")
            #expect(expired.status == 303 && expired.location?.hasPrefix("/login") == true)
        }
    }

    @Test("a form without the session's CSRF token is refused and changes nothing")
    func csrf() async throws {
        try await withAPI(.sqlite) { api in
            let browser = Browser(api)
            try await browser.login("agent")
            let fields = [("channel", "phone"), ("type", "complaint"), ("content", "路灯不亮"), ("phone", "13900001111"), ("next", "save")]
            let missing = try await browser.post("/console/intake", fields)
            #expect(missing.status == 403 && missing.contains("表单已过期"))
            let wrong = try await browser.post("/console/intake", fields + [("_csrf", "not-the-token")])
            #expect(wrong.status == 403)
            #expect(try await api.t.store.tickets(matching: TicketFilter(), for: api.city.agent).tickets.isEmpty)
            // The session's token is accepted.
            let ok = try await browser.post("/console/intake", fields + [("_csrf", try await browser.csrf("/console"))])
            #expect(ok.status == 200 && ok.contains("已登记"))
        }
    }

    @Test("the language switch turns the pages to English and back")
    func language() async throws {
        try await withAPI(.sqlite) { api in
            let browser = Browser(api)
            #expect(try await browser.get("/portal").contains("有诉求，找12345"))
            let switched = try await browser.get("/lang/en?next=/portal")
            #expect(switched.status == 303 && switched.location == "/portal")
            let english = try await browser.get("/portal")
            #expect(english.contains("Call on 12345") && english.contains("<html lang=\"en\">"))
            try await browser.login("agent")
            #expect(try await browser.get("/console").contains("Intake console"))
            _ = try await browser.get("/lang/zh?next=/console")
            #expect(try await browser.get("/console").contains("受理台"))
            #expect(try await browser.get("/lang/en?next=https://evil.example").location == "/")
        }
    }

    @Test("pages carry security headers; unknown paths and wrong roles get clear error pages")
    func errorsAndHeaders() async throws {
        try await withAPI(.sqlite) { api in
            let browser = Browser(api)
            let portal = try await browser.get("/portal")
            #expect(portal.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(portal.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            let missing = try await browser.get("/no/such/page")
            #expect(missing.status == 404 && missing.contains("页面或工单不存在"))
            let api404 = try await browser.get("/api/v1/no-such-endpoint")
            #expect(api404.status == 404 && api404.contains("\"code\""))
            try await browser.login("housing")
            let denied = try await browser.get("/admin/users")
            #expect(denied.status == 403 && denied.contains("没有权限"))
            #expect(try await browser.get("/console").status == 403)
            #expect(try await browser.get("/static/app.css").headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(try await browser.get("/static/..%2F..%2FPackage.swift").status == 404)
        }
    }
}

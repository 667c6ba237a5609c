import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore
import Hummingbird

/// Sign-in, sign-out, the language switch and the front door.
struct AuthPages {
    let app: WebApp

    /// The cookie holding the anonymous visitor's CSRF token (double-submit: the form carries the same value).
    static let visitorCookie = "hl_csrf"

    func register(on router: Router<AppRequestContext>) {
        router.get("/") { _, context -> Response in
            guard let session = context.session else { return Pages.redirect("/portal") }
            return Pages.redirect(Chrome.home(for: session.user.role))
        }
        router.get("/login") { request, context -> Response in
            if let session = context.session, session.restriction == nil { return Pages.redirect(Chrome.home(for: session.user.role)) }
            let changed = request.uri.queryParameters.get("changed") == "1"
            return loginPage(request, context, error: nil, status: .ok, flash: changed ? Strings.text("passwordChanged", english: context.english) : nil)
        }
        router.post("/login") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            guard let token = form["_csrf"], let cookie = request.cookies[Self.visitorCookie]?.value,
                WebApp.constantTimeEqual(token, cookie)
            else { throw WebError.badCSRF }
            do {
                let otp = form["otp"].flatMap { $0.isEmpty ? nil : $0 }
                let session = try await app.store.login(username: form["username"] ?? "", password: form.fields["password"]?.first ?? "",
                                                        otp: otp, kind: .web, client: app.clientAddress(request, context))
                guard session.user.role.may(.useStaffPages) else {
                    try await app.store.logout(token: session.token)
                    throw HotlineError.badCredentials
                }
                let next: String
                switch session.restriction {
                case .changePassword: next = "/account/password"
                case .enrollSecondFactor: next = "/account/security"
                case nil: next = Self.safeNext(form["next"]) ?? Chrome.home(for: session.user.role)
                }
                return Pages.redirect(next, cookies: [app.cookie(WebSessionMiddleware.sessionCookie, session.token)])
            } catch let error as HotlineError where error.kind == .unauthenticated || error.kind == .invalid || error.kind == .rateLimited {
                // Which of the name and the password was wrong is never said; a second factor asked for, a wrong code
                // and a client held back are.
                let message = switch error.code {
                case .otpRequired: Strings.text("otpRequired", english: context.english)
                case .badOTP, .tooManyAttempts: error.message
                default: Strings.text("badCredentials", english: context.english)
                }
                return loginPage(request, context, error: message, status: error.code == .tooManyAttempts ? .tooManyRequests : .unauthorized,
                                 username: form["username"], next: form["next"], askOTP: error.code == .otpRequired || error.code == .badOTP)
            }
        }
        router.post("/logout") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            if let session = context.session {
                guard let token = form["_csrf"], WebApp.constantTimeEqual(token, session.csrfToken) else { throw WebError.badCSRF }
                if let cookie = request.cookies[WebSessionMiddleware.sessionCookie]?.value { try await app.store.logout(token: cookie) }
            }
            return Pages.redirect("/login", cookies: [app.cookie(WebSessionMiddleware.sessionCookie, "", maxAge: 0)])
        }
        router.get("/lang/:code") { request, context -> Response in
            let english = context.parameters.get("code") == "en"
            let next = Self.safeNext(request.uri.queryParameters.get("next")) ?? "/"
            return Pages.redirect(next, cookies: [app.cookie(WebSessionMiddleware.languageCookie, english ? "en" : "zh", maxAge: 365 * 86400)])
        }
    }

    func loginPage(_ request: Request, _ context: AppRequestContext, error: String?, status: HTTPResponse.Status,
                   username: String? = nil, next: String? = nil, askOTP: Bool = false, flash: String? = nil) -> Response {
        let token = request.cookies[Self.visitorCookie]?.value ?? Self.newVisitorToken()
        var chrome = ChromeModel(session: nil, english: context.english, path: "/login", section: nil)
        chrome.visitorCsrf = token
        chrome.error = error
        chrome.flash = flash
        let model = LoginPageModel(chrome: chrome, username: username ?? "",
                                   next: Self.safeNext(next ?? request.uri.queryParameters.get("next")) ?? "", askOTP: askOTP)
        var response = app.pages.render(.login, model, status: status)
        response.setCookie(app.cookie(Self.visitorCookie, token))
        return response
    }

    /// Only a local path may follow sign-in (never another site).
    static func safeNext(_ next: String?) -> String? {
        // Browsers drop tabs and line breaks inside URLs, so "/\t/evil.example" would become "//evil.example": refuse any.
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/login"),
            next.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }),
            let parsed = URLComponents(string: next), parsed.scheme == nil, parsed.host == nil
        else { return nil }
        return next
    }

    static func newVisitorToken() -> String {
        Hex.random(bytes: 24)
    }
}

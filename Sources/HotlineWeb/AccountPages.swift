import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// Account security (账号安全): one's own password and second factor. A session held back (a password an
/// administrator set, or a role that must enrol a second factor) can reach only these pages until it is done.
struct AccountPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/account/password") { _, context in passwordPage(context, flash: nil, error: nil, status: .ok) }
        router.post("/account/password") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let new = form.fields["newPassword"]?.first ?? ""
            guard new == form.fields["confirmPassword"]?.first ?? "" else {
                return passwordPage(context, flash: nil, error: Strings.text("passwordMismatch", english: context.english), status: .badRequest)
            }
            do {
                try await app.store.changePassword(username: context.session.user.username, current: form.fields["password"]?.first ?? "",
                                                   new: new, client: context.client)
            } catch let error as HotlineError {
                let message = error.code == .badCredentials ? Strings.text("badCredentials", english: context.english) : error.message
                return passwordPage(context, flash: nil, error: message, status: .init(code: error.httpStatus))
            }
            // Every session of the account ended with the change: sign in again with the new password.
            return Pages.redirect("/login?changed=1", cookies: [app.cookie(WebSessionMiddleware.sessionCookie, "", maxAge: 0)])
        }
        router.get("/account/security") { _, context in try await securityPage(context, pending: nil, flash: nil, error: nil, status: .ok) }
        router.post("/account/security/begin") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            do {
                let totp = try await app.store.beginSecondFactor(userId: context.session.user.id)
                return try await securityPage(context, pending: totp, flash: nil, error: nil, status: .ok)
            } catch let error as HotlineError {
                return try await securityPage(context, pending: nil, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
        }
        router.post("/account/security/confirm") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            do {
                try await app.store.confirmSecondFactor(userId: context.session.user.id, code: form["code"] ?? "")
            } catch let error as HotlineError {
                let pending = try await app.store.secondFactor(userId: context.session.user.id).pending
                return try await securityPage(context, pending: pending, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
            if context.session.restriction == .enrollSecondFactor { return Pages.redirect(Chrome.home(for: context.session.user.role)) }
            return try await securityPage(context, pending: nil, flash: Strings.text("secondFactorEnabled", english: context.english), error: nil,
                                          status: .ok)
        }
        router.post("/account/security/remove") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            do {
                try await app.store.removeSecondFactor(userId: context.session.user.id, code: form["code"], by: context.session.actor)
            } catch let error as HotlineError {
                return try await securityPage(context, pending: nil, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
            return Pages.redirect("/login", cookies: [app.cookie(WebSessionMiddleware.sessionCookie, "", maxAge: 0)])
        }
    }

    func passwordPage(_ context: StaffContext, flash: String?, error: String?, status: HTTPResponse.Status) -> Response {
        var chrome = app.chrome(context, path: "/account/password")
        chrome.flash = flash
        chrome.error = error ?? (context.session.restriction == .changePassword ? Strings.text("mustChangePassword", english: context.english) : nil)
        return app.pages.render(.accountPassword, AccountPageModel(chrome: chrome, username: context.session.user.username), status: status)
    }

    func securityPage(_ context: StaffContext, pending: TOTP?, flash: String?, error: String?, status: HTTPResponse.Status) async throws -> Response {
        var chrome = app.chrome(context, path: "/account/security")
        chrome.flash = flash
        chrome.error = error ?? (context.session.restriction == .enrollSecondFactor ? Strings.text("mustEnroll", english: context.english) : nil)
        let state = try await app.store.secondFactor(userId: context.session.user.id)
        let shown = pending ?? state.pending
        var model = AccountPageModel(chrome: chrome, username: context.session.user.username)
        model.enabled = state.enabled
        model.secret = shown.map { Self.grouped($0.base32) }
        model.uri = shown?.provisioningURI(account: context.session.user.username, issuer: "12345热线")
        return app.pages.render(.accountSecurity, model, status: status)
    }

    /// A secret in groups of four, as people copy it.
    static func grouped(_ text: String) -> String {
        stride(from: 0, to: text.count, by: 4).map { offset in
            let start = text.index(text.startIndex, offsetBy: offset)
            return String(text[start..<(text.index(start, offsetBy: 4, limitedBy: text.endIndex) ?? text.endIndex)])
        }.joined(separator: " ")
    }
}

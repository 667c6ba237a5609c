import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore
import Hummingbird
import Logging
import NIOCore

/// For every page: finds the browser session and language from cookies, and turns failures into
/// a sign-in redirect or an error page (never JSON, never internals).
struct WebSessionMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let store: Store
    let pages: Pages
    let idleTimeout: TimeInterval
    let trustedProxies: Set<String>
    let auditAlert: AuditAlert

    /// Where a held-back session may go: the pages that lift the restriction, signing out, the language, the assets.
    static func allowedWhileRestricted(_ path: String) -> Bool {
        path.hasPrefix("/account/") || path == "/logout" || path.hasPrefix("/lang/") || path.hasPrefix("/static/") || path == "/login"
    }

    static let sessionCookie = "hl_session"
    static let languageCookie = "hl_lang"

    /// Requests a page makes on its own (not a person's activity): they do not extend an idle session.
    static let backgroundPaths: Set<String> = ["/console/calls/stream"]

    func handle(_ request: Request, context: AppRequestContext, next: (Request, AppRequestContext) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/api/") {
            // The JSON API answers for itself; only a path it does not know is turned into its error shape here.
            do {
                return try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound {
                return Response(status: .notFound, headers: [.contentType: "application/json; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: #"{"error":{"code":"not_found","message":"接口不存在 (no such endpoint)"}}"#)))
            }
        }
        var context = context
        context.english = request.cookies[Self.languageCookie]?.value == "en"
        context.client = context.clientAddress(request, trustedProxies: trustedProxies)
        if let token = request.cookies[Self.sessionCookie]?.value {
            context.session = try await store.webSession(token: token, idleTimeout: idleTimeout,
                                                         touch: !Self.backgroundPaths.contains(request.uri.path))
        }
        if let session = context.session {
            if let restriction = session.restriction, !Self.allowedWhileRestricted(request.uri.path) {
                return Pages.redirect(restriction == .changePassword ? "/account/password" : "/account/security")
            }
            let role = session.user.role
            if role.may(.viewAuditLog) || role.may(.manageOrganisation) { await auditAlert.refresh(store) }
        }
        do {
            return try await next(request, context)
        } catch WebError.signInRequired {
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return Pages.redirect("/login?next=\(Chrome.encode(target))")
        } catch WebError.badCSRF {
            return errorPage(403, Strings.text("csrfExpired", english: context.english), context)
        } catch WebError.page(let status, let message) {
            return errorPage(status, message, context)
        } catch let error as HotlineError {
            return errorPage(error.httpStatus, error.message, context)
        } catch let error as HTTPError where error.status == .notFound {
            return errorPage(404, Strings.text("notFound", english: context.english), context)
        } catch let error as HTTPError where (400..<500).contains(Int(error.status.code)) {
            // A malformed id or parameter in the address: the request is wrong, not the server.
            return errorPage(Int(error.status.code), Strings.text("badRequest", english: context.english), context)
        } catch {
            context.logger.error("page \(request.uri.path) failed: \(String(reflecting: error))")
            return errorPage(500, Strings.text("internalError", english: context.english), context)
        }
    }

    func errorPage(_ status: Int, _ message: String, _ context: AppRequestContext) -> Response {
        let title = Strings.text(status == 404 ? "notFound" : status == 403 ? "forbidden" : status >= 500 ? "internalError" : "badRequest",
                                 english: context.english)
        let model = ErrorPageModel(chrome: ChromeModel(session: context.session, english: context.english, path: "/", section: nil),
                                   status: status, message: message, title: title)
        return pages.render(.error, model, status: .init(code: status))
    }
}

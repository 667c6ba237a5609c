import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore
import Hummingbird
import HTTPTypes
import Logging

/// Settings of the web pages.
public struct WebSettings: Sendable {
    /// Minutes of inactivity after which a browser session ends.
    public var idleMinutes: Int
    /// The hotline center the citizen portal files requests with (nil: the first center).
    public var portalCenterId: Int64?
    /// Whether the portal shows the published month's statistics and ranking (数据公开, `/portal/stats`).
    public var publicStats = false
    /// Whether cookies carry the Secure flag (set it behind HTTPS).
    public var secureCookies: Bool
    /// Citizen submissions (and ticket look-ups) allowed per address and hour.
    public var portalSubmissionsPerHour: Int
    /// Knowledge searches and suggestions allowed per address and minute, on the portal and `/public/kb`.
    public var portalSearchesPerMinute = 60
    /// Reverse proxies whose `X-Forwarded-For` names the real client (otherwise every citizen shares the proxy's address).
    public var trustedProxies: Set<String> = []
    /// The folder of page templates (nil: those bundled with Hotline); the app is not built if one is missing or broken.
    public var templatesFolder: URL?

    public init(idleMinutes: Int = 30, portalCenterId: Int64? = nil, secureCookies: Bool = false, portalSubmissionsPerHour: Int = 30) {
        self.idleMinutes = idleMinutes
        self.portalCenterId = portalCenterId
        self.secureCookies = secureCookies
        self.portalSubmissionsPerHour = portalSubmissionsPerHour
    }
}

/// What a visitor's request counts against.
enum PortalLimit: String {
    case submit, track, search
}

/// The server-rendered web application: sign-in, the agent console, the unit workbench, the center desk,
/// the citizen portal and administration.
public struct WebApp: Sendable {
    let store: Store
    let clock: WallClock
    let advisor: Advisor
    let settings: WebSettings
    let pages: Pages
    let reference: ReferenceData
    let assets: StaticAssets
    /// The last background verification's failure, for the banner of those who watch the audit trail.
    let auditAlert = AuditAlert()

    public init(store: Store, clock: WallClock, advisor: Advisor, settings: WebSettings = WebSettings()) throws {
        self.store = store
        self.clock = clock
        self.advisor = advisor
        self.settings = settings
        pages = try Pages.load(from: settings.templatesFolder ?? Pages.bundledTemplates)
        reference = ReferenceData(store: store)
        assets = try StaticAssets.load()
    }

    /// Adds every page route, and the page middleware, to `router`; paths under `/api/` are left to the JSON API.
    public func register(on router: Router<AppRequestContext>) {
        router.add(middleware: WebSessionMiddleware(store: store, pages: pages, idleTimeout: TimeInterval(settings.idleMinutes * 60),
                                                    trustedProxies: settings.trustedProxies, auditAlert: auditAlert))
        assets.register(on: router)
        AuthPages(app: self).register(on: router)
        PortalPages(app: self).register(on: router)
        Open311Routes(app: self).register(on: router)
        let staff = router.group(context: StaffContext.self)
        ConsolePages(app: self).register(on: staff)
        TicketPages(app: self).register(on: staff)
        InboxPages(app: self).register(on: staff)
        AdminPages(app: self).register(on: staff)
        AccountPages(app: self).register(on: staff)
        IntegrationPages(app: self).register(on: staff)
        PolicePages(app: self).register(on: staff)
        NoticePages(app: self).register(on: staff)
        FederationPages(app: self).register(on: staff)
        KnowledgeSharingPages(app: self).register(on: staff)
        KnowledgePages(app: self).register(on: staff)
        AssessmentPages(app: self).register(on: staff)
        AnalysisPages(app: self).register(on: staff)
    }

    var now: Date { clock.now() }

    /// The chrome of a signed-in page.
    func chrome(_ context: StaffContext, path: String, section: String? = nil) -> ChromeModel {
        var chrome = ChromeModel(session: context.session, english: context.english, path: path, section: section)
        let role = context.session.user.role
        if role.may(.viewAuditLog) || role.may(.manageOrganisation), let failure = auditAlert.failure {
            chrome.auditAlert = Strings.text("auditAlert", english: context.english) + failure
        }
        return chrome
    }

    /// A cookie this app sets: HttpOnly, SameSite=Lax, Secure behind HTTPS.
    func cookie(_ name: String, _ value: String, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
    }

    /// Counts a visitor's request of `kind` against its limit, in counters every node shares; false when over it.
    func allowVisitor(_ kind: PortalLimit, _ request: Request, _ context: AppRequestContext) async throws -> Bool {
        let (limit, window) = switch kind {
        case .submit, .track: (settings.portalSubmissionsPerHour, 3600.0)
        case .search: (settings.portalSearchesPerMinute, 60.0)
        }
        return try await store.countRequest(kind.rawValue + ":" + clientAddress(request, context), limit: limit, window: window)
    }

    /// The client's address: the peer, or the nearest address a trusted proxy forwarded for.
    func clientAddress(_ request: Request, _ context: AppRequestContext) -> String {
        context.clientAddress(request, trustedProxies: settings.trustedProxies)
    }

    /// Refuses a form whose CSRF token is not the session's.
    func checkCSRF(_ form: Form, _ context: StaffContext) throws {
        guard let token = form["_csrf"], Self.constantTimeEqual(token, context.session.csrfToken) else { throw WebError.badCSRF }
    }

    /// The staff actor, refused unless its role holds `permission`.
    func require(_ context: StaffContext, _ permission: Permission) throws -> Actor {
        guard context.session.user.role.may(permission) else {
            throw WebError.page(status: 403, message: Strings.text("forbidden", english: context.english))
        }
        return context.session.actor
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8)
        let y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension WebApp {
    /// A change from a staff form: reads it (at most `limit` bytes), checks its CSRF token and that the signed-in user
    /// holds `permission`, runs `body`, and shows the page again with the outcome — the message `body` returns, or the
    /// error with its status (and nothing changed).
    func submit(_ request: Request, _ context: StaffContext, _ permission: Permission, limit: Int = 64 * 1024,
                page: (_ flash: String?, _ error: String?, _ status: HTTPResponse.Status) async throws -> Response,
                _ body: (Form, Actor) async throws -> String) async throws -> Response {
        let form = try await Form.read(request, limit: limit)
        try checkCSRF(form, context)
        let actor = try require(context, permission)
        let message: String
        do {
            message = try await body(form, actor)
        } catch let error as HotlineError {
            return try await page(nil, error.message, .init(code: error.httpStatus))
        }
        return try await page(message, nil, .ok)
    }
}


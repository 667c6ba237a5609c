import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore
import Hummingbird

/// The citizen portal (市民服务, no sign-in): submit a request or a "随手拍" photo report, track it with the
/// ticket number and query code, and rate the reply.
struct PortalPages {
    let app: WebApp

    static let citizenTypes: [TicketType] = [.complaint, .help, .consultation, .report, .suggestion, .praise]

    func register(on router: Router<AppRequestContext>) {
        router.get("/portal") { request, context -> Response in
            render(.portalHome, request, context) { PortalHomePageModel(chrome: $0) }
        }
        router.get("/portal/stats") { request, context -> Response in
            guard app.settings.publicStats else { throw WebError.page(status: 404, message: Strings.text("notFound", english: context.english)) }
            let stats = try await app.store.publicStatistics(centerId: try await portalCenter())
            let english = context.english
            return render(.portalStats, request, context) { chrome in
                PortalStatsPageModel(
                    chrome: chrome, period: stats?.period, publishedAt: stats?.publishedAt.map(Chrome.time), total: stats?.volumes.first?.total ?? 0,
                    rates: (stats?.rates ?? []).map { .init(name: $0.name, value: AnalysisPages.percent($0.value), counts: "") },
                    categoryChart: Charts.bars(title: Strings.text("byCategory", english: english),
                                               items: (stats?.volumes.first?.rows ?? []).prefix(12).map { ($0.name, $0.comparison.current) }),
                    channelChart: Charts.stacked(title: Strings.text("byChannel", english: english),
                                                 parts: (stats?.volumes.last?.rows ?? []).map { ($0.name, $0.comparison.current) }),
                    ranking: (stats?.ranking ?? []).map {
                        RankLineModel(group: $0.group, rank: $0.rank, unit: $0.unit, score: String(format: "%.2f", $0.score), red: $0.list == .red,
                                      black: $0.list == .black)
                    })
            }
        }
        router.get("/portal/submit") { request, context -> Response in
            render(.portalSubmit, request, context) { formPage($0, Form(), english: context.english) }
        }
        router.get("/portal/quick") { request, context -> Response in
            render(.portalQuick, request, context) { formPage($0, Form(), english: context.english) }
        }
        router.post("/portal/submit") { request, context -> Response in
            try await submit(request, context, quick: false)
        }
        router.post("/portal/quick") { request, context -> Response in
            try await submit(request, context, quick: true)
        }
        router.post("/portal/suggest") { request, context -> Response in
            let form = try await visitorForm(request, limit: 64 * 1024)
            guard try await app.allowVisitor(.search, request, context) else {
                return Response(status: .tooManyRequests, headers: [.contentType: "text/html; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "<p class=\"muted\">\(Strings.text("tooMany", english: context.english))</p>")))
            }
            let text = String((form["content"] ?? "").prefix(2000))
            let centerId = try await portalCenter()
            let hits = try await app.advisor.knowledge.search(text, centerId: centerId, on: CivilDate(app.now), limit: 3)
            let emergency = EmergencyDetector().assess(text)
            var model = PortalSuggestFragmentModel(t: Strings.table(english: context.english), answers: hits.map(KnowledgePages.hit))
            if emergency.isEmergency {
                model.emergency = EmergencyModel(lines: emergency.lines.map(\.rawValue).joined(separator: " / "), why: emergency.explanation ?? "")
            }
            return app.pages.fragment(.portalSuggest, model)
        }
        router.get("/portal/kb") { request, context -> Response in
            try await faq(request, context)
        }
        router.get("/portal/track") { request, context -> Response in
            render(.portalTrack, request, context) { PortalTrackPageModel(chrome: $0) }
        }
        router.post("/portal/track") { request, context -> Response in
            let form = try await visitorForm(request, limit: 64 * 1024)
            guard try await app.allowVisitor(.track, request, context) else { return tooMany(request, context) }
            return try await track(request, context, number: form["number"] ?? "", code: form["code"] ?? "", flash: nil, error: nil)
        }
        router.post("/portal/evaluate") { request, context -> Response in
            let form = try await visitorForm(request, limit: 64 * 1024)
            let number = form["number"] ?? ""
            let code = form["code"] ?? ""
            do {
                guard let satisfaction = try form.code("satisfaction", as: Satisfaction.self) else {
                    throw HotlineError.invalid("satisfaction", "请选择满意度 (choose how satisfied you are)")
                }
                let comment = form["comment"] ?? ""
                guard comment.count <= 2000 else { throw HotlineError.invalid("comment", "不能超过2000字 (at most 2000 characters)") }
                _ = try await app.store.citizenEvaluate(number: number, queryCode: code, satisfaction: satisfaction,
                                                        resolved: form.bool("resolved") ?? false, comment: comment,
                                                        client: app.clientAddress(request, context))
                return try await track(request, context, number: number, code: code,
                                       flash: Strings.text("thanksEvaluation", english: context.english), error: nil)
            } catch let error as HotlineError where error.kind != .notFound {
                return try await track(request, context, number: number, code: code, flash: nil, error: error.message,
                                       status: .init(code: error.httpStatus))
            }
        }
    }

    /// 常见问题: the published, unexpired knowledge a citizen may read, searched like the agents' knowledge base.
    func faq(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let query = String((request.uri.queryParameters.get("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(200))
        var hits: [KnowledgeHit]?
        if !query.isEmpty {
            guard try await app.allowVisitor(.search, request, context) else { return tooMany(request, context) }
            hits = try await app.advisor.knowledge.search(query, centerId: try await portalCenter(), on: CivilDate(app.now), limit: 10)
        }
        return render(.portalKnowledge, request, context) { chrome in
            PortalKnowledgePageModel(chrome: chrome, q: query, searched: hits != nil, hits: (hits ?? []).map(KnowledgePages.hit))
        }
    }

    /// A portal page with the visitor's CSRF token (set as a cookie, echoed in the form).
    func render<Model: PageModel>(_ template: Template, _ request: Request, _ context: AppRequestContext, flash: String? = nil,
                                  error: String? = nil, status: HTTPResponse.Status = .ok, _ page: (ChromeModel) -> Model) -> Response {
        let token = request.cookies[AuthPages.visitorCookie]?.value ?? AuthPages.newVisitorToken()
        var chrome = ChromeModel(session: nil, english: context.english, path: request.uri.path, section: nil)
        chrome.portal = true
        chrome.publicStats = app.settings.publicStats
        chrome.visitorCsrf = token
        chrome.submissionKey = AuthPages.newVisitorToken()
        chrome.flash = flash
        chrome.error = error
        var response = app.pages.render(template, page(chrome), status: status)
        response.setCookie(app.cookie(AuthPages.visitorCookie, token))
        return response
    }

    /// Reads a public form and checks its token against the visitor's cookie.
    func visitorForm(_ request: Request, limit: Int) async throws -> Form {
        let form = try await Form.read(request, limit: limit)
        guard let token = form["_csrf"], let cookie = request.cookies[AuthPages.visitorCookie]?.value,
            WebApp.constantTimeEqual(token, cookie)
        else { throw WebError.badCSRF }
        return form
    }

    func tooMany(_ request: Request, _ context: AppRequestContext) -> Response {
        render(.portalHome, request, context, error: Strings.text("tooMany", english: context.english), status: .tooManyRequests) {
            PortalHomePageModel(chrome: $0)
        }
    }

    /// The submission form, with what was typed.
    func formPage(_ chrome: ChromeModel, _ form: Form, english: Bool) -> PortalFormPageModel {
        PortalFormPageModel(chrome: chrome, form: FormEcho(form),
                            types: TicketView.options(TicketType.self, selected: form["type"] ?? "complaint", english: english, only: Self.citizenTypes))
    }

    func submit(_ request: Request, _ context: AppRequestContext, quick: Bool) async throws -> Response {
        let form = try await visitorForm(request, limit: context.maxUploadSize)
        let template: Template = quick ? .portalQuick : .portalSubmit
        guard try await app.allowVisitor(.submit, request, context) else { return tooMany(request, context) }
        do {
            let created = try await intake(form, quick: quick)
            return render(.portalSubmitted, request, context) { chrome in
                PortalSubmittedPageModel(chrome: chrome, number: created.ticket.number, queryCode: created.queryCode,
                                         status: created.ticket.state.status.label(english: context.english))
            }
        } catch let error as HotlineError {
            return render(template, request, context, error: error.message, status: .init(code: error.httpStatus)) { chrome in
                formPage(chrome, form, english: context.english)
            }
        }
    }

    func intake(_ form: Form, quick: Bool) async throws -> CreatedTicket {
        guard let phone = form["phone"] else { throw HotlineError.invalid("phone", "请留下联系电话，以便回复您 (a phone number is required)") }
        if quick && form["name"] == nil { throw HotlineError.invalid("name", "请填写姓名 (your name is required)") }
        guard let place = form["address"] else { throw HotlineError.invalid("address", "请填写事发地点 (the place is required)") }
        let content = form["content"] ?? ""
        let draft = TicketDraft(
            channel: quick ? .photo : .web, type: quick ? .help : (try form.code("type", as: TicketType.self) ?? .complaint),
            title: form["title"] ?? ConsolePages.title(from: content), content: content,
            location: Location(address: place), requester: Requester(name: form["name"], phone: phone),
            confidential: form.bool("confidential") ?? false)
        let photos = try UploadPolicy.photos.check(form.files["photos"] ?? [])
        let centerId = try await portalCenter()
        return try await app.store.createTicket(draft, centerId: centerId, by: .citizen, idempotencyKey: form["_submission"], files: photos)
    }

    /// The center that takes portal submissions: the configured one, or the first.
    func portalCenter() async throws -> Int64 {
        if let id = app.settings.portalCenterId { return id }
        let ref = try await app.reference.snapshot()
        guard let center = ref.units.values.filter({ $0.kind == .center && $0.active }).min(by: { $0.id < $1.id }) else {
            throw HotlineError(.noCenter, "尚未设立热线中心 (no hotline center yet)")
        }
        return center.id
    }

    func track(_ request: Request, _ context: AppRequestContext, number: String, code: String, flash: String?, error: String?,
               status: HTTPResponse.Status = .ok) async throws -> Response {
        let english = context.english
        do {
            let (record, events) = try await app.store.publicTicket(number: number, queryCode: code, client: app.clientAddress(request, context))
            let s = record.state
            return render(.portalStatus, request, context, flash: flash, error: error, status: status) { chrome in
                PortalStatusPageModel(
                    chrome: chrome, number: record.number, code: code, title: record.title,
                    statusLabel: s.status.label(english: english), createdAt: Chrome.time(record.createdAt),
                    closedAt: Chrome.time(s.closedAt), reply: record.publicReply ?? "",
                    canEvaluate: ActionRule.citizenMay(.evaluate, from: s.status),
                    satisfactions: TicketView.options(Satisfaction.self, selected: nil, english: english),
                    history: events.map { event in
                        .init(at: Chrome.time(event.at), action: event.action.label(english: english), note: event.publicNote ?? "")
                    })
            }
        } catch let failure as HotlineError where failure.kind == .notFound {
            return render(.portalTrack, request, context, error: Strings.text("trackNotFound", english: english), status: .notFound) {
                PortalTrackPageModel(chrome: $0, number: number)
            }
        } catch let failure as HotlineError where failure.kind == .rateLimited {
            return render(.portalTrack, request, context, error: failure.message, status: .tooManyRequests) {
                PortalTrackPageModel(chrome: $0, number: number)
            }
        }
    }
}

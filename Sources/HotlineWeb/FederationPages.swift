import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 省市两级平台 in the pages: a city's link to its province (上级平台) and, on the province, each city's data quality
/// (数据归集质量).
struct FederationPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/admin/upstream") { _, context in try await upstream(context) }
        router.post("/admin/upstream") { request, context in
            try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
                try await upstream(context, flash: flash, error: error, status: status)
            }) { form, actor in
                let identity = try form.code("identity", as: IdentityShare.self) ?? .masked
                _ = try await app.store.saveUpstreamLink(url: form["url"] ?? "", apiKey: form["apiKey"], identity: identity,
                                                         active: form.bool("active") ?? false, by: actor)
                return Strings.text("saved", english: context.english)
            }
        }
        router.get("/analysis/federation") { request, context in
            try await quality(request, context)
        }
    }

    func upstream(_ context: StaffContext, flash: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try app.require(context, .manageIntegrations)
        let english = context.english
        var chrome = app.chrome(context, path: "/admin/upstream")
        chrome.flash = flash
        chrome.error = error
        let link = try await app.store.upstreamLink(for: actor)
        func time(_ date: Date?) -> String { date.map(Chrome.time) ?? "—" }
        let model = AdminUpstreamPageModel(
            chrome: chrome, linked: link != nil, url: link?.url ?? "", active: link?.active ?? true,
            identities: IdentityShare.allCases.map { .init(code: $0.rawValue, label: $0.label(english: english), selected: $0 == (link?.identity ?? .masked)) },
            sent: link?.sent ?? 0, refused: link?.refused ?? 0, pending: link?.pending ?? 0, lastSuccess: time(link?.lastSuccessAt),
            lastError: link?.lastError, lastErrorAt: time(link?.lastErrorAt), reconciled: time(link?.reconciledAt))
        return app.pages.render(.adminUpstream, model, status: status)
    }

    func quality(_ request: Request, _ context: StaffContext) async throws -> Response {
        let actor = try app.require(context, .viewAnalysis)
        let code = request.uri.queryParameters.get("month") ?? String(CivilDate(app.now).description.prefix(7))
        guard let month = AssessmentPeriod(code), month.kind == .month else {
            throw WebError.page(status: 400, message: Strings.text("badMonth", english: context.english))
        }
        let rows = try await app.store.federationQuality(month: month, for: actor)
        let percent = AnalysisPages.percent
        let model = FederationQualityPageModel(
            chrome: app.chrome(context, path: "/analysis/federation", section: "/analysis"), month: code,
            rows: rows.map { row in
                .init(city: row.cityName, tickets: row.tickets, completeness: percent(row.completeness), timeliness: percent(row.timeliness),
                      stability: percent(row.stability), reconciled: row.daysReconciled, gaps: row.daysWithGaps, score: String(format: "%.1f", row.score))
            },
            chart: Charts.bars(title: Strings.text("score", english: context.english), items: rows.map { ($0.cityName, Int($0.score.rounded())) }))
        return app.pages.render(.federationQuality, model)
    }
}

import Foundation
import HotlineCore
import HotlineStore
import Hummingbird
import NIOCore

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

/// 知识共享 in the pages: the knowledge bases the center follows, and its entries exported and imported as files.
struct KnowledgeSharingPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/kb/sharing") { _, context in try await page(context) }
        router.post("/kb/sharing/sources") { request, context in
            try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
                try await page(context, flash: flash, error: error, status: status)
            }) { form, actor in
                let source = try await app.store.saveKnowledgeSource(
                    name: form["name"] ?? "", url: form["url"] ?? "", apiKey: form["apiKey"], categories: Self.codes(form["categories"]), active: true, by: actor)
                return Strings.text("saved", english: context.english) + "：" + source.name
            }
        }
        router.post("/kb/sharing/sources/:id") { request, context in
            try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
                try await page(context, flash: flash, error: error, status: status)
            }) { form, actor in
                let id = try context.parameters.require("id", as: Int64.self)
                guard let source = try await app.store.knowledgeSources(for: actor).first(where: { $0.id == id }) else { throw HotlineError.notFound("知识来源") }
                _ = try await app.store.saveKnowledgeSource(id: id, name: source.name, url: source.url, apiKey: nil, categories: source.categories,
                                                            active: form.bool("active") ?? false, by: actor)
                return Strings.text("saved", english: context.english) + "：" + source.name
            }
        }
        router.get("/kb/export.json") { _, context in
            let actor = try app.require(context, .readKnowledgeDrafts)
            let data = try KnowledgeFile.json(try await app.store.exportKnowledge(for: actor))
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
                                                   .contentDisposition: "attachment; filename=\"knowledge.json\""],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/kb/export.xlsx") { _, context in
            let actor = try app.require(context, .readKnowledgeDrafts)
            return try Exports.file(try KnowledgeFile.xlsx(try await app.store.exportKnowledge(for: actor)), name: "知识库")
        }
        router.post("/kb/import") { request, context in
            try await app.submit(request, context, .editKnowledge, limit: 32 * 1024 * 1024, page: { flash, error, status in
                try await page(context, flash: flash, error: error, status: status)
            }) { form, actor in
                guard let file = form.files["file"]?.first, !file.data.isEmpty else { throw HotlineError.invalid("file", "请选择文件 (choose a file)") }
                let result = try await app.store.importKnowledge(try KnowledgeFile.read(file.data), by: actor)
                return String(format: Strings.text("kbImported", english: context.english), result.created, result.skipped)
            }
        }
    }

    static func codes(_ text: String?) -> [String] {
        (text ?? "").split(whereSeparator: { $0 == "," || $0 == "，" || $0 == " " }).map(String.init)
    }

    func page(_ context: StaffContext, flash: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try app.require(context, .readKnowledgeDrafts)
        var chrome = app.chrome(context, path: "/kb/sharing", section: "/kb")
        chrome.flash = flash
        chrome.error = error
        let manages = actor.may(.manageIntegrations)
        let sources = manages ? try await app.store.knowledgeSources(for: actor) : []
        let model = KnowledgeSharingPageModel(
            chrome: chrome, managesSources: manages, mayImport: actor.may(.editKnowledge),
            sources: sources.map { source in
                .init(id: source.id, name: source.name, url: source.url,
                      categories: source.categories.isEmpty ? Strings.text("all", english: context.english) : source.categories.joined(separator: ", "),
                      active: source.active, received: source.received, lastSuccess: source.lastSuccessAt.map(Chrome.time) ?? "—", lastError: source.lastError)
            })
        return app.pages.render(.knowledgeSharing, model, status: status)
    }
}

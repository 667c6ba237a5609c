import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 知识库: search for everyone on staff; writing, verification (多方校核), error reports (查漏纠错) and synonyms
/// for editors and the units whose matters the entries are.
struct KnowledgePages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/kb") { request, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            return try await home(request, context, actor: actor)
        }
        router.get("/kb/new") { _, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            guard Self.writesAny(actor) else { throw WebError.page(status: 403, message: Strings.text("forbidden", english: context.english)) }
            return try await editor(context, actor: actor, entry: nil, form: nil, error: nil, status: .ok)
        }
        router.post("/kb/new") { request, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            let form = try await Form.read(request, limit: 256 * 1024)
            try app.checkCSRF(form, context)
            do {
                let entry = try await app.store.createKnowledge(try content(form, actor: actor), by: actor)
                return Pages.redirect("/kb/\(entry.id)?done=edit")
            } catch let error as HotlineError {
                return try await editor(context, actor: actor, entry: nil, form: form, error: error.message, status: .init(code: error.httpStatus))
            }
        }
        router.get("/kb/reports") { _, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            return try await reports(context, actor: actor, flash: nil, error: nil)
        }
        router.post("/kb/reports/:id") { request, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            do {
                try await app.store.resolveKnowledgeReport(id: try context.parameters.require("id", as: Int64.self), dismiss: form["dismiss"] != nil,
                                                           resolution: form["resolution"] ?? "", by: actor)
                return try await reports(context, actor: actor, flash: Strings.text("saved", english: context.english), error: nil)
            } catch let error as HotlineError where error.kind != .notFound {
                var response = try await reports(context, actor: actor, flash: nil, error: error.message)
                response.status = .init(code: error.httpStatus)
                return response
            }
        }
        router.get("/kb/synonyms") { _, context -> Response in
            let actor = try app.require(context, .editKnowledge)
            return try await synonyms(context, actor: actor, flash: nil, error: nil)
        }
        router.post("/kb/synonyms") { request, context -> Response in
            let actor = try app.require(context, .editKnowledge)
            let form = try await Form.read(request, limit: 512 * 1024)
            try app.checkCSRF(form, context)
            let groups = (form.fields["groups"]?.first ?? "").split(whereSeparator: \.isNewline).map { line in
                line.split(whereSeparator: { " ,，、\t".contains($0) }).map(String.init)
            }
            do {
                try await app.store.setSynonymGroups(groups, by: actor)
                return try await synonyms(context, actor: actor, flash: Strings.text("saved", english: context.english), error: nil)
            } catch let error as HotlineError {
                return try await synonyms(context, actor: actor, flash: nil, error: error.message)
            }
        }
        router.get("/kb/:id") { request, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            let done = request.uri.queryParameters.get("done").flatMap(KnowledgeAction.init(rawValue:))
            return try await entryPage(try context.parameters.require("id", as: Int64.self), context, actor: actor,
                                       flash: done.map { Strings.text("done", english: context.english) + $0.label(english: context.english) },
                                       error: nil, status: .ok)
        }
        router.get("/kb/:id/edit") { _, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            let entry = try await app.store.knowledge(id: try context.parameters.require("id", as: Int64.self), for: actor)
            guard KnowledgeWorkflow.mayWrite(sourceUnitId: entry.content.sourceUnitId, by: actor) else {
                throw WebError.page(status: 403, message: Strings.text("forbidden", english: context.english))
            }
            return try await editor(context, actor: actor, entry: entry, form: nil, error: nil, status: .ok)
        }
        router.post("/kb/:id/edit") { request, context -> Response in
            let actor = try app.require(context, .useKnowledge)
            let id = try context.parameters.require("id", as: Int64.self)
            let form = try await Form.read(request, limit: 256 * 1024)
            try app.checkCSRF(form, context)
            let entry = try await app.store.knowledge(id: id, for: actor)
            do {
                _ = try await app.store.editKnowledge(id: id, content: try content(form, actor: actor), expectedVersion: try form.int64("version").map { Int($0) },
                                                      by: actor)
                return Pages.redirect("/kb/\(id)?done=edit")
            } catch let error as HotlineError where error.kind != .notFound {
                return try await editor(context, actor: actor, entry: entry, form: form, error: error.message, status: .init(code: error.httpStatus))
            }
        }
        router.post("/kb/:id/act") { request, context -> Response in
            let (actor, id, form) = try await entryPost(request, context)
            do {
                guard let action = try form.code("action", as: KnowledgeAction.self), action != .edit else {
                    throw HotlineError.invalid("action", "未知操作 (unknown action)")
                }
                let version = try form["version"].map { value -> Int in
                    guard let version = Int(value) else { throw HotlineError.invalid("version", "版本号无效 (bad version)") }
                    return version
                }
                _ = try await app.store.knowledgeAction(id: id, action, note: form["note"] ?? "", expectedVersion: version, by: actor)
                return Pages.redirect("/kb/\(id)?done=\(action.rawValue)")
            } catch let error as HotlineError where error.kind != .notFound {
                return try await entryPage(id, context, actor: actor, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
        }
        router.post("/kb/:id/feedback") { request, context -> Response in
            let (actor, id, form) = try await entryPost(request, context)
            try await app.store.recordKnowledgeUse(id: id, helpful: form.bool("helpful"), used: false, centerId: actor.centerId)
            return try await entryPage(id, context, actor: actor, flash: Strings.text("thanksFeedback", english: context.english), error: nil, status: .ok)
        }
        router.post("/kb/:id/report") { request, context -> Response in
            let (actor, id, form) = try await entryPost(request, context)
            do {
                _ = try await app.store.reportKnowledgeError(id: id, text: form["text"] ?? "", by: actor)
                return try await entryPage(id, context, actor: actor, flash: Strings.text("reportFiled", english: context.english), error: nil, status: .ok)
            } catch let error as HotlineError where error.kind != .notFound {
                return try await entryPage(id, context, actor: actor, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
        }
    }

    /// Editors write anything; unit staff write their own unit's entries.
    static func writesAny(_ actor: Actor) -> Bool {
        KnowledgeWorkflow.mayWrite(sourceUnitId: nil, by: actor) || KnowledgeWorkflow.mayWrite(sourceUnitId: actor.unitId, by: actor)
    }

    func content(_ form: Form, actor: Actor) throws -> KnowledgeContent {
        let lines = { (name: String) in (form.fields[name]?.first ?? "").split(whereSeparator: \.isNewline).map(String.init) }
        return KnowledgeContent(
            question: form["question"] ?? "", variants: lines("variants"), answer: form.fields["answer"]?.first ?? "",
            categoryCode: form["categoryCode"].map { String($0.prefix(while: { $0.isNumber })) }, sourceUnitId: try form.int64("sourceUnitId"),
            tags: (form["tags"] ?? "").split(whereSeparator: { " ,，、".contains($0) }).map(String.init),
            effectiveFrom: try date(form["effectiveFrom"], "effectiveFrom"), expiresOn: try date(form["expiresOn"], "expiresOn"))
    }

    func date(_ text: String?, _ field: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(text) else { throw HotlineError.invalid(field, "日期格式须为YYYY-MM-DD (date as YYYY-MM-DD)") }
        return date
    }

    func home(_ request: Request, _ context: StaffContext, actor: Actor) async throws -> Response {
        let english = context.english
        let query = request.uri.queryParameters.get("q").map { String($0.prefix(200)) } ?? ""
        var model = KnowledgeHomePageModel(chrome: app.chrome(context, path: "/kb"), q: query, writes: Self.writesAny(actor),
                                           editor: actor.may(.editKnowledge))
        if !query.isEmpty {
            let hits = try await app.advisor.knowledge.search(query, centerId: actor.centerId, on: CivilDate(app.now), limit: 20)
            model.hits = hits.map(Self.hit)
            model.searched = true
        }
        if model.writes || KnowledgeWorkflow.mayVerify(sourceUnitId: actor.unitId, by: actor) || actor.may(.readKnowledgeDrafts) {
            let tab = request.uri.queryParameters.get("tab") ?? "toVerify"
            var filter = KnowledgeFilter()
            filter.limit = 100
            switch tab {
            case "draft": filter.statuses = [.draft]
            case "published": filter.statuses = [.published]
            case "archived": filter.statuses = [.archived]
            default:
                filter.statuses = [.pendingReview]
                filter.toVerify = true
            }
            let strings = Strings.table(english: english)
            model.tabs = ["toVerify", "draft", "published", "archived"].map { key in
                TabModel(label: strings["kbTab_" + key] ?? key, href: "/kb?tab=\(key)", current: key == tab)
            }
            let ref = try await app.reference.snapshot()
            model.entries = try await app.store.knowledgeList(filter, for: actor).map { entry in
                .init(id: entry.id, question: entry.content.question, status: entry.status.label(english: english),
                      source: ref.unitName(entry.content.sourceUnitId), version: entry.version, updatedAt: Chrome.time(entry.updatedAt),
                      usage: entry.usageCount, helpful: entry.helpfulCount)
            }
            model.manages = true
        }
        return app.pages.render(.knowledgeHome, model)
    }

    /// The signed-in actor, the entry id from the path and the CSRF-checked form of a POST about one entry.
    func entryPost(_ request: Request, _ context: StaffContext) async throws -> (Actor, Int64, Form) {
        let actor = try app.require(context, .useKnowledge)
        let id = try context.parameters.require("id", as: Int64.self)
        let form = try await Form.read(request, limit: 64 * 1024)
        try app.checkCSRF(form, context)
        return (actor, id, form)
    }

    /// A search hit with its highlighted question and answer snippet.
    static func hit(_ hit: KnowledgeHit) -> KnowledgeHitModel {
        KnowledgeHitModel(id: hit.id, question: runs(hit.question), snippet: runs(hit.snippet), answer: hit.content.answer,
                          tags: hit.content.tags.joined(separator: " · "), usage: hit.usageCount, helpful: hit.helpfulCount,
                          origin: hit.origin, more: hit.snippet.endsMidText, less: hit.snippet.startsMidText)
    }

    /// Snippet runs for a template: `{{#runs}}{{#mark}}<mark>{{text}}</mark>{{/mark}}{{^mark}}{{text}}{{/mark}}{{/runs}}`.
    static func runs(_ snippet: Snippet) -> [KnowledgeHitModel.Run] {
        snippet.segments.map { KnowledgeHitModel.Run(text: $0.text, mark: $0.highlighted) }
    }

    func entryPage(_ id: Int64, _ context: StaffContext, actor: Actor, flash: String?, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let english = context.english
        let entry = try await app.store.knowledge(id: id, for: actor)
        let working = KnowledgeWorkflow.seesWorkingCopy(entry, by: actor)
        let history = working ? try await app.store.knowledgeHistory(id: id, for: actor) : []
        let ref = try await app.reference.snapshot()
        var chrome = app.chrome(context, path: "/kb/\(id)", section: "/kb")
        chrome.flash = flash
        chrome.error = error
        func view(_ content: KnowledgeContent) -> KnowledgeEntryPageModel.Content {
            .init(question: content.question, variants: content.variants, answer: content.answer,
                  category: content.categoryCode.map { ref.categoryPaths[$0] ?? $0 } ?? "", source: ref.unitName(content.sourceUnitId),
                  tags: content.tags.joined(separator: " · "), effectiveFrom: content.effectiveFrom?.description ?? "",
                  expiresOn: content.expiresOn?.description ?? "")
        }
        var model = KnowledgeEntryPageModel(
            chrome: chrome,
            entry: .init(id: entry.id, status: entry.status.label(english: english), version: entry.version, liveVersion: entry.liveVersion ?? 0,
                         usage: entry.usageCount, helpful: entry.helpfulCount, unhelpful: entry.unhelpfulCount, updatedAt: Chrome.time(entry.updatedAt)),
            actions: entry.shared ? [] : KnowledgeWorkflow.available(on: entry, for: actor).map { action in
                .init(code: action.rawValue, label: action.label(english: english), needsNote: action == .reject)
            },
            canEdit: KnowledgeWorkflow.mayWrite(sourceUnitId: entry.content.sourceUnitId, by: actor) && entry.status != .archived && !entry.shared,
            canRate: entry.frontVersion(on: CivilDate(app.now)) != nil)
        if let live = entry.frontVersion(on: CivilDate(app.now)) ?? (working ? entry.live : nil) { model.live = view(live) }
        model.origin = entry.origin
        model.shared = entry.shared
        if working {
            model.working = view(entry.content)
            model.changed = entry.live != entry.content
            model.history = history.map { change in
                // Each edit keeps the text it wrote: every past version can be read again.
                .init(version: change.version, action: change.action.label(english: english), actor: change.actorName, at: Chrome.time(change.at),
                      note: change.note ?? "",
                      snapshot: change.snapshot.map { .init(question: $0.question, variants: $0.variants, answer: $0.answer) })
            }
        }
        return app.pages.render(.knowledgeEntry, model, status: status)
    }

    func editor(_ context: StaffContext, actor: Actor, entry: KnowledgeEntry?, form: Form?, error: String?, status: HTTPResponse.Status) async throws -> Response {
        let ref = try await app.reference.snapshot()
        var chrome = app.chrome(context, path: entry.map { "/kb/\($0.id)/edit" } ?? "/kb/new", section: "/kb")
        chrome.error = error
        let content = entry?.content
        func value(_ name: String, _ fallback: String?) -> String { form?.fields[name]?.first ?? fallback ?? "" }
        let chosen = form?["sourceUnitId"] ?? content?.sourceUnitId.map { String($0) } ?? (actor.may(.editKnowledge) ? nil : actor.unitId.map { String($0) })
        let editor = actor.may(.editKnowledge)
        let units = editor ? ref.dispatchTargets(centerId: actor.centerId) : ref.dispatchTargets(centerId: actor.centerId).filter { $0.id == actor.unitId }
        let model = KnowledgeEditPageModel(
            chrome: chrome,
            entryId: entry?.id ?? 0,
            isNew: entry == nil,
            version: entry?.version ?? 0,
            question: value("question", content?.question),
            variants: value("variants", content?.variants.joined(separator: "\n")),
            answer: value("answer", content?.answer),
            categoryCode: value("categoryCode", content?.categoryCode),
            tags: value("tags", content?.tags.joined(separator: " ")),
            effectiveFrom: value("effectiveFrom", content?.effectiveFrom?.description),
            expiresOn: value("expiresOn", content?.expiresOn?.description),
            units: units.map { .init(id: $0.id, name: $0.name, selected: String($0.id) == chosen) },
            centerOwned: editor,
            categories: ref.leafCategories)
        return app.pages.render(.knowledgeEdit, model, status: status)
    }

    func reports(_ context: StaffContext, actor: Actor, flash: String?, error: String?) async throws -> Response {
        let english = context.english
        var chrome = app.chrome(context, path: "/kb/reports", section: "/kb")
        chrome.flash = flash
        chrome.error = error
        let model = KnowledgeReportsPageModel(
            chrome: chrome,
            reports: try await app.store.knowledgeReports(status: nil, for: actor).map { report in
                .init(id: report.id, entryId: report.entryId, question: report.question, reporter: report.reporterName, text: report.text,
                      status: report.status.label(english: english), open: report.status == .open, resolution: report.resolution ?? "",
                      resolvedBy: report.resolvedByName ?? "", createdAt: Chrome.time(report.createdAt))
            })
        return app.pages.render(.knowledgeReports, model)
    }

    func synonyms(_ context: StaffContext, actor: Actor, flash: String?, error: String?) async throws -> Response {
        var chrome = app.chrome(context, path: "/kb/synonyms", section: "/kb")
        chrome.flash = flash
        chrome.error = error
        let groups = try await app.store.synonymGroups(centerId: try actor.requireCenter())
        let model = KnowledgeSynonymsPageModel(chrome: chrome, groups: groups.map { $0.joined(separator: " ") }.joined(separator: "\n"),
                                               count: groups.count)
        return app.pages.render(.knowledgeSynonyms, model)
    }
}

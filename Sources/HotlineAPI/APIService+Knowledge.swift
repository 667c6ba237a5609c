import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

/// The knowledge base, intake suggestions, classifier versions, the gazetteer and routing rules.
extension APIService {

    func searchKnowledge(_ input: Operations.SearchKnowledge.Input) async throws -> Operations.SearchKnowledge.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        let hits = try await advisor.knowledge.search(input.query.q, centerId: actor.centerId, on: CivilDate(clock.now()),
                                                      limit: min(max(input.query.limit ?? 10, 1), 50))
        return .ok(.init(body: .json(hits.map(Components.Schemas.KnowledgeHit.init))))
    }

    func publicKnowledge(_ input: Operations.PublicKnowledge.Input) async throws -> Operations.PublicKnowledge.Output {
        guard input.query.q.count <= 200 else { throw HotlineError.invalid("q", "不超过200字 (at most 200 characters)") }
        guard try await store.countRequest("search:" + RequestIdentity.client, limit: publicSearchesPerMinute, window: 60) else {
            throw HotlineError(.tooManyAttempts, "查询过于频繁，请稍后再试 (too many searches; try again in a minute)")
        }
        let centers = try await store.units(visibleTo: .system).filter { $0.kind == .center && $0.active }
        let center: OrgUnit
        if let id = input.query.centerId ?? portalCenterId {
            guard let named = centers.first(where: { $0.id == id }) else { throw HotlineError.notFound("热线中心") }
            center = named
        } else {
            guard let first = centers.min(by: { $0.id < $1.id }) else { return .ok(.init(body: .json([]))) }
            center = first
        }
        let hits = try await advisor.knowledge.search(input.query.q, centerId: center.id, on: CivilDate(clock.now()), limit: 10)
        return .ok(.init(body: .json(hits.map(Components.Schemas.KnowledgeHit.init))))
    }

    func listKnowledge(_ input: Operations.ListKnowledge.Input) async throws -> Operations.ListKnowledge.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        var filter = KnowledgeFilter()
        filter.statuses = try input.query.status.map { [try domain($0)] } ?? []
        filter.text = input.query.q
        filter.toVerify = input.query.toVerify ?? false
        filter.limit = input.query.limit ?? 50
        filter.offset = input.query.offset ?? 0
        let entries = try await store.knowledgeList(filter, for: actor)
        return .ok(.init(body: .json(entries.map { .init($0, for: actor) })))
    }

    func createKnowledge(_ input: Operations.CreateKnowledge.Input) async throws -> Operations.CreateKnowledge.Output {
        let actor = try RequestIdentity.require()
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let entry = try await store.createKnowledge(try body.domain(), by: actor)
        return .created(.init(body: .json(.init(entry, for: actor))))
    }

    func getKnowledge(_ input: Operations.GetKnowledge.Input) async throws -> Operations.GetKnowledge.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        let entry = try await store.knowledge(id: input.path.id, for: actor)
        let history = try await store.knowledgeHistory(id: input.path.id, for: actor)
        return .ok(.init(body: .json(.init(
            entry: .init(entry, for: actor),
            history: history.map { .init(version: $0.version, action: $0.action.rawValue, actionLabel: $0.action.label, actorName: $0.actorName, at: $0.at, note: $0.note,
                                                   content: $0.snapshot.map(Components.Schemas.KnowledgeContent.init)) },
            actions: KnowledgeWorkflow.available(on: entry, for: actor).compactMap { .init(rawValue: $0.rawValue) }))))
    }

    func editKnowledge(_ input: Operations.EditKnowledge.Input) async throws -> Operations.EditKnowledge.Output {
        let actor = try RequestIdentity.require()
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let entry = try await store.editKnowledge(id: input.path.id, content: try body.content.domain(), expectedVersion: body.expectedVersion, by: actor)
        return .ok(.init(body: .json(.init(entry, for: actor))))
    }

    func knowledgeWorkflow(_ input: Operations.KnowledgeWorkflow.Input) async throws -> Operations.KnowledgeWorkflow.Output {
        let actor = try RequestIdentity.require()
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard let action = KnowledgeAction(rawValue: body.action.rawValue) else { throw HotlineError.invalid("action", "未知操作") }
        let entry = try await store.knowledgeAction(id: input.path.id, action, note: body.note ?? "",
                                                  expectedVersion: body.expectedVersion, by: actor)
        return .ok(.init(body: .json(.init(entry, for: actor))))
    }

    func knowledgeFeedback(_ input: Operations.KnowledgeFeedback.Input) async throws -> Operations.KnowledgeFeedback.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        try await store.recordKnowledgeUse(id: input.path.id, helpful: body.helpful, used: body.used ?? false, centerId: actor.centerId)
        return .noContent(.init())
    }

    func reportKnowledgeError(_ input: Operations.ReportKnowledgeError.Input) async throws -> Operations.ReportKnowledgeError.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let report = try await store.reportKnowledgeError(id: input.path.id, text: body.text, by: actor)
        return .created(.init(body: .json(.init(report))))
    }

    func listKnowledgeReports(_ input: Operations.ListKnowledgeReports.Input) async throws -> Operations.ListKnowledgeReports.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        let status = input.query.status.flatMap { KnowledgeReport.Status(rawValue: $0.rawValue) }
        return .ok(.init(body: .json(try await store.knowledgeReports(status: status, for: actor).map(Components.Schemas.KnowledgeReport.init))))
    }

    func resolveKnowledgeReport(_ input: Operations.ResolveKnowledgeReport.Input) async throws -> Operations.ResolveKnowledgeReport.Output {
        let actor = try RequestIdentity.require()
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        try await store.resolveKnowledgeReport(id: input.path.id, dismiss: body.dismiss ?? false, resolution: body.resolution, by: actor)
        return .noContent(.init())
    }

    func getSynonyms(_ input: Operations.GetSynonyms.Input) async throws -> Operations.GetSynonyms.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        return .ok(.init(body: .json(.init(groups: try await store.synonymGroups(centerId: try actor.requireCenter())))))
    }

    func setSynonyms(_ input: Operations.SetSynonyms.Input) async throws -> Operations.SetSynonyms.Output {
        let actor = try RequestIdentity.require()
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        try await store.setSynonymGroups(body.groups, by: actor)
        return .noContent(.init())
    }

    func suggest(_ input: Operations.Suggest.Input) async throws -> Operations.Suggest.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard body.content.count <= 10000, (body.title ?? "").count <= 200, (body.address ?? "").count <= 500 else {
            throw HotlineError.invalid("content", "内容过长 (too long)")
        }
        let suggestions = try await advisor.suggest(title: body.title ?? "", content: body.content, address: body.address,
                                                    categoryCode: body.categoryCode, centerId: actor.centerId, excluding: body.ticketId)
        let similar = try await store.tickets(ids: suggestions.similar.map(\.ticketId), for: actor)
        let explanations = Dictionary(uniqueKeysWithValues: suggestions.similar.map { ($0.ticketId, $0) })
        return .ok(.init(body: .json(.init(
            categories: suggestions.categories.map { .init(code: $0.code, name: $0.name, probability: $0.probability, words: $0.words) },
            units: suggestions.units.map { .init(unitId: $0.unitId, name: $0.name, score: $0.score, reasons: $0.reasons) },
            emergency: suggestions.emergency.map { assessment in
                .init(lines: assessment.lines.map(\.rawValue), explanation: assessment.explanation ?? "", phrases: assessment.matches.map(\.phrase))
            },
            similar: similar.map { ticket in
                let found = explanations[ticket.state.id]
                return .init(ticketId: ticket.state.id, number: ticket.number, title: ticket.title, status: convert(ticket.state.status),
                             similarity: found?.similarity ?? 0, explanation: found?.explanation ?? "")
            },
            answers: suggestions.answers.map(Components.Schemas.KnowledgeHit.init), elapsedMilliseconds: suggestions.elapsedMilliseconds))))
    }

    func listModels(_ input: Operations.ListModels.Input) async throws -> Operations.ListModels.Output {
        let actor = try RequestIdentity.require(.viewModels)
        return .ok(.init(body: .json(try await store.models(centerId: try actor.requireCenter()).map(Components.Schemas.ModelInfo.init))))
    }

    func trainModels(_ input: Operations.TrainModels.Input) async throws -> Operations.TrainModels.Output {
        let actor = try RequestIdentity.require(.manageModels)
        let centerId = try actor.requireCenter()
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let kinds: [ModelKind] = body.kind.flatMap { ModelKind(rawValue: $0.rawValue) }.map { [$0] } ?? ModelKind.allCases
        var trained: [ModelInfo] = []
        for kind in kinds {
            if let report = try await store.train(kind, centerId: centerId, note: "API", by: actor) { trained.append(report.model) }
        }
        try await advisor.refresh(force: true)
        return .ok(.init(body: .json(trained.map(Components.Schemas.ModelInfo.init))))
    }

    func activateModel(_ input: Operations.ActivateModel.Input) async throws -> Operations.ActivateModel.Output {
        let actor = try RequestIdentity.require(.manageModels)
        let info = try await store.activateModel(id: input.path.id, by: actor)
        try await advisor.refresh(force: true)
        return .ok(.init(body: .json(.init(info))))
    }

    func listPlaces(_ input: Operations.ListPlaces.Input) async throws -> Operations.ListPlaces.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        return .ok(.init(body: .json(try await store.places(centerId: actor.centerId).map(Components.Schemas.Place.init))))
    }

    func addPlace(_ input: Operations.AddPlace.Input) async throws -> Operations.AddPlace.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let actor = try RequestIdentity.require(.manageReferenceData)
        let centerId = try actor.requireCenter()
        let place = Place(id: 0, name: body.name, aliases: body.aliases ?? [], kind: Place.Kind(rawValue: body.kind.rawValue) ?? .estate,
                          unitID: body.unitId, parentID: body.parentId)
        let saved = try await store.addPlaces([place], centerId: centerId, by: actor)
        return .created(.init(body: .json(.init(saved[0]))))
    }

    func deletePlace(_ input: Operations.DeletePlace.Input) async throws -> Operations.DeletePlace.Output {
        let actor = try RequestIdentity.require(.manageReferenceData)
        try await store.deletePlace(id: input.path.id, by: actor)
        return .noContent(.init())
    }

    func listRoutingRules(_ input: Operations.ListRoutingRules.Input) async throws -> Operations.ListRoutingRules.Output {
        let actor = try RequestIdentity.require(.useKnowledge)
        return .ok(.init(body: .json(try await store.routingRules(centerId: actor.centerId).map(Components.Schemas.RoutingRule.init))))
    }

    func addRoutingRule(_ input: Operations.AddRoutingRule.Input) async throws -> Operations.AddRoutingRule.Output {
        let actor = try RequestIdentity.require(.manageReferenceData)
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let rule = try await store.addRoutingRule(RoutingRule(categoryPrefix: body.categoryPrefix, unitId: body.unitId, note: body.note),
                                                  centerId: try actor.requireCenter(), by: actor)
        return .created(.init(body: .json(.init(rule))))
    }

    func deleteRoutingRule(_ input: Operations.DeleteRoutingRule.Input) async throws -> Operations.DeleteRoutingRule.Output {
        let actor = try RequestIdentity.require(.manageReferenceData)
        try await store.deleteRoutingRule(id: input.path.id, by: actor)
        return .noContent(.init())
    }
}

extension Components.Schemas.KnowledgeContent {
    init(_ content: KnowledgeContent) {
        self.init(question: content.question, variants: content.variants, answer: content.answer, categoryCode: content.categoryCode,
                  sourceUnitId: content.sourceUnitId, tags: content.tags, effectiveFrom: content.effectiveFrom?.description,
                  expiresOn: content.expiresOn?.description)
    }

    func domain() throws -> KnowledgeContent {
        func date(_ text: String?, _ field: String) throws -> CivilDate? {
            guard let text else { return nil }
            guard let date = CivilDate(text) else { throw HotlineError.invalid(field, "日期格式须为YYYY-MM-DD") }
            return date
        }
        return KnowledgeContent(question: question, variants: variants ?? [], answer: answer, categoryCode: categoryCode, sourceUnitId: sourceUnitId,
                                tags: tags ?? [], effectiveFrom: try date(effectiveFrom, "effectiveFrom"), expiresOn: try date(expiresOn, "expiresOn"))
    }
}

extension Components.Schemas.KnowledgeEntry {
    /// The entry as `actor` may see it: the working copy only for its writers and verifiers.
    init(_ entry: KnowledgeEntry, for actor: Actor) {
        let working = KnowledgeWorkflow.seesWorkingCopy(entry, by: actor)
        self.init(id: entry.id, status: convert(entry.status), statusLabel: entry.status.label,
                  content: working ? .init(entry.content) : nil, version: entry.version, live: entry.live.map { .init($0) },
                  liveVersion: entry.liveVersion, usageCount: entry.usageCount, helpfulCount: entry.helpfulCount,
                  unhelpfulCount: entry.unhelpfulCount, updatedAt: entry.updatedAt, origin: entry.origin, shared: entry.shared)
    }
}

extension Components.Schemas.KnowledgeHit {
    init(_ hit: KnowledgeHit) {
        self.init(id: hit.id, question: hit.content.question, answer: hit.content.answer, categoryCode: hit.content.categoryCode, tags: hit.content.tags,
                  score: hit.score, snippet: hit.snippet.runs, questionRuns: hit.question.runs, origin: hit.origin)
    }
}

extension Snippet {
    /// The snippet's text runs, marked where they matched.
    var runs: [Components.Schemas.TextRun] {
        segments.map { .init(text: $0.text, highlighted: $0.highlighted) }
    }
}

extension Components.Schemas.KnowledgeReport {
    init(_ report: KnowledgeReport) {
        self.init(id: report.id, entryId: report.entryId, question: report.question, reporterName: report.reporterName, text: report.text,
                  status: .init(rawValue: report.status.rawValue) ?? .open, resolution: report.resolution, resolvedByName: report.resolvedByName,
                  createdAt: report.createdAt, resolvedAt: report.resolvedAt)
    }
}

extension Components.Schemas.ModelInfo {
    init(_ info: ModelInfo) {
        self.init(id: info.id, centerId: info.centerId, kind: .init(rawValue: info.kind.rawValue) ?? .category, version: info.version, createdAt: info.createdAt,
                  examples: info.examples, accuracy: info.accuracy, macroF1: info.macroF1, labels: info.labels, sizeBytes: info.sizeBytes,
                  active: info.active, note: info.note)
    }
}

extension Components.Schemas.Place {
    init(_ place: Place) {
        self.init(id: place.id, name: place.name, aliases: place.aliases, kind: .init(rawValue: place.kind.rawValue) ?? .estate,
                  parentId: place.parentID, unitId: place.unitID)
    }
}

extension Components.Schemas.RoutingRule {
    init(_ rule: RoutingRule) {
        self.init(id: rule.id, categoryPrefix: rule.categoryPrefix, unitId: rule.unitId, note: rule.note)
    }
}

import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

/// Assessment (考核): the scheme, live and published results, and the tickets behind each number.
extension APIService {
    func getAssessmentScheme(_ input: Operations.GetAssessmentScheme.Input) async throws -> Operations.GetAssessmentScheme.Output {
        let actor = try RequestIdentity.require(.viewAssessment)
        return .ok(.init(body: .json(.init(try await store.assessmentScheme(centerId: try actor.requireCenter())))))
    }

    func saveAssessmentScheme(_ input: Operations.SaveAssessmentScheme.Input) async throws -> Operations.SaveAssessmentScheme.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        return .ok(.init(body: .json(.init(try await store.saveAssessmentScheme(try body.domain(), by: try RequestIdentity.require())))))
    }

    func setAssessmentGroup(_ input: Operations.SetAssessmentGroup.Input) async throws -> Operations.SetAssessmentGroup.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let unit = try await store.setAssessmentGroup(unitId: input.path.unitId, group: body.group, by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(group: unit.assessmentGroup))))
    }

    func getAssessment(_ input: Operations.GetAssessment.Input) async throws -> Operations.GetAssessment.Output {
        let report = try await store.assessmentReport(period: try AssessmentPeriod.parse(input.path.period), for: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(report))))
    }

    func getAssessmentDrillDown(_ input: Operations.GetAssessmentDrillDown.Input) async throws -> Operations.GetAssessmentDrillDown.Output {
        let actor = try RequestIdentity.require()
        let drill = try await store.assessmentDrillDown(
            period: try AssessmentPeriod.parse(input.path.period), unitId: input.query.unitId, indicatorCode: input.query.indicator, for: actor)
        let now = clock.now()
        let tasks = { (records: [Store.KnowledgeTaskRecord]) in
            records.map { Components.Schemas.KnowledgeTask(entryId: $0.entryId, question: $0.question, startedAt: $0.startedAt, dueAt: $0.dueAt, doneAt: $0.doneAt) }
        }
        return .ok(.init(body: .json(.init(numerator: drill.numerator.map { .init($0, for: actor, now: now) },
                                           denominator: drill.denominator.map { .init($0, for: actor, now: now) },
                                           excludedOnAppeal: drill.excluded.map { .init($0, for: actor, now: now) },
                                           knowledgeNumerator: drill.knowledgeNumerator.isEmpty ? nil : tasks(drill.knowledgeNumerator),
                                           knowledgeDenominator: drill.knowledgeDenominator.isEmpty ? nil : tasks(drill.knowledgeDenominator)))))
    }

    func getPublishedAssessment(_ input: Operations.GetPublishedAssessment.Input) async throws -> Operations.GetPublishedAssessment.Output {
        let period = try AssessmentPeriod.parse(input.path.period)
        guard let report = try await store.publishedAssessment(period: period, version: input.query.version, for: try RequestIdentity.require())
        else { throw HotlineError.notFound("已发布的考核结果") }
        return .ok(.init(body: .json(.init(report))))
    }

    func publishAssessment(_ input: Operations.PublishAssessment.Input) async throws -> Operations.PublishAssessment.Output {
        let report = try await store.publishAssessment(period: try AssessmentPeriod.parse(input.path.period), by: try RequestIdentity.require())
        return .created(.init(body: .json(.init(report))))
    }
}

extension APIService {
    func listAppeals(_ input: Operations.ListAppeals.Input) async throws -> Operations.ListAppeals.Output {
        let appeals = try await store.appeals(period: try AssessmentPeriod.parse(input.path.period), for: try RequestIdentity.require())
        let files = try await store.appealFiles(appeals)
        return .ok(.init(body: .json(appeals.map { Components.Schemas.Appeal($0, files: files[$0.id] ?? []) })))
    }

    func fileAppeal(_ input: Operations.FileAppeal.Input) async throws -> Operations.FileAppeal.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let evidence = try Appeal.evidence.check((body.files ?? []).map { file in
            guard let data = Data(base64Encoded: file.content) else { throw HotlineError.invalid("files", "「\(file.name)」不是有效的base64 (content is not base64)") }
            return Upload(name: file.name, data: data)
        })
        let appeal = try await store.fileAppeal(period: try AssessmentPeriod.parse(input.path.period), ticketId: body.ticketId, indicatorCode: body.indicator,
                                                reason: body.reason, files: evidence, by: try RequestIdentity.require())
        return .created(.init(body: .json(.init(appeal, files: try await store.appealFiles([appeal])[appeal.id] ?? []))))
    }

    func decideAppeal(_ input: Operations.DecideAppeal.Input) async throws -> Operations.DecideAppeal.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let appeal = try await store.decideAppeal(id: input.path.id, approve: body.approve, note: body.note ?? "", by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(appeal, files: try await store.appealFiles([appeal])[appeal.id] ?? []))))
    }
}

extension Components.Schemas.Appeal {
    init(_ appeal: Appeal, files: [StoredFile]) {
        self.init(id: appeal.id, unitId: appeal.unitId, ticketId: appeal.ticketId, period: appeal.period, indicator: appeal.indicatorCode,
                  reason: appeal.reason, status: convert(appeal.status), statusLabel: appeal.status.label, createdAt: appeal.createdAt,
                  decidedAt: appeal.decidedAt, decisionNote: appeal.decisionNote,
                  files: files.map { .init(id: $0.id, name: $0.name, contentType: $0.contentType, size: $0.size, url: "/files/\($0.id)") })
    }
}

extension Components.Schemas.AssessmentScheme {
    init(_ scheme: AssessmentScheme) {
        self.init(version: scheme.version, indicators: scheme.indicators.map(Components.Schemas.Indicator.init), appealWorkingDays: scheme.appealWindow)
    }

    /// The domain scheme, or a 400 naming the indicator whose formula is incomplete.
    func domain() throws -> AssessmentScheme {
        AssessmentScheme(version: version, indicators: try indicators.map { try $0.domain() }, appealWorkingDays: appealWorkingDays)
    }
}

extension Components.Schemas.Indicator {
    init(_ indicator: IndicatorDefinition) {
        var formula = FormulaPayload.count
        var measure: Components.Schemas.Measure?
        var numerator: Components.Schemas.Measure?
        var denominator: Components.Schemas.Measure?
        switch indicator.formula {
        case .count(let counted): measure = convert(counted)
        case .ratio(let top, let bottom):
            formula = .ratio
            numerator = convert(top)
            denominator = convert(bottom)
        case .averageHandlingDays: formula = .averageHandlingDays
        }
        self.init(
            code: indicator.code, name: indicator.name, englishName: indicator.englishName, formula: formula, measure: measure,
            numerator: numerator, denominator: denominator, unitOfCount: convert(indicator.unitOfCount), weight: indicator.scoring.weight,
            curve: indicator.scoring.curve.map { .init(value: $0.value, fraction: $0.fraction) }, floor: indicator.scoring.floor,
            cap: indicator.scoring.cap, formulaText: indicator.formulaText())
    }

    func domain() throws -> IndicatorDefinition {
        let formula: IndicatorDefinition.Formula
        switch self.formula {
        case .count:
            guard let measure else { throw HotlineError.invalid("measure", "指标「\(code)」须指明计数项 (measure required)") }
            formula = .count(try HotlineAPI.domain(measure))
        case .ratio:
            guard let numerator, let denominator else {
                throw HotlineError.invalid("numerator", "指标「\(code)」须指明分子和分母 (numerator and denominator required)")
            }
            formula = .ratio(numerator: try HotlineAPI.domain(numerator), denominator: try HotlineAPI.domain(denominator))
        case .averageHandlingDays: formula = .averageHandlingDays
        }
        return IndicatorDefinition(
            code: code, name: name, englishName: englishName, formula: formula, unitOfCount: try HotlineAPI.domain(unitOfCount),
            scoring: .init(weight: weight, curve: curve.map { .init($0.value, $0.fraction) }, floor: floor ?? 0, cap: cap ?? 1))
    }
}

extension Components.Schemas.AssessmentReport {
    init(_ report: AssessmentReport) {
        let name = { (id: Int64) in report.units[id] ?? "#\(id)" }
        self.init(
            period: report.period, scheme: .init(report.scheme),
            units: report.results.map { result in
                .init(unitId: result.unitId, unitName: name(result.unitId),
                      values: result.values.map { .init(code: $0.code, numerator: $0.numerator, denominator: $0.denominator, value: $0.value,
                                                        points: $0.points) },
                      score: result.score, hasTickets: result.hasTickets)
            },
            groups: report.groups.map { group in
                .init(name: group.name,
                      entries: group.ranking.entries.map { .init(unitId: $0.unitId, unitName: name($0.unitId), score: $0.score, rank: $0.rank,
                                                                 change: $0.change) },
                      redList: group.ranking.redList.map(\.unitId), blackList: group.ranking.blackList.map(\.unitId),
                      withoutTickets: group.ranking.withoutTickets, unscored: group.ranking.unscored)
            },
            publishedVersion: report.publishedVersion, publishedAt: report.publishedAt)
    }
}

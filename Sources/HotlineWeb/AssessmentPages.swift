import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 考核排名: the period's ranking of units by group, every number opening the tickets it counts, and publishing.
struct AssessmentPages {
    let app: WebApp

    /// The indicators shown as columns: the scored ones, then volume and overdue (the rest are in the API and exports).
    static func columns(_ scheme: AssessmentScheme) -> [IndicatorDefinition] {
        scheme.indicators.filter { $0.scoring.weight > 0 || $0.code == "volume" || $0.code == "overdue" }
    }

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/assessment") { request, context -> Response in
            let actor = try app.require(context, .viewAssessment)
            let period = try Self.period(request.uri.queryParameters.get("period"), now: app.now, english: context.english)
            let version = request.uri.queryParameters.get("published").flatMap { Int($0) }
            return try await ranking(context, actor: actor, period: period, publishedVersion: version, flash: nil)
        }
        router.post("/assessment/publish") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .manageAssessment)
            let period = try Self.period(form["period"], now: app.now, english: context.english)
            let published = try await app.store.publishAssessment(period: period, by: actor)
            return Pages.redirect("/assessment?period=\(period.code)&published=\(published.publishedVersion ?? 1)")
        }
        router.get("/assessment/export/:format") { request, context -> Response in
            let actor = try app.require(context, .viewAssessment)
            let period = try Self.period(request.uri.queryParameters.get("period"), now: app.now, english: context.english)
            let report = try await app.store.assessmentReport(period: period, for: actor)
            let table = report.table
            // Numbers go out as numbers, so a spreadsheet can sort and sum them.
            let rows = table.dropFirst().map { row in
                row.enumerated().map { index, cell -> XLSXWriter.Cell in index >= 3 ? Double(cell).map(XLSXWriter.Cell.number) ?? .text(cell) : .text(cell) }
            }
            return try Exports.table(format: try context.parameters.require("format"), name: "考核结果-\(period.code)", header: table[0], rows: Array(rows))
        }
        router.get("/assessment/scheme") { request, context -> Response in
            let actor = try app.require(context, .manageAssessment)
            let saved = request.uri.queryParameters.get("saved").flatMap { Int($0) }
            return try await scheme(context, actor: actor, flash: saved.map { String(format: Strings.text("schemeSaved", english: context.english), $0) })
        }
        router.post("/assessment/scheme") { request, context -> Response in
            let form = try await Form.read(request, limit: 256 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .manageAssessment)
            let current = try await app.store.assessmentScheme(centerId: try actor.requireCenter())
            let saved = try await app.store.saveAssessmentScheme(try Self.scheme(current, from: form), by: actor)
            return Pages.redirect("/assessment/scheme?saved=\(saved.version)")
        }
        router.post("/assessment/groups") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .manageAssessment)
            guard let unitId = try form.int64("unitId") else { throw HotlineError.invalid("unitId", "请选择单位 (choose a unit)") }
            try await app.store.setAssessmentGroup(unitId: unitId, group: form["group"], by: actor)
            try await app.reference.reload()
            return Pages.redirect("/assessment?period=\(form["period"].flatMap(AssessmentPeriod.init)?.code ?? "")")
        }
        router.get("/assessment/mine") { request, context -> Response in
            let actor = try app.require(context, .appealAssessment)
            let period = try Self.period(request.uri.queryParameters.get("period"), now: app.now, english: context.english)
            return try await mine(context, actor: actor, period: period)
        }
        router.post("/assessment/appeals") { request, context -> Response in
            let form = try await Form.read(request, limit: context.maxUploadSize)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .appealAssessment)
            let period = try Self.period(form["period"], now: app.now, english: context.english)
            guard let ticketId = try form.int64("ticketId") else { throw HotlineError.invalid("ticketId", "请选择工单 (choose a ticket)") }
            let evidence = try Appeal.evidence.check(form.files["files"] ?? [])
            _ = try await app.store.fileAppeal(period: period, ticketId: ticketId, indicatorCode: form["indicator"] ?? "", reason: form["reason"] ?? "",
                                               files: evidence, by: actor)
            return Pages.redirect("/assessment/mine?period=\(period.code)")
        }
        router.post("/assessment/appeals/:id/decision") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .decideAppeals)
            let appeal = try await app.store.decideAppeal(id: try context.parameters.require("id", as: Int64.self), approve: form.bool("approve") ?? false,
                                                          note: form["note"] ?? "", by: actor)
            return Pages.redirect("/assessment?period=\(appeal.period)")
        }
        router.get("/assessment/drill") { request, context -> Response in
            let actor = try app.require(context, .useStaffPages)
            let query = request.uri.queryParameters
            let period = try Self.period(query.get("period"), now: app.now, english: context.english)
            guard let unitId = query.get("unit").flatMap({ Int64($0) }), let code = query.get("indicator") else {
                throw WebError.page(status: 400, message: Strings.text("badRequest", english: context.english))
            }
            return try await drill(context, actor: actor, period: period, unitId: unitId, code: code)
        }
    }

    /// The scheme with the weights, curves, floors and caps of the form; a number or a curve that does not read is a 400.
    static func scheme(_ current: AssessmentScheme, from form: Form) throws -> AssessmentScheme {
        func number(_ field: String, _ fallback: Double) throws -> Double {
            guard let text = form[field]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return fallback }
            guard let value = Double(text), value.isFinite else { throw HotlineError.invalid(field, "须为数字 (a number)") }
            return value
        }
        var scheme = current
        if let text = form["appealWorkingDays"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard let days = Int(text) else { throw HotlineError.invalid("appealWorkingDays", "申诉期须为整数 (whole working days)") }
            scheme.appealWorkingDays = days
        }
        for index in scheme.indicators.indices {
            let code = scheme.indicators[index].code
            var scoring = scheme.indicators[index].scoring
            scoring.weight = try number("weight_" + code, scoring.weight)
            scoring.floor = try number("floor_" + code, scoring.floor)
            scoring.cap = try number("cap_" + code, scoring.cap)
            if let text = form["curve_" + code]?.trimmingCharacters(in: .whitespaces) {
                scoring.curve = try IndicatorDefinition.Scoring.curve(from: text, field: "curve_" + code)
            }
            scheme.indicators[index].scoring = scoring
        }
        return scheme
    }

    func scheme(_ context: StaffContext, actor: Actor, flash: String?) async throws -> Response {
        let english = context.english
        let scheme = try await app.store.assessmentScheme(centerId: try actor.requireCenter())
        let text = IndicatorDefinition.Scoring.number
        let model = AssessmentSchemePageModel(
            chrome: app.chrome(context, path: "/assessment"), version: scheme.version,
            rows: scheme.indicators.map { indicator in
                .init(code: indicator.code, name: english ? indicator.englishName : indicator.name, formula: indicator.formulaText(english: english),
                      weight: text(indicator.scoring.weight), curve: indicator.scoring.curveText,
                      floor: text(indicator.scoring.floor), cap: text(indicator.scoring.cap))
            },
            totalWeight: text(scheme.indicators.map(\.scoring.weight).reduce(0, +)), appealWorkingDays: scheme.appealWindow, flash: flash)
        return app.pages.render(.assessmentScheme, model)
    }

    /// The period asked for, or this month; a malformed one is a 400 page.
    static func period(_ code: String?, now: Date, english: Bool) throws -> AssessmentPeriod {
        guard let code, !code.isEmpty else { return AssessmentPeriod.month(containing: CivilDate(now)) }
        return try AssessmentPeriod.parse(code)
    }

    /// A value as the table shows it: a rate in per cent, a count, or days.
    static func text(_ value: IndicatorValue?, _ indicator: IndicatorDefinition) -> String {
        guard let value, let number = value.value else { return "—" }
        switch indicator.formula {
        case .ratio: return String(format: "%.1f%%", number * 100)
        case .count: return String(Int(number))
        case .averageHandlingDays: return String(format: "%.1f", number)
        }
    }

    func ranking(_ context: StaffContext, actor: Actor, period: AssessmentPeriod, publishedVersion: Int?, flash: String?) async throws -> Response {
        let english = context.english
        let strings = Strings.table(english: english)
        let latest = try await app.store.publishedAssessment(period: period, for: actor)
        let report: AssessmentReport
        if let publishedVersion {
            guard let frozen = try await app.store.publishedAssessment(period: period, version: publishedVersion, for: actor) else {
                throw WebError.page(status: 404, message: Strings.text("notFound", english: english))
            }
            report = frozen
        } else {
            report = try await app.store.assessmentReport(period: period, for: actor)
        }
        // A later version says what it changed from the one before (republishing after appeals, say).
        var changes: [String] = []
        if let version = report.publishedVersion, version > 1,
           let earlier = try await app.store.publishedAssessment(period: period, version: version - 1, for: actor) {
            let score = { (value: Double?) in value.map { String(format: "%.2f", $0) } ?? "—" }
            let rank = { (value: Int?) in value.map(String.init) ?? "—" }
            changes = report.changes(since: earlier).map {
                String(format: strings["changeLine"] ?? "%@ %@ %@ %@ %@", $0.unit, score($0.scoreBefore), score($0.scoreAfter), rank($0.rankBefore),
                       rank($0.rankAfter))
            }
            if changes.isEmpty { changes = [strings["noChanges"] ?? ""] }
        }
        let columns = Self.columns(report.scheme)
        let name = { (id: Int64) in report.units[id] ?? "#\(id)" }
        let groups = report.groups.map { group -> AssessmentPageModel.Group in
            let red = Set(group.ranking.redList.map(\.unitId))
            let black = Set(group.ranking.blackList.map(\.unitId))
            let rows = group.ranking.entries.map { entry -> AssessmentPageModel.Row in
                let result = report.result(entry.unitId)
                return AssessmentPageModel.Row(
                    rank: entry.rank, unit: name(entry.unitId), score: String(format: "%.2f", entry.score),
                    change: entry.change.map { $0 > 0 ? "↑\($0)" : $0 < 0 ? "↓\(-$0)" : "—" }, red: red.contains(entry.unitId),
                    black: black.contains(entry.unitId),
                    cells: columns.map { indicator in
                        let value = result?.value(indicator.code)
                        let counts = value?.denominator.map { "\(Int(value?.numerator ?? 0)) / \(Int($0))" } ?? ""
                        return .init(text: Self.text(value, indicator),
                                     href: "/assessment/drill?period=\(period.code)&unit=\(entry.unitId)&indicator=\(indicator.code)",
                                     title: counts)
                    })
            }
            let apart = group.ranking.withoutTickets.map(name).joined(separator: "、")
            let unscored = group.ranking.unscored.map(name).joined(separator: "、")
            return .init(name: group.name, rows: rows, withoutTickets: apart.isEmpty ? nil : apart, unscored: unscored.isEmpty ? nil : unscored)
        }
        let units = report.units
        let appeals = try await appealRows(period: period, actor: actor, english: english) { units[$0] ?? "#\($0)" }
        let published = report.publishedVersion.map { version in
            String(format: strings["publishedAt"] ?? "%d %@", version, Chrome.time(report.publishedAt ?? app.now))
        }
        let model = AssessmentPageModel(
            chrome: app.chrome(context, path: "/assessment"), period: period.code,
            previousHref: "/assessment?period=\(period.previous.code)", nextHref: "/assessment?period=\(period.next.code)",
            columns: columns.map { .init(code: $0.code, name: english ? $0.englishName : $0.name) }, groups: groups,
            definitions: report.scheme.indicators.map { indicator in
                .init(name: english ? indicator.englishName : indicator.name, formula: indicator.formulaText(english: english),
                      weight: indicator.scoring.weight > 0 ? String(format: "%g", indicator.scoring.weight) : "—")
            },
            schemeVersion: report.scheme.version, published: published,
            publishedHref: latest.flatMap { frozen in frozen.publishedVersion.map { "/assessment?period=\(period.code)&published=\($0)" } },
            viewingPublished: publishedVersion != nil, mayPublish: actor.may(.manageAssessment), appeals: appeals)
        var page = model
        page.changes = changes
        page.hasChanges = !changes.isEmpty
        page.changesTitle = report.publishedVersion.map { String(format: strings["changesSince"] ?? "%d", $0 - 1) }
        if actor.may(.manageAssessment) {
            let ref = try await app.reference.snapshot()
            let units = ref.dispatchTargets(centerId: actor.centerId)
            page.groupUnits = units.map { OptionModel(code: String($0.id), label: "\($0.name)（\($0.assessmentGroup ?? $0.kind.label(english: english))）") }
            page.groupNames = Array(Set(units.compactMap(\.assessmentGroup))).sorted()
        }
        return app.pages.render(.assessmentRanking, page)
    }

    func drill(_ context: StaffContext, actor: Actor, period: AssessmentPeriod, unitId: Int64, code: String) async throws -> Response {
        let english = context.english
        let scheme = try await app.store.assessmentScheme(centerId: try actor.requireCenter())
        guard let indicator = scheme.indicators.first(where: { $0.code == code }) else {
            throw WebError.page(status: 404, message: Strings.text("notFound", english: english))
        }
        let drill = try await app.store.assessmentDrillDown(period: period, unitId: unitId, indicatorCode: code, for: actor)
        let (numerator, denominator, excluded) = (drill.numerator, drill.denominator, drill.excluded)
        let ref = try await app.reference.snapshot()
        let rows = { (records: [TicketRecord]) in records.map { TicketView.row($0, actor: actor, now: app.now, english: english, ref: ref) } }
        let tasks = { (records: [Store.KnowledgeTaskRecord]) in
            records.map { task in
                AssessmentDrillPageModel.KnowledgeTask(
                    entryId: task.entryId, question: task.question, started: Chrome.time(task.startedAt), due: task.dueAt.map(Chrome.time) ?? "",
                    done: task.doneAt.map(Chrome.time) ?? Strings.text("taskNotDone", english: english),
                    late: task.dueAt.map { due in (task.doneAt ?? app.now) > due } ?? false)
            }
        }
        var lists: [AssessmentDrillPageModel.List] = []
        switch indicator.formula {
        case .ratio(let top, let bottom) where indicator.role == .knowledge:
            lists.append(.init(label: top.label(english: english), count: drill.knowledgeNumerator.count, tasks: tasks(drill.knowledgeNumerator)))
            lists.append(.init(label: bottom.label(english: english), count: drill.knowledgeDenominator.count,
                               tasks: tasks(drill.knowledgeDenominator)))
        case .count(let measure) where indicator.role == .knowledge:
            lists.append(.init(label: measure.label(english: english), count: drill.knowledgeNumerator.count, tasks: tasks(drill.knowledgeNumerator)))
        case .ratio(let top, let bottom):
            lists.append(.init(label: top.label(english: english), count: numerator.count, tickets: rows(numerator)))
            lists.append(.init(label: bottom.label(english: english), count: denominator.count, tickets: rows(denominator)))
        case .count(let measure):
            lists.append(.init(label: measure.label(english: english), count: numerator.count, tickets: rows(numerator)))
        case .averageHandlingDays:
            lists.append(.init(label: Strings.text("approvedReplies", english: english), count: numerator.count, tickets: rows(numerator)))
        }
        if !excluded.isEmpty {
            lists.append(.init(label: Strings.text("excludedOnAppeal", english: english), count: excluded.count, tickets: rows(excluded)))
        }
        let calendar = try await app.store.calendar()
        let deadline = Appeal.deadline(for: period, calendar: calendar, workingDays: scheme.appealWindow)
        let mayAppeal = actor.may(.appealAssessment) && actor.unitId == unitId
            && Appeal.isOpen(period, at: app.now, calendar: calendar, workingDays: scheme.appealWindow)
            && !(numerator + denominator).isEmpty
        var seen = Set<Int64>()
        let choices = (numerator + denominator).filter { seen.insert($0.state.id).inserted }.map {
            AssessmentDrillPageModel.Choice(id: $0.state.id, number: $0.number, title: $0.title)
        }
        let model = AssessmentDrillPageModel(
            chrome: app.chrome(context, path: actor.may(.viewAssessment) ? "/assessment" : "/assessment/mine"),
            title: "\(ref.unitName(unitId)) · \(english ? indicator.englishName : indicator.name) · \(period.code)",
            formula: indicator.formulaText(english: english),
            backHref: actor.may(.viewAssessment) ? "/assessment?period=\(period.code)" : "/assessment/mine?period=\(period.code)", lists: lists,
            mayAppeal: mayAppeal, period: period.code, indicator: code, choices: choices, appealDeadline: Chrome.time(deadline))
        return app.pages.render(.assessmentDrill, model)
    }

    /// A period's appeals as rows, with decision forms for whoever decides them.
    func appealRows(period: AssessmentPeriod, actor: Actor, english: Bool, unitName: (Int64) -> String) async throws -> [AppealRowModel] {
        let appeals = try await app.store.appeals(period: period, for: actor)
        let evidence = try await app.store.appealFiles(appeals)
        let tickets = Dictionary(uniqueKeysWithValues: try await app.store.tickets(ids: appeals.map(\.ticketId), for: actor).map { ($0.state.id, $0) })
        let scheme = try await app.store.assessmentScheme(centerId: try actor.requireCenter())
        let names = Dictionary(uniqueKeysWithValues: scheme.indicators.map { ($0.code, english ? $0.englishName : $0.name) })
        return appeals.map { appeal in
            AppealRowModel(id: appeal.id, unit: unitName(appeal.unitId), ticketId: appeal.ticketId, number: tickets[appeal.ticketId]?.number ?? "#\(appeal.ticketId)",
                           indicator: names[appeal.indicatorCode] ?? appeal.indicatorCode, reason: appeal.reason, status: appeal.status.rawValue,
                           statusLabel: appeal.status.label(english: english), decision: appeal.decisionNote, pending: appeal.status == .pending,
                           mayDecide: actor.may(.decideAppeals),
                           files: (evidence[appeal.id] ?? []).map { AppealRowModel.File(id: $0.id, name: $0.name) })
        }
    }

    /// 本单位考核: the unit's own numbers for the period, each opening its tickets, and its appeals.
    func mine(_ context: StaffContext, actor: Actor, period: AssessmentPeriod) async throws -> Response {
        let english = context.english
        guard let unitId = actor.unitId else { throw WebError.page(status: 403, message: Strings.text("forbidden", english: english)) }
        let result = try await app.store.unitAssessment(period: period, unitId: unitId, for: actor)
        let ref = try await app.reference.snapshot()
        let lines = result.scheme.indicators.map { indicator -> AssessmentUnitPageModel.Line in
            let value = result.result.value(indicator.code)
            return .init(name: english ? indicator.englishName : indicator.name, text: Self.text(value, indicator),
                         counts: value?.denominator.map { "\(Int(value?.numerator ?? 0)) / \(Int($0))" } ?? "",
                         points: value?.points.map { String(format: "%.2f / %g", $0, indicator.scoring.weight) } ?? "—",
                         href: "/assessment/drill?period=\(period.code)&unit=\(unitId)&indicator=\(indicator.code)")
        }
        let deadline = Appeal.deadline(for: period, calendar: try await app.store.calendar(), workingDays: result.scheme.appealWindow)
        let model = AssessmentUnitPageModel(
            chrome: app.chrome(context, path: "/assessment/mine"), period: period.code,
            previousHref: "/assessment/mine?period=\(period.previous.code)", nextHref: "/assessment/mine?period=\(period.next.code)",
            unit: ref.unitName(unitId), score: result.result.score.map { String(format: "%.2f", $0) }, lines: lines,
            appeals: try await appealRows(period: period, actor: actor, english: english) { ref.unitName($0) },
            appealDeadline: Chrome.time(deadline))
        return app.pages.render(.assessmentUnit, model)
    }
}

import Foundation
import HotlineCore
import SQLKit

/// A period's assessment of a center's units: each unit's values and score, and each group's ranking.
public struct AssessmentReport: Sendable, Codable, Equatable {
    public struct Group: Sendable, Codable, Equatable {
        public var name: String
        public var ranking: GroupRanking
    }

    public var centerId: Int64
    public var period: String
    public var scheme: AssessmentScheme
    public var units: [Int64: String]
    public var results: [UnitResult]
    public var groups: [Group]
    /// Set on a published (frozen) result: its version and when it was published.
    public var publishedVersion: Int?
    public var publishedAt: Date?

    public func result(_ unitId: Int64) -> UnitResult? { results.first { $0.unitId == unitId } }

    /// One unit whose result differs between two versions of a published period.
    public struct Change: Sendable, Equatable {
        public var unitId: Int64
        public var unit: String
        public var scoreBefore: Double?
        public var scoreAfter: Double?
        public var rankBefore: Int?
        public var rankAfter: Int?
    }

    /// What changed from `earlier` (a previous version of the same period) to this one: every unit whose score or
    /// rank moved (by at least 0.005 points), in the order of this version's groups.
    public func changes(since earlier: AssessmentReport) -> [Change] {
        func ranks(_ report: AssessmentReport) -> [Int64: Int] {
            Dictionary(report.groups.flatMap { $0.ranking.entries.map { ($0.unitId, $0.rank) } }, uniquingKeysWith: { a, _ in a })
        }
        let (before, after) = (ranks(earlier), ranks(self))
        let order = groups.flatMap { $0.ranking.entries.map(\.unitId) + $0.ranking.unscored + $0.ranking.withoutTickets }
        let ids = order + earlier.results.map(\.unitId).filter { !order.contains($0) }
        return ids.compactMap { id in
            let (old, new) = (earlier.result(id)?.score, result(id)?.score)
            let moved = switch (old, new) {
            case let (a?, b?): abs(a - b) >= 0.005
            case (nil, nil): false
            default: true
            }
            guard moved || before[id] != after[id] else { return nil }
            return Change(unitId: id, unit: units[id] ?? earlier.units[id] ?? "#\(id)", scoreBefore: old, scoreAfter: new, rankBefore: before[id],
                          rankAfter: after[id])
        }
    }

    /// The KPI table (考核结果表): a header, then one row a unit — each group's ranked units, then those unscored or
    /// without tickets — with its group, rank, score and every indicator's value (rates as fractions).
    public var table: [[String]] {
        let indicators = scheme.indicators
        var rows = [["分组", "名次", "单位", "得分"] + indicators.map(\.name)]
        for group in groups {
            let ranked = group.ranking.entries.map { ($0.unitId, String($0.rank)) } + (group.ranking.unscored + group.ranking.withoutTickets).map { ($0, "") }
            for (unitId, rank) in ranked {
                let result = result(unitId)
                let values = indicators.map { indicator -> String in
                    guard let value = result?.value(indicator.code)?.value else { return "" }
                    if case .ratio = indicator.formula { return String(format: "%.4f", value) }
                    return String(format: "%g", value)
                }
                rows.append([group.name, rank, units[unitId] ?? "#\(unitId)", result?.score.map { String(format: "%.2f", $0) } ?? ""] + values)
            }
        }
        return rows
    }
}

/// Assessment (考核): the center's scheme, the turns of its tickets in a period, the scores, and published results.
extension Store {
    // MARK: Schemes

    /// The center's current scheme: the latest saved version, or the standard one.
    public func assessmentScheme(centerId: Int64) async throws -> AssessmentScheme {
        try await database.read { db in try await self.assessmentScheme(centerId, db) }
    }

    func assessmentScheme(_ centerId: Int64, _ db: any SQLDatabase) async throws -> AssessmentScheme {
        guard let row = try await db.raw("""
            SELECT definitions FROM assessment_schemes WHERE center_id = \(bind: centerId) ORDER BY version DESC LIMIT 1
            """).first()
        else { return .standard }
        let data = Data(try row.decode(column: "definitions", as: String.self).utf8)
        do {
            return try JSONDecoder().decode(AssessmentScheme.self, from: data)
        } catch {
            throw HotlineError(.corruptRow, "考核方案数据损坏 (stored scheme does not decode)")
        }
    }

    /// Saves a new version of the actor's center's scheme, after checking it (a malformed one is a 400 and saves nothing).
    public func saveAssessmentScheme(_ scheme: AssessmentScheme, by actor: Actor) async throws -> AssessmentScheme {
        let centerId = try actor.require(.manageAssessment).requireCenter()
        let validated = try scheme.validated()
        let at = now.millis
        return try await database.versionedTransaction { db in
            var checked = validated
            let last = try await db.raw("SELECT MAX(version) AS v FROM assessment_schemes WHERE center_id = \(bind: centerId)").first()?
                .decode(column: "v", as: Int?.self) ?? AssessmentScheme.standard.version
            checked.version = last + 1
            try await db.raw("""
                INSERT INTO assessment_schemes (center_id, version, definitions, created_at, created_by)
                VALUES (\(bind: centerId), \(bind: checked.version), \(bind: Self.json(checked)), \(bind: at), \(bind: actor.userId))
                """).run()
            return checked
        }
    }

    /// Puts a unit of the actor's center in a named assessment group (考核分组), or back in the group of its kind
    /// (nil or empty). The group takes effect on every live result and on the next publication.
    @discardableResult
    public func setAssessmentGroup(unitId: Int64, group: String?, by actor: Actor) async throws -> OrgUnit {
        try actor.require(.manageAssessment)
        let name = group?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (name ?? "").count <= 30 else { throw HotlineError.invalid("group", "分组名称不超过30字 (at most 30 characters)") }
        return try await database.transaction { db in
            var unit = try await self.administeredUnit(unitId, by: actor, db)
            guard unit.kind != .center else { throw HotlineError.invalid("unitId", "热线中心本身不参与考核 (the center is not assessed)") }
            unit.assessmentGroup = (name?.isEmpty ?? true) ? nil : name
            try await db.raw("UPDATE units SET assessment_group = \(bind: unit.assessmentGroup) WHERE id = \(bind: unitId)").run()
            return unit
        }
    }

    // MARK: Turns

    /// The histories an assessment of `period` reads: the center's tickets that changed, or had a deadline, in or
    /// after the period's start and were recorded before its end, folded into turns. With `units` (and a complete
    /// rollup), only the tickets those units ever had a fact of — what one unit's drill-down needs.
    func assessmentTickets(centerId: Int64, period: AssessmentPeriod, units: [Int64]? = nil, _ db: any SQLDatabase) async throws
        -> [TicketAssessment]
    {
        let (start, end) = period.instants
        let whose: SQLQueryString = units.map { "AND id IN (SELECT ticket_id FROM assessment_units WHERE unit_id IN (\(binds: $0)))" } ?? ""
        let ids = try await db.raw("""
            SELECT id FROM tickets WHERE center_id = \(bind: centerId) AND created_at < \(bind: end.millis)
              AND (updated_at >= \(bind: start.millis) OR reply_due_at >= \(bind: start.millis) OR sign_due_at >= \(bind: start.millis)) \(whose)
            """).all().map { try $0.decode(column: "id", as: Int64.self) }
        var tickets: [TicketAssessment] = []
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let events = try await assessmentEvents(chunk, db)
            tickets += chunk.map { TicketAssessment(ticketId: $0, events: events[$0] ?? []) }
        }
        return tickets
    }

    /// How far before a period's start a knowledge task may begin and still fall due in it (the longest task is five
    /// working days; a month leaves room for any holiday).
    static let knowledgeTaskReach: TimeInterval = 31 * 86400

    /// The center's units' knowledge tasks that may fall due in `period`: entries sent for verification, and error
    /// reports, on entries whose source is one of its units (the center's own knowledge is not a unit's work).
    func knowledgeTasks(centerId: Int64, period: AssessmentPeriod, _ db: any SQLDatabase) async throws -> [Assignment] {
        let (start, end) = period.instants
        let since = start.addingTimeInterval(-Self.knowledgeTaskReach).millis
        let calendar = try await calendar(db)
        var histories: [Int64: (unit: Int64, steps: [(at: Date, action: KnowledgeAction)])] = [:]
        for row in try await db.raw("""
            SELECT h.entry_id, h.action, h.at, e.source_unit_id FROM kb_history h JOIN kb_entries e ON e.id = h.entry_id
            WHERE e.center_id = \(bind: centerId) AND e.source_unit_id IS NOT NULL AND h.at >= \(bind: since) ORDER BY h.id
            """).all() {
            guard let action = KnowledgeAction(rawValue: try row.decode(column: "action", as: String.self)) else { continue }
            let entry = try row.decode(column: "entry_id", as: Int64.self)
            let unit = try row.decode(column: "source_unit_id", as: Int64.self)
            histories[entry, default: (unit, [])].steps
                .append((Date(millis: try row.decode(column: "at", as: Int64.self)), action))
        }
        var tasks = histories.sorted { $0.key < $1.key }.flatMap { entry, history in
            KnowledgeTasks.verifications(entryId: entry, unitId: history.unit, history: history.steps, calendar: calendar)
        }
        for row in try await db.raw("""
            SELECT r.entry_id, r.created_at, r.resolved_at, e.source_unit_id FROM kb_reports r JOIN kb_entries e ON e.id = r.entry_id
            WHERE e.center_id = \(bind: centerId) AND e.source_unit_id IS NOT NULL AND r.created_at >= \(bind: since) ORDER BY r.id
            """).all() {
            tasks.append(KnowledgeTasks.correction(
                entryId: try row.decode(column: "entry_id", as: Int64.self), unitId: try row.decode(column: "source_unit_id", as: Int64.self),
                reportedAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Date.init(millis:)), calendar: calendar))
        }
        return tasks.filter { $0.dispatchedAt < end }
    }

    /// The work an assessment of `period` reads: the center's tickets folded into turns, and its units' knowledge tasks.
    func workload(centerId: Int64, period: AssessmentPeriod, units: [Int64]? = nil, _ db: any SQLDatabase) async throws -> Workload {
        Workload(tickets: try await assessmentTickets(centerId: centerId, period: period, units: units, db),
                 knowledgeTasks: try await knowledgeTasks(centerId: centerId, period: period, db))
    }

    /// The assessment of the center's handling units: the calendar decides response times and working days.
    func assessment(centerId: Int64, period: AssessmentPeriod, _ db: any SQLDatabase) async throws -> (Assessment, [OrgUnit]) {
        let scheme = try await assessmentScheme(centerId, db)
        let units = try await db.raw("""
            SELECT u.* FROM units u WHERE u.center_id = \(bind: centerId) AND u.kind <> 'center' ORDER BY u.path
            """).all().map(Self.unit(from:))
        let calendar = try await calendar(db)
        let assessment = Assessment(
            scheme: scheme, period: period, units: units.map(\.ref), exclusions: try await appealExclusions(centerId: centerId, period: period, db),
            // 响应时限: two hours from signing for an urgent ticket, else one working day.
            asOf: now, contactDue: Assessment.contactDue(calendar), workingDays: Assessment.workingDays(calendar))
        return (assessment, units)
    }

    // MARK: Results

    /// The live assessment of `period` for the actor's center: every unit's values and score, ranked in groups by
    /// the kind of unit (区县, 市直部门, 乡镇街道 …).
    /// `centerId` names the center for the system (the command line); an account always sees its own.
    /// `fromHistories` folds every history instead of reading the rollup (the benchmark compares the two).
    public func assessmentReport(period: AssessmentPeriod, centerId chosen: Int64? = nil, fromHistories: Bool = false, for actor: Actor) async throws
        -> AssessmentReport
    {
        try actor.require(.viewAssessment)
        guard let centerId = actor.kind == .system ? chosen : try actor.requireCenter() else { throw HotlineError.notFound("热线中心") }
        return try await database.read { db in
            let (assessment, units) = try await self.assessment(centerId: centerId, period: period, db)
            var previousAssessment = assessment
            previousAssessment.period = period.previous
            previousAssessment.exclusions = try await self.appealExclusions(centerId: centerId, period: period.previous, db)
            let results = try await self.assessmentResults(assessment, centerId: centerId, fromHistories: fromHistories, db)
            let previous = try await self.assessmentResults(previousAssessment, centerId: centerId, fromHistories: fromHistories, db)
            let groups = GroupRanking.byGroup(assessment.units, results: results, previous: previous)
                .map { AssessmentReport.Group(name: $0.groupName, ranking: $0) }
            return AssessmentReport(centerId: centerId, period: period.code, scheme: assessment.scheme,
                                    units: Dictionary(uniqueKeysWithValues: units.map { ($0.id, $0.name) }), results: results, groups: groups)
        }
    }

    /// One unit's own live result for `period`, with the scheme it is scored by: a unit sees its own, the center's
    /// assessors any of the center's.
    public func unitAssessment(period: AssessmentPeriod, unitId: Int64, for actor: Actor) async throws -> (scheme: AssessmentScheme, result: UnitResult) {
        let centerId = try actor.requireSeesAssessment(ofUnit: unitId).requireCenter()
        return try await database.read { db in
            let (assessment, units) = try await self.assessment(centerId: centerId, period: period, db)
            guard units.contains(where: { $0.id == unitId }) else { throw HotlineError.notFound("单位") }
            let results = try await self.assessmentResults(assessment, centerId: centerId, db)
            guard let result = results.first(where: { $0.unitId == unitId }) else { throw HotlineError.notFound("单位") }
            return (assessment.scheme, result)
        }
    }

    /// What is behind one number of the live assessment: the tickets of its numerator and its denominator, and those
    /// an approved appeal took out of it — or, for a knowledge indicator, the unit's knowledge tasks.
    public struct DrillDown: Sendable {
        public var numerator: [TicketRecord] = []
        public var denominator: [TicketRecord] = []
        public var excluded: [TicketRecord] = []
        /// A knowledge indicator's tasks (知识库维护): the numerator's and the denominator's.
        public var knowledgeNumerator: [KnowledgeTaskRecord] = []
        public var knowledgeDenominator: [KnowledgeTaskRecord] = []
    }

    /// One knowledge task behind a number: the entry, when the task began, its deadline and when it was done.
    public struct KnowledgeTaskRecord: Sendable, Equatable {
        public var entryId: Int64
        public var question: String
        public var startedAt: Date
        public var dueAt: Date?
        public var doneAt: Date?
    }

    /// The drill-down of one number (see `DrillDown`). A unit sees its own numbers; the center's assessors every unit's.
    public func assessmentDrillDown(period: AssessmentPeriod, unitId: Int64, indicatorCode: String, for actor: Actor) async throws -> DrillDown {
        let centerId = try actor.requireSeesAssessment(ofUnit: unitId).requireCenter()
        let (role, numerator, denominator, excluded) = try await database.read { db -> (Assignment.Role, [Assignment], [Assignment], [Int64]) in
            let (assessment, units) = try await self.assessment(centerId: centerId, period: period, db)
            guard units.contains(where: { $0.id == unitId }) else { throw HotlineError.notFound("单位") }
            guard let indicator = assessment.scheme.indicators.first(where: { $0.code == indicatorCode }) else {
                throw HotlineError.invalid("indicator", "没有这项指标 (no such indicator: \(indicatorCode))")
            }
            // With the rollup complete, only the tickets the unit (or one below it, for a rolled-up indicator) had a part in.
            let whose = indicator.unitOfCount == .rolledUp ? assessment.subtreeUnits(of: unitId) : [unitId]
            let work = try await self.workload(centerId: centerId, period: period, units: try await self.assessmentRollupReady(db) ? whose : nil, db)
            let counted = assessment.counted(work, unitId: unitId, indicatorCode: indicatorCode)
            return (indicator.role, counted.numerator, counted.denominator,
                    assessment.excludedOnAppeal(work, unitId: unitId, indicatorCode: indicatorCode))
        }
        var drill = DrillDown()
        if role == .knowledge {
            let questions = try await database.read { db in
                try await self.knowledgeQuestions(Array(Set((numerator + denominator).map(\.ticketId))), db)
            }
            let record = { (task: Assignment) in
                KnowledgeTaskRecord(entryId: task.ticketId, question: questions[task.ticketId] ?? "#\(task.ticketId)", startedAt: task.dispatchedAt,
                                    dueAt: task.replyDueAt, doneAt: task.firstReplyAt)
            }
            drill.knowledgeNumerator = numerator.map(record)
            drill.knowledgeDenominator = denominator.map(record)
            return drill
        }
        // A unit's own turns stay its own even after a return moved the ticket on (the ticket scope no longer shows it
        // such tickets); they are read unscoped and shown as the viewer may see them (identity masked, or hidden
        // when confidential).
        let reader = actor.may(.viewAssessment) ? actor : Actor.system
        let ids = { (turns: [Assignment]) in Array(Set(turns.map(\.ticketId))).sorted() }
        drill.numerator = try await tickets(ids: ids(numerator), for: reader)
        drill.denominator = try await tickets(ids: ids(denominator), for: reader)
        drill.excluded = try await tickets(ids: excluded, for: reader)
        return drill
    }

    func knowledgeQuestions(_ ids: [Int64], _ db: any SQLDatabase) async throws -> [Int64: String] {
        guard !ids.isEmpty else { return [:] }
        var questions: [Int64: String] = [:]
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for row in try await db.raw("SELECT id, question FROM kb_entries WHERE id IN (\(binds: chunk))").all() {
                questions[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "question", as: String.self)
            }
        }
        return questions
    }

    // MARK: Publishing

    /// Freezes the period's result as the next published version (月度通报): later changes to tickets or to the
    /// scheme never alter it. An event in the audit chain records each publication.
    public func publishAssessment(period: AssessmentPeriod, by actor: Actor) async throws -> AssessmentReport {
        let centerId = try actor.require(.manageAssessment).requireCenter()
        let live = try await assessmentReport(period: period, for: actor)
        let at = now
        return try await database.versionedTransaction { db in
            let last = try await db.raw("""
                SELECT MAX(version) AS v FROM assessment_publications WHERE center_id = \(bind: centerId) AND period = \(bind: period.code)
                """).first()?.decode(column: "v", as: Int?.self) ?? 0
            var frozen = live
            frozen.publishedVersion = last + 1
            frozen.publishedAt = at
            try await db.raw("""
                INSERT INTO assessment_publications (center_id, period, version, scheme_version, result, published_at, published_by)
                VALUES (\(bind: centerId), \(bind: period.code), \(bind: last + 1), \(bind: live.scheme.version), \(bind: Self.json(frozen)),
                  \(bind: at.millis), \(bind: actor.userId))
                """).run()
            try await self.appendEvent(db, ticketId: nil, number: nil, actor: actor, draft: EventDraft(
                action: .publishAssessment, fromStatus: nil, toStatus: nil, note: "发布\(period.code)考核结果（第\(last + 1)版）",
                details: ["period": [period.code], "version": [String(last + 1)], "schemeVersion": [String(live.scheme.version)]]), at: at)
            return frozen
        }
    }

    /// A published result as it was frozen: the given version, or the latest; nil when the period was never published.
    public func publishedAssessment(period: AssessmentPeriod, version: Int? = nil, for actor: Actor) async throws -> AssessmentReport? {
        let centerId = try actor.require(.viewAssessment).requireCenter()
        return try await database.read { db in
            let which: SQLQueryString = version.map { "AND version = \(bind: $0)" } ?? ""
            guard let row = try await db.raw("""
                SELECT result FROM assessment_publications WHERE center_id = \(bind: centerId) AND period = \(bind: period.code) \(which)
                ORDER BY version DESC LIMIT 1
                """).first()
            else { return nil }
            return try JSONDecoder().decode(AssessmentReport.self, from: Data(try row.decode(column: "result", as: String.self).utf8))
        }
    }
}

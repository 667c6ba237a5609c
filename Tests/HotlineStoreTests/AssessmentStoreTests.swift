import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import SQLKit
import Testing

@Suite("Assessment in the store: live results, drill-down, schemes and frozen publications")
struct AssessmentStoreTests {
    static let november = AssessmentPeriod("2026-11")!

    /// The rollup's results are those folded from every history.
    static func expectRollupMatches(_ store: Store, _ period: AssessmentPeriod, _ actor: Actor, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let rolled = try await store.assessmentReport(period: period, for: actor)
        let folded = try await store.assessmentReport(period: period, fromHistories: true, for: actor)
        #expect(rolled.results.count == folded.results.count, sourceLocation: sourceLocation)
        for (a, b) in zip(rolled.results, folded.results) {
            #expect(a.isAlike(b), "\(a) vs \(b)", sourceLocation: sourceLocation)
        }
        #expect(rolled.groups == folded.groups, sourceLocation: sourceLocation)
    }

    /// Housing answers one ticket well; transport never signs its one.
    static func history(_ t: TestDatabase, _ city: TestCity) async throws -> (good: Int64, unsigned: Int64) {
        let good = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
        let unsigned = try await t.store.createTicket(TestCity.draft(title: "公交站牌倒了"), centerId: city.center.id, by: city.agent).ticket.state.id
        let steps: [(ActionInput, Int64, Actor)] = [
            (ActionInput(code: .dispatch, mainUnitId: city.housing.id), good, city.agent),
            (ActionInput(code: .dispatch, mainUnitId: city.transport.id), unsigned, city.agent),
            (ActionInput(code: .sign), good, city.housingHandler),
            (ActionInput(code: .contactRequester, note: "已电话联系"), good, city.housingHandler),
            (ActionInput(code: .reply, note: "路灯已修复"), good, city.housingHandler),
            (ActionInput(code: .review, approve: true), good, city.supervisor),
            (ActionInput(code: .evaluate, satisfaction: .satisfied, resolved: true), good, city.supervisor),
        ]
        for (input, id, actor) in steps {
            t.clock.advance(by: 1800)
            _ = try await t.store.perform(input, onTicket: id, by: actor)
        }
        t.clock.advance(by: 3 * 86400)
        return (good, unsigned)
    }

    @Test("units are scored from their tickets' histories, ranked by kind, and each number opens its tickets", arguments: Backend.available)
    func live(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let (good, unsigned) = try await Self.history(t, city)
            let report = try await t.store.assessmentReport(period: Self.november, for: city.supervisor)
            try await Self.expectRollupMatches(t.store, Self.november, city.supervisor)
            let housing = try #require(report.result(city.housing.id))
            #expect(housing.value("volume")?.value == 1)
            #expect(housing.value("onTimeSigning")?.value == 1 && housing.value("response")?.value == 1)
            #expect(housing.value("satisfaction")?.value == 1 && housing.value("callback")?.value == 1)
            let transport = try #require(report.result(city.transport.id))
            #expect(transport.value("volume")?.value == 1)
            #expect(transport.value("onTimeSigning")?.numerator == 0 && transport.value("onTimeSigning")?.denominator == 1)
            #expect(report.result(city.district.id)?.hasTickets == false)
            let departments = try #require(report.groups.first { $0.name == UnitKind.department.label })
            #expect(departments.ranking.entries.map(\.unitId) == [city.housing.id, city.transport.id])
            #expect(departments.ranking.withoutTickets == [city.section.id])
            #expect(report.groups.contains { $0.name == UnitKind.district.label && $0.ranking.withoutTickets == [city.district.id] })

            let drill = try await t.store.assessmentDrillDown(period: Self.november, unitId: city.transport.id, indicatorCode: "onTimeSigning",
                                                             for: city.supervisor)
            #expect(drill.numerator.isEmpty && drill.denominator.map(\.state.id) == [unsigned])
            let satisfied = try await t.store.assessmentDrillDown(period: Self.november, unitId: city.housing.id, indicatorCode: "satisfaction",
                                                                 for: city.admin)
            #expect(satisfied.numerator.map(\.state.id) == [good])

            // Nobody outside the center's assessors sees it; an unknown indicator or unit is refused.
            for actor in [city.housingHandler, city.agent] {
                #expect(await #expect(throws: HotlineError.self) {
                    try await t.store.assessmentReport(period: Self.november, for: actor)
                }?.httpStatus == 403)
            }
            #expect(await #expect(throws: HotlineError.self) {
                try await t.store.assessmentDrillDown(period: Self.november, unitId: city.housing.id, indicatorCode: "nope", for: city.admin)
            }?.httpStatus == 400)
            #expect(await #expect(throws: HotlineError.self) {
                try await t.store.assessmentDrillDown(period: Self.november, unitId: city.otherDepartment.id, indicatorCode: "volume", for: city.admin)
            }?.httpStatus == 404)
            // Another center's assessors see their own center only.
            let other = try await t.store.assessmentReport(period: Self.november, for: city.otherAdmin)
            #expect(other.result(city.housing.id) == nil)
        }
    }

    @Test("a scheme is checked before it is saved; a published result stays as it was frozen", arguments: Backend.available)
    func schemesAndPublications(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            _ = try await Self.history(t, city)
            var heavy = AssessmentScheme.standard
            heavy.indicators[1].scoring.weight = 50
            #expect(await #expect(throws: HotlineError.self) { try await t.store.saveAssessmentScheme(heavy, by: city.admin) }?.httpStatus == 400)
            #expect(try await t.store.assessmentScheme(centerId: city.center.id) == .standard)
            #expect(await #expect(throws: HotlineError.self) {
                try await t.store.saveAssessmentScheme(.standard, by: city.supervisor)
            }?.httpStatus == 403)

            let first = try await t.store.publishAssessment(period: Self.november, by: city.admin)
            #expect(first.publishedVersion == 1 && first.scheme.version == 1)
            let scoreThen = first.result(city.transport.id)?.score

            // Signing now weighs nothing and response everything: the live score moves, the published one does not.
            var reweighed = AssessmentScheme.standard
            for index in reweighed.indicators.indices { reweighed.indicators[index].scoring.weight = 0 }
            let response = try #require(reweighed.indicators.firstIndex { $0.code == "response" })
            reweighed.indicators[response].scoring.weight = 100
            let saved = try await t.store.saveAssessmentScheme(reweighed, by: city.admin)
            #expect(saved.version == 2)
            let live = try await t.store.assessmentReport(period: Self.november, for: city.admin)
            #expect(live.scheme.version == 2 && live.result(city.housing.id)?.score == 100)
            #expect(try await t.store.publishedAssessment(period: Self.november, for: city.auditor)?.result(city.transport.id)?.score == scoreThen)

            let second = try await t.store.publishAssessment(period: Self.november, by: city.admin)
            #expect(second.publishedVersion == 2 && second.scheme.version == 2)
            #expect(try await t.store.publishedAssessment(period: Self.november, version: 1, for: city.admin) == first)
            #expect(try await t.store.publishedAssessment(period: AssessmentPeriod("2026-10")!, for: city.admin) == nil)
            // Each publication is an event of the audit chain, which still verifies.
            #expect(try await t.store.verifyAuditChain().broken == nil)
        }
    }

    @Test("a unit appeals a count within the window; an approved appeal takes the ticket out of that indicator, audited", arguments: Backend.available)
    func appeals(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let (good, unsigned) = try await Self.history(t, city)
            let store = t.store
            let period = Self.november
            func status(_ write: @Sendable () async throws -> Void) async -> Int? {
                await #expect(throws: HotlineError.self) { try await write() }?.httpStatus
            }
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "onTimeSigning", reason: "x",
                                                                  by: city.agent) } == 403)
            // Appeals open once the period has ended.
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "onTimeSigning",
                                                                  reason: "系统故障", by: city.transportHandler) } == 409)
            t.clock.set(CivilDate("2026-12-02")!.instant(atMinute: 10 * 60))
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "onTimeSigning",
                                                                  reason: "不是我们的", by: city.housingHandler) } == 409)
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "nope", reason: "x",
                                                                  by: city.transportHandler) } == 400)
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "onTimeSigning", reason: " ",
                                                                  by: city.transportHandler) } == 400)
            // Evidence: checked before anything is written; more than three files change nothing.
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("系统故障截图".utf8))
            let screenshot = try Appeal.evidence.check([Upload(name: "故障截图.png", data: png)])
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "onTimeSigning",
                                                                  reason: "系统故障", files: Array(repeating: screenshot[0], count: 4),
                                                                  by: city.transportHandler) } == 400)
            #expect(try await store.appeals(period: period, for: city.supervisor).isEmpty)
            #expect(try await store.files(ticketId: unsigned, for: city.supervisor).isEmpty)
            let appeal = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "onTimeSigning",
                                                    reason: "派单时系统故障，承办端未收到提醒", files: screenshot, by: city.transportHandler)
            #expect(appeal.status == .pending && appeal.unitId == city.transport.id)
            let evidence = try await store.appealFiles([appeal])[appeal.id] ?? []
            #expect(evidence.map(\.name) == ["故障截图.png"] && evidence.first?.contentType == "image/png" && evidence.first?.eventSeq == appeal.eventSeq)
            let evidenceId = try #require(evidence.first).id
            let (_, bytes) = try await store.file(id: evidenceId, for: city.supervisor)
            #expect(bytes == png)
            // The evidence is the appealing unit's and the center's assessors': not listed with the ticket's files, and
            // not another unit's to open.
            #expect(try await store.file(id: evidenceId, for: city.transportHandler).1 == png)
            #expect(await status { _ = try await store.file(id: evidenceId, for: city.housingHandler) } == 404)
            #expect(await status { _ = try await store.file(id: evidenceId, for: city.otherAdmin) } == 404)
            #expect(try await store.files(ticketId: unsigned, for: city.supervisor).isEmpty)
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: unsigned, indicatorCode: "onTimeSigning",
                                                                  reason: "再次申诉", by: city.transportHandler) } == 409)
            #expect(try await store.appeals(period: period, for: city.transportHandler).map(\.id) == [appeal.id])
            #expect(try await store.appeals(period: period, for: city.housingHandler).isEmpty)
            #expect(try await store.appeals(period: period, for: city.supervisor).map(\.id) == [appeal.id])

            // Pending: still counted. A denial needs a reason; an admin does not decide appeals.
            #expect(try await store.assessmentReport(period: period, for: city.supervisor).result(city.transport.id)?.value("onTimeSigning")?.denominator == 1)
            #expect(await status { _ = try await store.decideAppeal(id: appeal.id, approve: false, note: "", by: city.supervisor) } == 400)
            #expect(await status { _ = try await store.decideAppeal(id: appeal.id, approve: true, note: "", by: city.admin) } == 403)
            #expect(await status { _ = try await store.decideAppeal(id: appeal.id, approve: true, note: "", by: city.otherAdmin) } == 403)
            let approved = try await store.decideAppeal(id: appeal.id, approve: true, note: "经第三方评议，系统故障属实", by: city.supervisor)
            #expect(approved.status == .approved)
            #expect(await status { _ = try await store.decideAppeal(id: appeal.id, approve: false, note: "改判", by: city.supervisor) } == 409)

            let after = try await store.assessmentReport(period: period, for: city.supervisor).result(city.transport.id)
            #expect(after?.value("onTimeSigning")?.denominator == 0 && after?.value("onTimeSigning")?.value == nil)
            #expect(after?.value("volume")?.value == 1, "the appeal excludes the ticket from that indicator only")
            // The unit sees its own drill-down, with the ticket shown as excluded; not another unit's.
            let drill = try await store.assessmentDrillDown(period: period, unitId: city.transport.id, indicatorCode: "onTimeSigning",
                                                           for: city.transportHandler)
            #expect(drill.denominator.isEmpty && drill.excluded.map(\.state.id) == [unsigned])
            #expect(await status { _ = try await store.assessmentDrillDown(period: period, unitId: city.housing.id, indicatorCode: "volume",
                                                                           for: city.transportHandler) } == 403)
            // Both steps are in the ticket's history and the chain holds.
            let history = try await store.history(ticketId: unsigned, for: city.supervisor).map(\.action)
            #expect(history.suffix(2) == [.appealAssessment, .decideAppeal])
            #expect(try await store.verifyAuditChain().broken == nil)
            try await Self.expectRollupMatches(store, period, city.supervisor)

            // After five working days past the period, appeals are closed.
            t.clock.advance(by: 30 * 86400)
            #expect(await status { _ = try await store.fileAppeal(period: period, ticketId: good, indicatorCode: "volume", reason: "晚了",
                                                                  by: city.housingHandler) } == 409)
        }
    }

    @Test("an administrator puts units in named groups; the ranking follows, and an empty name puts a unit back by kind", arguments: Backend.available)
    func groups(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            _ = try await Self.history(t, city)
            try await t.store.setAssessmentGroup(unitId: city.housing.id, group: "  重点民生部门 ", by: city.admin)
            try await t.store.setAssessmentGroup(unitId: city.district.id, group: "重点民生部门", by: city.admin)
            let report = try await t.store.assessmentReport(period: Self.november, for: city.supervisor)
            #expect(report.groups.map(\.name) == ["重点民生部门", UnitKind.department.label])
            let named = try #require(report.groups.first)
            #expect(named.ranking.entries.map(\.unitId) == [city.housing.id] && named.ranking.withoutTickets == [city.district.id])
            #expect(report.groups[1].ranking.entries.map(\.unitId) == [city.transport.id])
            // Only the scheme's managers, only in their own center; the center itself is not assessed; names are short.
            for (unit, actor, status) in [(city.housing.id, city.supervisor, 403), (city.otherDepartment.id, city.admin, 404),
                                          (city.center.id, city.admin, 400)] {
                #expect(await AnalysisStoreTests.status { try await t.store.setAssessmentGroup(unitId: unit, group: "x", by: actor) } == status)
            }
            #expect(await AnalysisStoreTests.status { try await t.store.setAssessmentGroup(unitId: city.housing.id, group: String(repeating: "长", count: 31), by: city.admin) } == 400)
            try await t.store.setAssessmentGroup(unitId: city.housing.id, group: "", by: city.admin)
            try await t.store.setAssessmentGroup(unitId: city.district.id, group: nil, by: city.admin)
            let back = try await t.store.assessmentReport(period: Self.november, for: city.supervisor)
            #expect(!back.groups.contains { $0.name == "重点民生部门" } && back.groups.first?.name == UnitKind.department.label)
        }
    }

    @Test("a center sets its own appeal window in its scheme", arguments: Backend.available)
    func appealWindow(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let (_, unsigned) = try await Self.history(t, city)
            var scheme = try await t.store.assessmentScheme(centerId: city.center.id)
            #expect(scheme.appealWindow == 5)
            scheme.appealWorkingDays = 0
            #expect(await AnalysisStoreTests.status { _ = try await t.store.saveAssessmentScheme(scheme, by: city.admin) } == 400)
            scheme.appealWorkingDays = 1
            #expect(try await t.store.saveAssessmentScheme(scheme, by: city.admin).appealWindow == 1)
            // One working day: 1 December only; on the 2nd the window has closed.
            t.clock.set(CivilDate("2026-12-02")!.instant(atMinute: 10 * 60))
            #expect(await AnalysisStoreTests.status {
                _ = try await t.store.fileAppeal(period: Self.november, ticketId: unsigned, indicatorCode: "onTimeSigning", reason: "系统故障",
                                                 by: city.transportHandler)
            } == 409)
            // Another center's scheme is its own.
            #expect(try await t.store.assessmentScheme(centerId: city.otherCenter.id).appealWindow == 5)
        }
    }

    @Test("two publications, scheme saves or reports at the same moment each get their own version", arguments: Backend.available)
    func concurrentVersions(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            _ = try await Self.history(t, city)
            let store = t.store
            let admin = city.admin
            async let a = store.publishAssessment(period: Self.november, by: admin)
            async let b = store.publishAssessment(period: Self.november, by: admin)
            async let c = store.publishAssessment(period: Self.november, by: admin)
            let published = try await [a, b, c].compactMap(\.publishedVersion).sorted()
            #expect(published == [1, 2, 3])
            let scheme = try await store.assessmentScheme(centerId: city.center.id)
            async let s1 = store.saveAssessmentScheme(scheme, by: admin)
            async let s2 = store.saveAssessmentScheme(scheme, by: admin)
            #expect(try await [s1, s2].map(\.version).sorted() == [2, 3])
            async let r1 = store.generateReport(kind: .monthly, period: Self.november, by: city.supervisor)
            async let r2 = store.generateReport(kind: .monthly, period: Self.november, by: city.supervisor)
            #expect(try await [r1, r2].compactMap(\.version).sorted() == [1, 2])
        }
    }

    @Test("co-units are assessed on their input, and units on their knowledge upkeep; the drill-down lists the tasks", arguments: Backend.available)
    func coUnitsAndKnowledge(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let store = t.store
            // Two tickets for housing, with transport and the district as co-units: transport gives its input, the
            // district never does.
            var tickets: [Int64] = []
            for title in ["小区路灯不亮", "楼道堆放杂物"] {
                let id = try await store.createTicket(TestCity.draft(title: title), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id, coUnitIds: [city.transport.id, city.district.id]),
                                            onTicket: id, by: city.agent)
                tickets.append(id)
            }
            t.clock.advance(by: 3600)
            _ = try await store.perform(ActionInput(code: .coInput, note: "公交站台归我局，已安排维修"), onTicket: tickets[0], by: city.transportHandler)

            // Knowledge: one entry verified the next day; one sent for verification and left; an error report on the
            // first resolved in a day.
            let content = { (question: String) in
                KnowledgeContent(question: question, variants: [], answer: "按合同约定收取。", categoryCode: "080199", sourceUnitId: city.housing.id, tags: [])
            }
            let verified = try await store.createKnowledge(content("物业费怎么收？"), by: city.housingHandler)
            _ = try await store.knowledgeAction(id: verified.id, .submit, note: "", by: city.housingHandler)
            let waiting = try await store.createKnowledge(content("维修基金怎么申请？"), by: city.housingHandler)
            _ = try await store.knowledgeAction(id: waiting.id, .submit, note: "", by: city.housingHandler)
            t.clock.advance(by: 86400)
            _ = try await store.knowledgeAction(id: verified.id, .approve, note: "已核实", by: city.housingHandler2)
            let report = try await store.reportKnowledgeError(id: verified.id, text: "收费标准已调整", by: city.agent)
            t.clock.advance(by: 86400)
            try await store.resolveKnowledgeReport(id: report.id, dismiss: false, resolution: "已更正", by: city.housingHandler)
            t.clock.advance(by: 30 * 86400)

            let quarter = AssessmentPeriod("2026-Q4")!
            let result = try await store.assessmentReport(period: quarter, for: city.supervisor)
            let transport = try #require(result.result(city.transport.id))
            #expect(transport.value("coVolume")?.value == 2 && transport.value("coOnTime")?.numerator == 1 && transport.value("coOnTime")?.denominator == 2)
            let district = try #require(result.result(city.district.id))
            #expect(district.value("coOnTime")?.value == 0 && district.hasTickets)
            let housing = try #require(result.result(city.housing.id))
            #expect(housing.value("coVolume")?.value == 0 && housing.value("volume")?.value == 2)
            #expect(housing.value("knowledgeUpkeep")?.numerator == 2 && housing.value("knowledgeUpkeep")?.denominator == 3)
            #expect(result.result(city.transport.id)?.value("knowledgeUpkeep")?.value == nil)

            let drill = try await store.assessmentDrillDown(period: quarter, unitId: city.transport.id, indicatorCode: "coOnTime", for: city.supervisor)
            #expect(drill.numerator.map(\.state.id) == [tickets[0]] && drill.denominator.map(\.state.id) == tickets)
            let tasks = try await store.assessmentDrillDown(period: quarter, unitId: city.housing.id, indicatorCode: "knowledgeUpkeep", for: city.supervisor)
            #expect(tasks.numerator.isEmpty && tasks.knowledgeDenominator.count == 3)
            #expect(Set(tasks.knowledgeNumerator.map(\.question)) == ["物业费怎么收？"])
            #expect(tasks.knowledgeDenominator.contains { $0.question == "维修基金怎么申请？" && $0.doneAt == nil })
            // The unit sees its own tasks; a knowledge number is not appealed ticket by ticket.
            #expect(try await store.assessmentDrillDown(period: quarter, unitId: city.housing.id, indicatorCode: "knowledgeUpkeep",
                                                         for: city.housingHandler).knowledgeDenominator.count == 3)
            try await Self.expectRollupMatches(store, quarter, city.supervisor)
            // …and read from the rollup: the two tickets' facts are summed, the district's missed input is pending no more.
            let sums = try await t.database.read { db in
                try await db.raw("SELECT CAST(SUM(count) AS BIGINT) AS n FROM assessment_counts WHERE unit_id = \(bind: city.transport.id) AND fact = 'coAssigned'")
                    .first()?.decode(column: "n", as: Int64?.self)
            }
            #expect(sums == 2)

            // A change to the working calendar empties the rollup (response times and working days move with it):
            // results are folded from the histories until it is filled again, and then read from it.
            try await store.setCalendarDay(CalendarDay(date: CivilDate("2026-11-24")!, kind: .holiday, name: "测试假日"), by: .system)
            try await Self.expectRollupMatches(store, quarter, city.supervisor)
            #expect(try await store.fillAssessmentRollup(batch: 1) == 2)
            #expect(try await store.fillAssessmentRollup() == 0)
            try await Self.expectRollupMatches(store, quarter, city.supervisor)
            #expect(try await store.rebuildAssessmentRollup() == 2)
            try await Self.expectRollupMatches(store, quarter, city.supervisor)
        }
    }
}


import Foundation
import HotlineTestSupport
import Testing

@testable import HotlineCore

/// Hand-built histories for November 2026, with every expected value worked out by hand in the comments.
@Suite("Assessment: indicators, scores and rankings")
struct AssessmentTests {
    static let november = AssessmentPeriod("2026-11")!
    // A city department A (10) with a street office S (11) below it, another department B (20), and C (30) with nothing.
    static let units = [
        UnitRef(id: 10, name: "A", kind: .department, path: [1, 10], centerId: 1),
        UnitRef(id: 11, name: "S", kind: .township, path: [1, 10, 11], centerId: 1),
        UnitRef(id: 20, name: "B", kind: .department, path: [1, 20], centerId: 1),
        UnitRef(id: 30, name: "C", kind: .department, path: [1, 30], centerId: 1),
    ]

    static func iso(_ text: String) -> String { shanghai(text).formatted(.iso8601) }
    static func at(_ text: String, _ action: ActionCode, _ details: [String: [String]] = [:]) -> AssessmentEvent {
        AssessmentEvent(at: shanghai(text), action: action, details: details)
    }
    static func dispatch(_ text: String, to unit: Int64, signDue: String, replyDue: String) -> AssessmentEvent {
        at(text, .dispatch, ["mainUnitId": ["", String(unit)], "signDueAt": ["", iso(signDue)], "replyDueAt": ["", iso(replyDue)]])
    }
    static let approved = ["approved": ["true"]]
    static func evaluated(_ satisfaction: Satisfaction, resolved: Bool, redo: Bool = false) -> [String: [String]] {
        var details = ["satisfaction": [satisfaction.rawValue], "resolved": [String(resolved)]]
        if redo { details["redo"] = ["1"] }
        return details
    }

    static let histories: [(Int64, [AssessmentEvent])] = [
        // 1 (A): signed on time, contacted, replied on time, satisfied and resolved, closed.
        (1, [
            dispatch("2026-11-02 09:00", to: 10, signDue: "2026-11-02 11:00", replyDue: "2026-11-09 17:30"),
            at("2026-11-02 10:00", .sign), at("2026-11-02 15:00", .contactRequester), at("2026-11-05 09:00", .reply),
            at("2026-11-06 09:00", .review, approved), at("2026-11-07 09:00", .evaluate, evaluated(.satisfied, resolved: true)),
            at("2026-11-07 10:00", .close),
        ]),
        // 2 (A): signed late, went overdue (one automatic supervision), replied late; the citizen's reasonable
        // dissatisfaction sent it back; the second reply was approved on 11-15 and rated basically satisfied, unresolved.
        (2, [
            dispatch("2026-11-03 09:00", to: 10, signDue: "2026-11-03 11:00", replyDue: "2026-11-10 17:30"),
            at("2026-11-03 14:00", .sign), at("2026-11-10 17:30", .markOverdue, ["supervisionCount": ["0", "1"]]),
            at("2026-11-12 09:00", .reply), at("2026-11-12 10:00", .review, approved),
            at("2026-11-13 09:00", .evaluate, evaluated(.dissatisfied, resolved: false, redo: true)),
            at("2026-11-14 09:00", .reply), at("2026-11-15 09:00", .review, approved),
            at("2026-11-16 09:00", .evaluate, evaluated(.basicallySatisfied, resolved: false)), at("2026-11-16 10:00", .close),
        ]),
        // 3: A asked to return it (denied), asked again (approved: the center took it back) and never signed; then B
        // took it, signed on time and answered on time to a satisfied citizen.
        (3, [
            dispatch("2026-11-04 09:00", to: 10, signDue: "2026-11-04 11:00", replyDue: "2026-11-11 17:30"),
            at("2026-11-04 10:00", .requestReturn), at("2026-11-05 09:00", .arbitrateReturn, ["approved": ["false"]]),
            at("2026-11-06 08:00", .requestReturn), at("2026-11-06 08:30", .arbitrateReturn, ["approved": ["true"], "mainUnitId": ["10", ""]]),
            at("2026-11-06 09:00", .dispatch, ["mainUnitId": ["", "20"], "signDueAt": ["", iso("2026-11-06 17:30")],
                                                "replyDueAt": ["", iso("2026-11-13 17:30")]]),
            at("2026-11-06 10:00", .sign), at("2026-11-10 09:00", .reply), at("2026-11-10 10:00", .review, approved),
            at("2026-11-11 09:00", .evaluate, evaluated(.satisfied, resolved: true)), at("2026-11-11 10:00", .close),
        ]),
        // 4 (A): merged into another: counted nowhere.
        (4, [
            dispatch("2026-11-05 09:00", to: 10, signDue: "2026-11-05 11:00", replyDue: "2026-11-12 17:30"), at("2026-11-05 10:00", .merge),
        ]),
        // 5 (S): everything on time, contacted, satisfied, resolved.
        (5, [
            dispatch("2026-11-05 09:00", to: 11, signDue: "2026-11-05 11:00", replyDue: "2026-11-12 17:30"),
            at("2026-11-05 10:00", .sign), at("2026-11-05 11:00", .contactRequester), at("2026-11-09 09:00", .reply),
            at("2026-11-09 10:00", .review, approved), at("2026-11-10 09:00", .evaluate, evaluated(.satisfied, resolved: true)),
            at("2026-11-10 10:00", .close),
        ]),
        // 6 (A): dispatched and answered in October, evaluated in November: only November's evaluation counts.
        (6, [
            dispatch("2026-10-20 09:00", to: 10, signDue: "2026-10-20 11:00", replyDue: "2026-10-27 17:30"),
            at("2026-10-20 10:00", .sign), at("2026-10-23 09:00", .reply), at("2026-10-26 09:00", .review, approved),
            at("2026-11-02 09:00", .evaluate, evaluated(.satisfied, resolved: true)),
        ]),
    ]

    static let tickets = histories.map { TicketAssessment(ticketId: $0.0, events: $0.1) }

    /// The histories as they stood at `moment`.
    static func folded(upTo moment: Date) -> [TicketAssessment] {
        histories.map { TicketAssessment(ticketId: $0.0, events: $0.1.filter { $0.at <= moment }) }
    }

    static func assessment(scheme: AssessmentScheme = .standard, exclusions: Set<AppealExclusion> = []) -> Assessment {
        Assessment(scheme: scheme, period: november, units: units, exclusions: exclusions,
                   contactDue: { turn in turn.signedAt.map { $0.addingTimeInterval(86400) } },
                   workingDays: { ($1.timeIntervalSince($0) / 86400) })
    }

    static func value(_ result: UnitResult, _ code: String) -> (Double, Double?, Double?) {
        let value = result.value(code)!
        return (value.numerator, value.denominator, value.value)
    }

    @Test("a history folds into one turn per main unit; a merged ticket is excluded")
    func turns() {
        let third = Self.tickets[2]
        #expect(third.assignments.map(\.unitId) == [10, 20])
        #expect(third.assignments[0].returnRequests == 2 && third.assignments[0].returnsDenied == 1 && third.assignments[0].returnedAt != nil)
        #expect(third.assignments[1].signedAt == shanghai("2026-11-06 10:00") && third.assignments[1].closedAt != nil)
        #expect(Self.tickets[3].excluded && !Self.tickets[0].excluded)
        let second = Self.tickets[1].assignments[0]
        #expect(second.redos == 1 && second.overdue && second.supervisions == 1)
        #expect(second.approvedReplyAt == shanghai("2026-11-14 09:00") && second.approvedAt == shanghai("2026-11-15 09:00"))
        #expect(second.satisfaction == .basicallySatisfied && second.resolved == false)
    }

    @Test("each rate of unit A, worked by hand")
    func unitA() {
        let a = Self.assessment().result(Self.tickets, unitId: 10)
        #expect(Self.value(a, "volume") == (3, nil, 3))                   // 1, 2, 3 (4 merged; 6 in October)
        #expect(Self.value(a, "onTimeSigning") == (1, 3, 1.0 / 3))        // due: 1, 2, 3; on time: 1
        #expect(Self.value(a, "response") == (1, 2, 0.5))                 // signed: 1, 2; contacted within a day: 1
        #expect(Self.value(a, "onTimeCompletion") == (1, 2, 0.5))         // due: 1, 2 (3 was taken back); on time: 1
        #expect(Self.value(a, "completion") == (2, 2, 1))
        #expect(Self.value(a, "satisfaction") == (3, 3, 1))               // evaluated in November: 1, 2 (last: basic), 6
        #expect(Self.value(a, "resolution") == (2, 3, 2.0 / 3))
        #expect(Self.value(a, "callback") == (2, 2, 1))                   // approved in November: 1, 2
        #expect(Self.value(a, "returnRate") == (1, 3, 1.0 / 3))
        #expect(Self.value(a, "unjustifiedReturns") == (1, 1, 1))
        #expect(Self.value(a, "extensionRate") == (0, 3, 0))
        #expect(Self.value(a, "redoRate") == (1, 2, 0.5))                 // first replied in November: 1, 2; redone: 2
        #expect(Self.value(a, "overdue") == (1, nil, 1))
        #expect(Self.value(a, "supervised") == (1, nil, 1))
        #expect(Self.value(a, "handlingDays").2 == 8)                     // 4 days (1) and 12 days (2)
        // Points: completion 10 + satisfaction 20 + resolution 10 × (0.667 − 0.5) / 0.5 = 3.333; every other scored
        // indicator is at or beyond its zero point. Of the 100 points, co-unit input (5) and knowledge upkeep (5)
        // cannot be measured for A: 33.333 of 90.
        #expect(abs(a.score! - 33.333 / 90 * 100) < 0.001)
    }

    @Test("B, S and C: a unit without tickets is not scored; weights without data are left out")
    func otherUnits() {
        let results = Self.assessment().results(Self.tickets)
        let b = results.first { $0.unitId == 20 }!
        #expect(Self.value(b, "onTimeCompletion") == (1, 1, 1) && Self.value(b, "response") == (0, 1, 0))
        #expect(b.value("unjustifiedReturns")?.value == nil)
        // 85 points measurable (no return asked, no co-unit input, no knowledge task), 75 earned: response 0.
        #expect(abs(b.score! - 75.0 / 85 * 100) < 0.001)
        #expect(results.first { $0.unitId == 11 }!.score == 100)
        let c = results.first { $0.unitId == 30 }!
        #expect(!c.hasTickets && c.score == nil)
    }

    @Test("a rolled-up indicator counts the units below")
    func rolledUp() throws {
        var scheme = AssessmentScheme.standard
        scheme.indicators[0].unitOfCount = .rolledUp
        let a = Self.assessment(scheme: scheme).result(Self.tickets, unitId: 10)
        #expect(a.value("volume")?.value == 4)  // 1, 2, 3 and S's 5
        #expect(Self.assessment().result(Self.tickets, unitId: 10).value("volume")?.value == 3)
    }

    @Test("an approved appeal takes the ticket out of that indicator only, and the drill-down shows it")
    func appeal() {
        let plain = Self.assessment()
        #expect(plain.drillDown(Self.tickets, unitId: 10, indicatorCode: "onTimeCompletion") == ([1], [1, 2]))
        let appealed = Self.assessment(exclusions: [AppealExclusion(ticketId: 2, indicatorCode: "onTimeCompletion", unitId: 10)])
        let a = appealed.result(Self.tickets, unitId: 10)
        #expect(Self.value(a, "onTimeCompletion") == (1, 1, 1))
        #expect(Self.value(a, "completion") == (2, 2, 1))  // other indicators still count ticket 2
        #expect(abs(a.score! - 48.333 / 90 * 100) < 0.001)  // + 15
        #expect(appealed.drillDown(Self.tickets, unitId: 10, indicatorCode: "onTimeCompletion") == ([1], [1]))
        #expect(plain.drillDown(Self.tickets, unitId: 10, indicatorCode: "satisfaction") == ([1, 2, 6], [1, 2, 6]))
        // A's appeal of ticket 3 (which A never signed before returning it) leaves B's count of ticket 3 alone.
        let third = Self.assessment(exclusions: [AppealExclusion(ticketId: 3, indicatorCode: "onTimeSigning", unitId: 10)])
        #expect(Self.value(third.result(Self.tickets, unitId: 10), "onTimeSigning") == (1, 2, 0.5))
        #expect(Self.value(third.result(Self.tickets, unitId: 20), "onTimeSigning") == (1, 1, 1))
    }

    @Test("ranking: ties share a rank, the red and black lists, units without tickets apart, change since last period")
    func ranking() {
        func result(_ id: Int64, _ score: Double?) -> UnitResult {
            UnitResult(unitId: id, values: [], score: score, hasTickets: score != nil)
        }
        let scores: [(Int64, Double?)] = [(1, 90), (2, 95), (3, 90), (4, 70), (5, 60), (6, 80), (7, 50), (8, 40), (9, 30), (10, 20),
                                         (11, 10), (12, nil)]
        let ranking = GroupRanking(groupName: "市直部门", results: scores.map { result($0.0, $0.1) }, previous: [1: 5, 2: 1])
        #expect(ranking.entries.map(\.unitId) == [2, 1, 3, 6, 4, 5, 7, 8, 9, 10, 11])
        #expect(ranking.entries.map(\.rank) == [1, 2, 2, 4, 5, 6, 7, 8, 9, 10, 11])
        #expect(ranking.redList.map(\.unitId) == [2, 1, 3, 6, 4])
        // Mean 53.2: the red list comes from above it, the black list from below.
        #expect(ranking.blackList.map(\.unitId) == [7, 8, 9, 10, 11])
        // A group scoring alike has neither list, whatever its ranks; ties at the black list's cut are all on it.
        let alike = GroupRanking(groupName: "g", results: (1...6).map { result(Int64($0), 80) })
        #expect(alike.redList.isEmpty && alike.blackList.isEmpty && alike.entries.allSatisfy { $0.rank == 1 })
        let tiedAtCut = GroupRanking(groupName: "g", results: [result(1, 90), result(2, 90), result(3, 90), result(4, 10), result(5, 10),
                                                               result(6, 10), result(7, 10), result(8, 10), result(9, 10)])
        #expect(tiedAtCut.redList.map(\.unitId) == [1, 2, 3] && tiedAtCut.blackList.map(\.unitId) == [4, 5, 6, 7, 8, 9])
        #expect(ranking.withoutTickets == [12])
        #expect(ranking.entries[0].change == 0 && ranking.entries[1].change == 3 && ranking.entries[2].change == nil)
        // Scores equal to two places tie.
        let close = GroupRanking(groupName: "g", results: [result(1, 89.999_999), result(2, 90.000_001)])
        #expect(close.entries.map(\.rank) == [1, 1])
    }

    @Test("groups by kind of unit, with last period's ranks for the change")
    func groupsByKind() {
        func result(_ id: Int64, _ score: Double?) -> UnitResult { UnitResult(unitId: id, values: [], score: score, hasTickets: score != nil) }
        let groups = GroupRanking.byGroup(Self.units, results: [result(10, 80), result(20, 90), result(11, 70), result(30, nil)],
                                         previous: [result(10, 95), result(20, 60)])
        #expect(groups.map(\.groupName) == [UnitKind.department.label, UnitKind.township.label])
        #expect(groups[0].entries.map(\.unitId) == [20, 10] && groups[0].entries.map(\.change) == [1, -1] && groups[0].withoutTickets == [30])
        #expect(groups[1].entries.map(\.unitId) == [11] && groups[1].entries[0].change == nil)
    }

    @Test("scoring curves: rising, falling, between points, beyond them, held between floor and cap")
    func curves() throws {
        let rising = IndicatorDefinition.Scoring(weight: 20, curve: [.init(0.7, 0), .init(1, 1)])
        #expect(rising.points(for: 0.5) == 0 && rising.points(for: 0.85) == 10 && rising.points(for: 1) == 20)
        let falling = IndicatorDefinition.Scoring(weight: 10, curve: [.init(0, 1), .init(0.3, 0)])
        #expect(falling.points(for: 0) == 10 && abs(falling.points(for: 0.15) - 5) < 1e-9 && falling.points(for: 0.6) == 0)
        let floored = IndicatorDefinition.Scoring(weight: 10, curve: [.init(0.5, 0), .init(1, 1)], floor: 0.2, cap: 0.9)
        #expect(floored.points(for: 0) == 2 && floored.points(for: 1) == 9)
        #expect(IndicatorDefinition.Scoring.none.points(for: 1) == 0)
        // The curve as the scheme page writes and reads it.
        #expect(rising.curveText == "0.7:0, 1:1")
        #expect(try IndicatorDefinition.Scoring.curve(from: "0.7:0，0.9:1; 1:1", field: "c").map(\.value) == [0.7, 0.9, 1])
        for bad in ["0.7", "0.7:x", "a:b, 1:1", "inf:1"] {
            #expect(throws: HotlineError.self) { try IndicatorDefinition.Scoring.curve(from: bad, field: "c") }
        }
    }

    @Test("a malformed scheme is refused with what is wrong")
    func validation() throws {
        _ = try AssessmentScheme.standard.validated()
        #expect(AssessmentScheme.standard.indicators.map(\.scoring.weight).reduce(0, +) == 100)
        var heavy = AssessmentScheme.standard
        heavy.indicators[1].scoring.weight = 30
        #expect(#expect(throws: HotlineError.self) { try heavy.validated() }?.message.contains("100") == true)
        var wrongRatio = AssessmentScheme.standard
        wrongRatio.indicators[1].formula = .ratio(numerator: .satisfied, denominator: .dispatched)
        #expect(throws: HotlineError.self) { try wrongRatio.validated() }
        var twice = AssessmentScheme.standard
        twice.indicators[2].code = twice.indicators[1].code
        #expect(throws: HotlineError.self) { try twice.validated() }
        var badCurve = AssessmentScheme.standard
        badCurve.indicators[1].scoring.curve = [.init(1, 1), .init(0.8, 0)]
        #expect(throws: HotlineError.self) { try badCurve.validated() }
        // The chain of narrowing counts: returns denied ⊂ returns asked ⊂ dispatched.
        var chained = AssessmentScheme.standard
        chained.indicators[9].formula = .ratio(numerator: .returnDenied, denominator: .dispatched)
        _ = try chained.validated()
    }

    @Test("a scheme survives JSON unchanged, and every formula reads in words")
    func definitionsAsData() throws {
        let data = try JSONEncoder().encode(AssessmentScheme.standard)
        #expect(try JSONDecoder().decode(AssessmentScheme.self, from: data) == .standard)
        let satisfaction = AssessmentScheme.standard.indicators.first { $0.code == "satisfaction" }!
        #expect(satisfaction.formulaText().hasPrefix("满意数 ÷ 评价数"))
        #expect(satisfaction.formulaText(english: true).hasPrefix("satisfied ÷ evaluated"))
    }

    @Test("periods: months, quarters and ISO weeks, the one before and the year before; nonsense is refused")
    func periods() {
        let month = AssessmentPeriod("2026-11")!
        #expect(month.start == CivilDate("2026-11-01") && month.end == CivilDate("2026-12-01"))
        #expect(month.previous.code == "2026-10" && AssessmentPeriod("2026-01")!.previous.code == "2025-12" && month.yearBefore.code == "2025-11")
        let quarter = AssessmentPeriod("2026-Q4")!
        #expect(quarter.start == CivilDate("2026-10-01") && quarter.end == CivilDate("2027-01-01") && quarter.previous.code == "2026-Q3")
        let week = AssessmentPeriod("2026-W48")!
        #expect(week.start == CivilDate("2026-11-23") && week.end == CivilDate("2026-11-30") && week.code == "2026-W48")
        #expect(AssessmentPeriod("2026-W01")!.start == CivilDate("2025-12-29") && AssessmentPeriod("2026-W01")!.previous.code == "2025-W52")
        #expect(month.contains(shanghai("2026-11-30 23:59")) && !month.contains(shanghai("2026-12-01 00:00")))
        // The first accepted periods have a previous one too (it is not parsed back, so nothing stops there).
        #expect(AssessmentPeriod("2000-01")!.previous.code == "1999-12" && AssessmentPeriod("2000-Q1")!.previous.code == "1999-Q4")
        #expect(AssessmentPeriod("2000-W01")!.previous.code == "1999-W52")
        #expect(month.next.code == "2026-12" && AssessmentPeriod("2026-12")!.next.code == "2027-01" && quarter.next.code == "2027-Q1")
        #expect(AssessmentPeriod("2026-W53")!.next.code == "2027-W01")
        // 同比 of a week: the same number a year before, or that year's last week.
        #expect(AssessmentPeriod("2027-W01")!.yearBefore.code == "2026-W01" && AssessmentPeriod("2026-W53")!.yearBefore.code == "2025-W52")
        #expect(AssessmentPeriod("2026-Q4")!.yearBefore.code == "2025-Q4")
        for bad in ["2026-13", "2026-Q5", "2026-W54", "26-11", "2026-1", "abc", "2026-W00", "2026-11-31", "2026-11-1", "1999-12-31", "2025-W53"] {
            #expect(AssessmentPeriod(bad) == nil, "\(bad)")
        }
    }

    @Test("while a period runs, a deadline still ahead counts only once met")
    func periodStillRunning() {
        var running = Self.assessment()
        running.asOf = shanghai("2026-11-09 12:00")
        let a = running.result(Self.folded(upTo: running.asOf), unitId: 10)
        // Due 11-09 17:30 but already approved (1) counts; due 11-10, not yet replied (2), waits.
        #expect(Self.value(a, "onTimeCompletion") == (1, 1, 1))
        // Signing deadlines all passed by then: 1 on time, 2 late, 3 never signed.
        #expect(Self.value(a, "onTimeSigning") == (1, 3, 1.0 / 3))
    }

    @Test("docs/indicators.md states every standard indicator's formula and points, and every measure")
    func documented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/indicators.md"), encoding: .utf8)
        for indicator in AssessmentScheme.standard.indicators {
            let formula = indicator.formulaText().components(separatedBy: "；").first!
            let points = indicator.scoring.weight > 0 ? "| \(Int(indicator.scoring.weight))" : "| —"
            #expect(doc.contains("| `\(indicator.code)` | \(indicator.name) | \(indicator.englishName) | \(formula) \(points)"), "\(indicator.code)")
        }
        for measure in Measure.allCases { #expect(doc.contains("| `\(measure.rawValue)` | \(measure.label) |"), "\(measure)") }
    }

    @Test("an urgent ticket's response time is two hours from signing, any other's one working day")
    func urgentResponse() {
        let events = [Self.at("2026-11-02 08:00", .create, ["urgency": ["urgent"]]),
                      Self.dispatch("2026-11-02 09:00", to: 10, signDue: "2026-11-02 11:00", replyDue: "2026-11-09 17:30"),
                      Self.at("2026-11-02 10:00", .sign)]
        let urgent = TicketAssessment(ticketId: 1, events: events).assignments[0]
        #expect(urgent.urgent && urgent.responseDue(calendar: .china) == shanghai("2026-11-02 12:00"))
        let normal = TicketAssessment(ticketId: 2, events: Array(events.dropFirst())).assignments[0]
        #expect(!normal.urgent && normal.responseDue(calendar: .china) == shanghai("2026-11-03 17:30")) // the close of the next working day
        // Made normal before dispatch: a working day again.
        let downgraded = TicketAssessment(ticketId: 3, events: [events[0], Self.at("2026-11-02 08:30", .accept, ["urgency": ["urgent", "normal"]])]
            + Array(events.dropFirst())).assignments[0]
        #expect(!downgraded.urgent)
    }

    @Test("the appeal window: five working days after the period, counted from the day after it")
    func appealWindow() {
        #expect(Appeal.deadline(for: AssessmentPeriod("2026-11")!, calendar: .china) == shanghai("2026-12-07 17:30"))
        let november = AssessmentPeriod("2026-11")!
        for (moment, open) in [("2026-11-30 23:59", false), ("2026-12-01 00:00", true), ("2026-12-07 17:30", true), ("2026-12-07 17:31", false)] {
            #expect(Appeal.isOpen(november, at: shanghai(moment), calendar: .china) == open, "\(moment)")
        }
        // September 2026 ends before the National Day holiday: 30 September is a working day, then 8 and 9 October …
        #expect(Appeal.deadline(for: AssessmentPeriod("2026-09")!, calendar: .china) > shanghai("2026-10-08 00:00"))
    }

    @Test("an appeal's evidence: at most three images, PDFs or office files of 5 MB, recognised by their bytes")
    func appealEvidence() throws {
        let pdf = Data(Array("%PDF-1.7 第三方评议意见".utf8))
        #expect(try Appeal.evidence.check([Upload(name: "评议意见.pdf", data: pdf), Upload(name: "empty.png", data: Data())]).map(\.kind) == [.pdf])
        #expect(throws: HotlineError.self) { try Appeal.evidence.check([Upload(name: "run.pdf", data: Data("MZ\u{90}".utf8))]) }
        #expect(throws: HotlineError.self) { try Appeal.evidence.check(Array(repeating: Upload(name: "a.pdf", data: pdf), count: 4)) }
        #expect(throws: HotlineError.self) { try Appeal.evidence.check([Upload(name: "big.pdf", data: pdf + Data(count: 5 * 1024 * 1024))]) }
    }

    @Test("an evaluation before a redo is not a callback of the new reply; a moved deadline lifts an overdue mark")
    func redoAndExtension() {
        let ticket = TicketAssessment(ticketId: 9, events: [
            Self.dispatch("2026-10-20 09:00", to: 10, signDue: "2026-10-20 11:00", replyDue: "2026-11-10 17:30"),
            Self.at("2026-10-20 10:00", .sign), Self.at("2026-10-30 09:00", .reply), Self.at("2026-10-30 10:00", .review, Self.approved),
            Self.at("2026-10-31 09:00", .evaluate, Self.evaluated(.dissatisfied, resolved: false, redo: true)),
            Self.at("2026-11-11 09:00", .markOverdue, ["supervisionCount": ["0", "1"]]),
            Self.at("2026-11-11 10:00", .decideExtension, ["approved": ["true"], "replyDueAt": [Self.iso("2026-11-10 17:30"), Self.iso("2026-11-17 17:30")]]),
            Self.at("2026-11-12 09:00", .reply), Self.at("2026-11-13 09:00", .review, Self.approved),
        ])
        let a = Self.assessment().result([ticket], unitId: 10)
        #expect(Self.value(a, "callback") == (0, 1, 0))      // approved 11-13, not evaluated since
        #expect(Self.value(a, "onTimeCompletion") == (1, 1, 1))
        #expect(Self.value(a, "overdue") == (0, nil, 0))     // the extension moved the deadline past the mark
        #expect(Self.value(a, "supervised") == (0, nil, 0))  // dispatched in October
    }

    // MARK: Co-units and knowledge upkeep

    static func coDispatch(_ text: String, to unit: Int64, co: [Int64], replyDue: String, before: [Int64] = []) -> AssessmentEvent {
        at(text, .dispatch, ["mainUnitId": ["", String(unit)], "signDueAt": ["", iso(text)], "replyDueAt": ["", iso(replyDue)],
                             "coUnitIds": [before.map(String.init).joined(separator: ","), co.map(String.init).joined(separator: ",")]])
    }

    @Test("each co-unit of a dispatch has a turn, due with the main unit's reply and done by its input")
    func coUnits() {
        // 7: A is main, B and C co-units; B gives its input on time, C never; an extension moves both deadlines.
        // 8: A is main, B the only co-unit; B's input (recorded before co-units were told apart) comes a day late.
        // 9: B is main with C as co-unit; the center takes it back on a return before C's deadline; re-dispatched to A
        //    with B as co-unit, due in December: not yet due, not counted.
        let tickets = [
            TicketAssessment(ticketId: 7, events: [
                Self.coDispatch("2026-11-02 09:00", to: 10, co: [20, 30], replyDue: "2026-11-09 17:30"),
                Self.at("2026-11-03 09:00", .coInput, ["coUnitId": ["20"]]),
                Self.at("2026-11-06 09:00", .decideExtension, ["approved": ["true"], "replyDueAt": [Self.iso("2026-11-09 17:30"), Self.iso("2026-11-16 17:30")]]),
            ]),
            TicketAssessment(ticketId: 8, events: [
                Self.coDispatch("2026-11-02 09:00", to: 10, co: [20], replyDue: "2026-11-09 17:30"),
                Self.at("2026-11-10 09:00", .coInput),
            ]),
            TicketAssessment(ticketId: 9, events: [
                Self.coDispatch("2026-11-20 09:00", to: 20, co: [30], replyDue: "2026-11-27 17:30"),
                Self.at("2026-11-21 09:00", .requestReturn),
                Self.at("2026-11-21 10:00", .arbitrateReturn, ["approved": ["true"], "mainUnitId": ["20", ""], "coUnitIds": ["30", ""]]),
                Self.coDispatch("2026-11-23 09:00", to: 10, co: [20], replyDue: "2026-12-02 17:30"),
            ]),
        ]
        #expect(tickets[0].coAssignments.map(\.unitId) == [20, 30] && tickets[0].coAssignments.allSatisfy { $0.replyDueAt == shanghai("2026-11-16 17:30") })
        #expect(tickets[2].coAssignments.map(\.unitId) == [30, 20])
        let assessment = Assessment(scheme: .standard, period: Self.november, units: Self.units, asOf: shanghai("2026-11-30 12:00"))
        let b = assessment.result(tickets, unitId: 20)
        #expect(Self.value(b, "coVolume") == (3, nil, 3))          // 7, 8 and 9's second dispatch
        #expect(Self.value(b, "coOnTime") == (1, 2, 0.5))          // due: 7 (on time), 8 (late); 9 due in December
        let c = assessment.result(tickets, unitId: 30)
        #expect(Self.value(c, "coVolume") == (2, nil, 2))          // 7 and 9's first dispatch
        #expect(Self.value(c, "coOnTime") == (0, 1, 0))            // 7 never; 9 was taken back before C's deadline
        // The co-unit's turns do not count as the main unit's, nor the other way round.
        #expect(Self.value(b, "volume") == (1, nil, 1) && Self.value(assessment.result(tickets, unitId: 10), "coVolume") == (0, nil, 0))
        #expect(assessment.drillDown(tickets, unitId: 20, indicatorCode: "coOnTime") == ([7], [7, 8]))
        // B's score: response, signing, completion … unmeasured; coOnTime 0.5 earns 0 of 5 (60% is the zero point).
        #expect(b.value("coOnTime")?.points == 0)
        // On 11-10 12:00, 7's deadline (11-16) is ahead and C has not given input: not yet a miss.
        let early = Assessment(scheme: .standard, period: Self.november, units: Self.units, asOf: shanghai("2026-11-10 12:00"))
        #expect(Self.value(early.result(Array(tickets.prefix(2)), unitId: 30), "coOnTime") == (0, 0, nil))
        #expect(Self.value(early.result(Array(tickets.prefix(2)), unitId: 20), "coOnTime") == (1, 2, 0.5))
    }

    @Test("knowledge tasks: a verification due in three working days, an error report in five; an edit does not stop the clock")
    func knowledgeTasks() {
        let history: [(at: Date, action: KnowledgeAction)] = [
            (shanghai("2026-11-02 09:00"), .submit), (shanghai("2026-11-04 10:00"), .reject),    // due Thu 11-05 17:30: on time
            (shanghai("2026-11-04 11:00"), .edit), (shanghai("2026-11-04 12:00"), .submit),
            (shanghai("2026-11-05 08:00"), .edit),                                                // due Mon 11-09 17:30: never done
            (shanghai("2026-11-05 10:00"), .submit), (shanghai("2026-11-12 09:00"), .approve),  // due Tue 11-10 17:30: late
            (shanghai("2026-11-27 09:00"), .submit),                                              // due Wed 12-02: December
        ]
        let verifications = KnowledgeTasks.verifications(entryId: 5, unitId: 20, history: history, calendar: .china)
        #expect(verifications.map(\.replyDueAt) == [shanghai("2026-11-05 17:30"), shanghai("2026-11-09 17:30"), shanghai("2026-11-10 17:30"),
                                                     shanghai("2026-12-02 17:30")])
        #expect(verifications.map(\.firstReplyAt) == [shanghai("2026-11-04 10:00"), nil, shanghai("2026-11-12 09:00"), nil])
        // Filed Monday 11-02: due the fifth working day, Monday 11-09; resolved Friday. Filed 11-20, open at month end
        // with its deadline (11-27) past: a miss.
        let reports = [
            KnowledgeTasks.correction(entryId: 6, unitId: 20, reportedAt: shanghai("2026-11-02 09:00"), resolvedAt: shanghai("2026-11-06 16:00"),
                                      calendar: .china),
            KnowledgeTasks.correction(entryId: 6, unitId: 20, reportedAt: shanghai("2026-11-20 09:00"), resolvedAt: nil, calendar: .china),
        ]
        #expect(reports[0].replyDueAt == shanghai("2026-11-09 17:30"))
        let work = Workload(tickets: [], knowledgeTasks: verifications + reports)
        let assessment = Assessment(scheme: .standard, period: Self.november, units: Self.units, asOf: shanghai("2026-12-01 09:00"))
        let b = assessment.result(work, unitId: 20)
        #expect(Self.value(b, "knowledgeUpkeep") == (2, 5, 0.4))   // due: 11-05 ✓, 11-09 ✗ (withdrawn), 11-10 ✗, report 11-09 ✓, 11-27 ✗
        #expect(b.score == 0 && b.hasTickets)                        // 40% is below the 60% zero point; the only measured indicator
        #expect(assessment.counted(work, unitId: 20, indicatorCode: "knowledgeUpkeep").denominator.map(\.ticketId) == [5, 5, 5, 6, 6])
        // Before the deadline an open task is not yet a miss.
        let early = Assessment(scheme: .standard, period: Self.november, units: Self.units, asOf: shanghai("2026-11-25 09:00"))
        #expect(Self.value(early.result(work, unitId: 20), "knowledgeUpkeep") == (2, 4, 0.5))
        #expect(Self.value(assessment.result(work, unitId: 10), "knowledgeUpkeep").2 == nil)
    }

    // MARK: The rollup

    @Test("the rollup's facts give the results folded from the histories, at every moment, with appeals and roll-ups")
    func factsMatchFolding() {
        var rolled = AssessmentScheme.standard
        for index in rolled.indicators.indices where index % 2 == 0 { rolled.indicators[index].unitOfCount = .rolledUp }
        let co = Self.coDispatch("2026-11-09 09:00", to: 10, co: [20, 11], replyDue: "2026-11-16 17:30")
        let extra: [(Int64, [AssessmentEvent])] = [(7, [co, Self.at("2026-11-10 09:00", .coInput, ["coUnitId": ["20"]]), Self.at("2026-11-10 10:00", .sign)])]
        let exclusionSets: [Set<AppealExclusion>] = [[], [
            AppealExclusion(ticketId: 2, indicatorCode: "onTimeCompletion", unitId: 10), AppealExclusion(ticketId: 3, indicatorCode: "onTimeSigning", unitId: 10),
            AppealExclusion(ticketId: 1, indicatorCode: "handlingDays", unitId: 10), AppealExclusion(ticketId: 5, indicatorCode: "volume", unitId: 11),
            AppealExclusion(ticketId: 7, indicatorCode: "coOnTime", unitId: 11),
        ]]
        let moments = ["2026-11-02 09:30", "2026-11-03 12:00", "2026-11-05 10:30", "2026-11-10 12:00", "2026-11-13 09:30", "2026-11-16 09:30",
                       "2026-11-30 23:00", "2026-12-15 00:00"].map(shanghai)
        var compared = 0
        for scheme in [AssessmentScheme.standard, rolled] {
            for exclusions in exclusionSets {
                for moment in moments {
                    let histories = (Self.histories + extra).map { TicketAssessment(ticketId: $0.0, events: $0.1.filter { $0.at <= moment }) }
                    var assessment = Self.assessment(scheme: scheme, exclusions: exclusions)
                    assessment.asOf = moment
                    let facts = Dictionary(uniqueKeysWithValues: histories.map {
                        ($0.ticketId, AssessmentFact.facts(of: $0, contactDue: assessment.contactDue, workingDays: assessment.workingDays))
                    })
                    let totals = FactTotals(facts.values.flatMap { $0 }, period: Self.november, at: moment)
                    let excluded = FactTotals.excluded(exclusions, facts: facts, scheme: scheme, period: Self.november, at: moment)
                    for unit in Self.units {
                        let fromFacts = assessment.result(totals: totals, excluded: excluded, unitId: unit.id)
                        let folded = assessment.result(histories, unitId: unit.id)
                        #expect(fromFacts.isAlike(folded), "\(unit.name) at \(moment) \(exclusions.count) appeals: \(fromFacts) vs \(folded)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == 2 * 2 * moments.count * Self.units.count)
        // A fact waiting on a deadline counts from it on; an excluded ticket has none.
        let early = AssessmentFact.facts(of: TicketAssessment(ticketId: 1, events: Array(Self.histories[0].1.prefix(1))), contactDue: { _ in nil },
                                         workingDays: { _, _ in 0 })
        let signDue = early.first { $0.key == "signDue" }
        #expect(signDue?.pendingUntil == shanghai("2026-11-02 11:00") && signDue?.counts(at: shanghai("2026-11-02 10:59")) == false
            && signDue?.counts(at: shanghai("2026-11-02 11:00")) == true)
        #expect(AssessmentFact.facts(of: Self.tickets[3], contactDue: { _ in nil }, workingDays: { _, _ in 0 }).isEmpty)
    }
}

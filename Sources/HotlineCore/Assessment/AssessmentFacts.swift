import Foundation

/// One thing a turn counts for: a measure (or the approved reply behind 平均办理时长) of a unit on a day. A ticket's
/// facts are kept with it whenever its history grows, and summed per unit and day (the assessment rollup), so a
/// period's results are read from a few sums instead of every history.
///
/// A deadline still ahead counts only once met (`Measure.counts`): such a fact is *pending* until the deadline, and
/// counts from then on unless a later event (the unit signing, the reply approved) replaces it with one that counts
/// at once. `counts(at:)` is therefore exactly `Measure.counts` at that moment, whatever moment it is.
public struct AssessmentFact: Sendable, Hashable, Codable {
    /// The fact of an approved reply, for 平均办理时长 (its `days` are the working days from dispatch to approval).
    public static let approvedReply = "approvedReply"

    public var unitId: Int64
    /// A `Measure` code, or `approvedReply`.
    public var key: String
    public var day: CivilDate
    /// Counts only from this moment on (nil: at once).
    public var pendingUntil: Date?
    /// Working days from dispatch to the approved reply (for `approvedReply`); 0 for every other fact.
    public var days: Double

    public init(unitId: Int64, key: String, day: CivilDate, pendingUntil: Date? = nil, days: Double = 0) {
        self.unitId = unitId
        self.key = key
        self.day = day
        self.pendingUntil = pendingUntil
        self.days = days
    }

    public func counts(at moment: Date) -> Bool { pendingUntil.map { $0 <= moment } ?? true }

    /// Every fact of a ticket's turns (none when the ticket is excluded: not accepted, merged, an unreasonable repeat).
    public static func facts(of ticket: TicketAssessment, contactDue: (Assignment) -> Date?, workingDays: (Date, Date) -> Double) -> [AssessmentFact] {
        guard !ticket.excluded else { return [] }
        return (ticket.assignments + ticket.coAssignments).flatMap { facts(of: $0, contactDue: contactDue, workingDays: workingDays) }
    }

    /// The facts of one turn: for each measure of its role placed by a moment of the turn and holding with every
    /// measure it narrows, one fact on the moment's day; and for an approved reply, its handling days.
    public static func facts(of turn: Assignment, contactDue: (Assignment) -> Date?, workingDays: (Date, Date) -> Double) -> [AssessmentFact] {
        var facts: [AssessmentFact] = []
        for measure in Measure.allCases where measure.role == turn.role {
            guard let moment = measure.moment(of: turn) else { continue }
            var chain: Measure? = measure
            var holds = true
            while let next = chain, holds {
                holds = next.holds(for: turn, contactDue: contactDue)
                chain = next.narrows
            }
            guard holds else { continue }
            facts.append(AssessmentFact(unitId: turn.unitId, key: measure.rawValue, day: CivilDate(moment),
                                        pendingUntil: pending(measure, turn, moment: moment, contactDue: contactDue)))
        }
        if turn.role == .main, let approved = turn.approvedAt {
            facts.append(AssessmentFact(unitId: turn.unitId, key: approvedReply, day: CivilDate(approved), days: workingDays(turn.dispatchedAt, approved)))
        }
        return facts
    }

    /// From when a measure counts a turn (`Measure.counts`): a deadline not yet met counts once it has passed, and a
    /// signed turn not yet contacted once its response time has.
    static func pending(_ measure: Measure, _ turn: Assignment, moment: Date, contactDue: (Assignment) -> Date?) -> Date? {
        var from: Date?
        let met: Bool? = switch measure {
        case .signDue, .signedOnTime: turn.signedAt != nil
        case .replyDue, .repliedOnTime, .closedOfDue, .overdue: turn.approvedReplyAt != nil
        case .coInputDue, .coInputOnTime, .knowledgeDue, .knowledgeOnTime: turn.firstReplyAt != nil
        default: nil
        }
        if met == false { from = moment }
        if measure == .signed || measure == .contactedInTime, turn.contactedAt == nil, let due = contactDue(turn) {
            from = max(from ?? due, due)
        }
        return from
    }
}

/// A period's facts summed per unit: what the assessment rollup answers, and what `Assessment.result(totals:)` scores.
public struct FactTotals: Sendable, Equatable {
    public struct Total: Sendable, Equatable {
        public var count: Double = 0
        public var days: Double = 0

        public init(count: Double = 0, days: Double = 0) {
            self.count = count
            self.days = days
        }
    }

    /// unit → fact key → total.
    public var units: [Int64: [String: Total]] = [:]

    public init() {}

    public mutating func add(unitId: Int64, key: String, count: Double, days: Double) {
        units[unitId, default: [:]][key, default: Total()].count += count
        units[unitId, default: [:]][key, default: Total()].days += days
    }

    /// The facts that count in `period` at `moment`, summed.
    public init(_ facts: some Sequence<AssessmentFact>, period: AssessmentPeriod, at moment: Date) {
        for fact in facts where period.start <= fact.day && fact.day < period.end && fact.counts(at: moment) {
            add(unitId: fact.unitId, key: fact.key, count: 1, days: fact.days)
        }
    }

    func total(_ unitId: Int64, _ key: String) -> Total { units[unitId]?[key] ?? Total() }

    /// What approved appeals take out, per indicator code: each appealed ticket's facts of the appealing unit for that
    /// indicator's numerator and denominator (or its approved replies) that count in `period` at `moment`.
    public static func excluded(_ exclusions: Set<AppealExclusion>, facts: [Int64: [AssessmentFact]], scheme: AssessmentScheme,
                                period: AssessmentPeriod, at moment: Date) -> [String: FactTotals] {
        var out: [String: FactTotals] = [:]
        for exclusion in exclusions {
            guard let indicator = scheme.indicators.first(where: { $0.code == exclusion.indicatorCode }) else { continue }
            let keys: Set<String> = switch indicator.formula {
            case .count(let measure): [measure.rawValue]
            case .ratio(let numerator, let denominator): [numerator.rawValue, denominator.rawValue]
            case .averageHandlingDays: [AssessmentFact.approvedReply]
            }
            let taken = FactTotals((facts[exclusion.ticketId] ?? []).filter { $0.unitId == exclusion.unitId && keys.contains($0.key) },
                                   period: period, at: moment)
            for (unit, byKey) in taken.units {
                for (key, total) in byKey { out[exclusion.indicatorCode, default: FactTotals()].add(unitId: unit, key: key, count: total.count, days: total.days) }
            }
        }
        return out
    }
}

extension Assessment {
    /// The response time and the working days of the assessment, from the working calendar.
    public static func contactDue(_ calendar: WorkingCalendar) -> @Sendable (Assignment) -> Date? {
        { turn in turn.responseDue(calendar: calendar) }
    }

    public static func workingDays(_ calendar: WorkingCalendar) -> @Sendable (Date, Date) -> Double {
        { start, end in Double(calendar.workingMinutes(from: start, to: end)) / Double(calendar.minutesPerDay) }
    }

    /// One unit's values and score from the period's summed facts. `excluded` holds, per indicator code, the facts an
    /// approved appeal takes out of that indicator (summed the same way); knowledge tasks come as turns.
    public func result(totals: FactTotals, excluded: [String: FactTotals] = [:], knowledge: Workload = Workload(tickets: []), unitId: Int64)
        -> UnitResult
    {
        let own = [unitId]
        let values = scheme.indicators.map { indicator -> (IndicatorValue, Bool) in
            if indicator.role == .knowledge { return measured(indicator, in: turns(knowledge, for: unitId, indicator)) }
            let whose = indicator.unitOfCount == .rolledUp ? subtreeUnits(of: unitId) : own
            let out = excluded[indicator.code]
            func sum(_ key: String) -> FactTotals.Total {
                var total = FactTotals.Total()
                for unit in whose {
                    let kept = totals.total(unit, key)
                    let taken = out?.total(unit, key) ?? FactTotals.Total()
                    total.count += kept.count - taken.count
                    total.days += kept.days - taken.days
                }
                return total
            }
            var value = IndicatorValue(code: indicator.code, numerator: 0, denominator: nil, value: nil, points: nil)
            var any = false
            switch indicator.formula {
            case .count(let measure):
                value.numerator = sum(measure.rawValue).count
                value.value = value.numerator
            case .ratio(let numerator, let denominator):
                value.numerator = sum(numerator.rawValue).count
                let over = sum(denominator.rawValue).count
                value.denominator = over
                value.value = over > 0 ? value.numerator / over : nil
                any = over > 0
            case .averageHandlingDays:
                let approved = sum(AssessmentFact.approvedReply)
                value.numerator = approved.count
                value.value = approved.count > 0 ? approved.days / approved.count : nil
            }
            return (value, any)
        }
        return scored(unitId: unitId, values)
    }
}

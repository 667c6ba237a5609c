import Foundation

/// A ticket an approved appeal (申诉销号) takes out of one indicator of the unit that appealed — never out of
/// another unit's count of the same ticket.
public struct AppealExclusion: Sendable, Hashable, Codable {
    public var ticketId: Int64
    public var indicatorCode: String
    public var unitId: Int64

    public init(ticketId: Int64, indicatorCode: String, unitId: Int64) {
        self.ticketId = ticketId
        self.indicatorCode = indicatorCode
        self.unitId = unitId
    }
}

/// One indicator's value for one unit.
public struct IndicatorValue: Sendable, Hashable, Codable {
    public var code: String
    public var numerator: Double
    /// Nil for a count or an average.
    public var denominator: Double?
    /// The rate, count or average; nil when there is nothing to measure (a rate over no tickets).
    public var value: Double?
    /// The points earned; nil when not scored or not measured.
    public var points: Double?
}

/// One unit's result for a period.
public struct UnitResult: Sendable, Hashable, Codable {
    public var unitId: Int64
    public var values: [IndicatorValue]
    /// Out of 100: the points earned over the weights of the indicators that could be measured, scaled to 100.
    public var score: Double?
    /// Whether the unit had any turn in the period; a unit without is listed apart, unranked.
    public var hasTickets: Bool

    public func value(_ code: String) -> IndicatorValue? { values.first { $0.code == code } }
}

/// The work an assessment reads, by role and by unit: the turns of tickets that count (not excluded), and the
/// units' knowledge tasks. Built once, then each unit's indicators read only its own turns.
public struct Workload: Sendable {
    var byUnit: [Assignment.Role: [Int64: [Assignment]]] = [:]

    public init(tickets: [TicketAssessment], knowledgeTasks: [Assignment] = []) {
        for ticket in tickets where !ticket.excluded {
            for turn in ticket.assignments { byUnit[.main, default: [:]][turn.unitId, default: []].append(turn) }
            for turn in ticket.coAssignments { byUnit[.co, default: [:]][turn.unitId, default: []].append(turn) }
        }
        for task in knowledgeTasks { byUnit[.knowledge, default: [:]][task.unitId, default: []].append(task) }
    }

    func turns(_ role: Assignment.Role, of unitId: Int64) -> [Assignment] { byUnit[role]?[unitId] ?? [] }
}

/// Scores units by a scheme: pure arithmetic over turns, so every number is reproducible from the history.
public struct Assessment: Sendable {
    public var scheme: AssessmentScheme
    public var period: AssessmentPeriod
    /// Units assessed, and the tree that rolled-up indicators follow.
    public let units: [UnitRef]
    /// Each unit and every unit below it, for rolled-up indicators.
    private let subtree: [Int64: [Int64]]
    public var exclusions: Set<AppealExclusion>
    /// The moment the assessment is made: deadlines after it count only once met (see `Measure.counts`).
    public var asOf: Date
    /// When a signed turn had to contact the requester by (响应时限), from the working calendar.
    public var contactDue: @Sendable (Assignment) -> Date?
    /// Working days between two moments.
    public var workingDays: @Sendable (Date, Date) -> Double

    public init(scheme: AssessmentScheme, period: AssessmentPeriod, units: [UnitRef], exclusions: Set<AppealExclusion> = [],
                asOf: Date = .distantFuture, contactDue: @escaping @Sendable (Assignment) -> Date? = { _ in nil },
                workingDays: @escaping @Sendable (Date, Date) -> Double = { $1.timeIntervalSince($0) / 86400 }) {
        self.scheme = scheme
        self.period = period
        self.units = units
        var subtree: [Int64: [Int64]] = [:]
        for unit in units {
            for ancestor in Set(unit.path + [unit.id]) { subtree[ancestor, default: []].append(unit.id) }
        }
        self.subtree = subtree
        self.exclusions = exclusions
        self.asOf = asOf
        self.contactDue = contactDue
        self.workingDays = workingDays
    }

    /// The turns an indicator counts for `unitId`, by their unit (rolled up or not), without those an appeal excluded.
    func turns(_ work: Workload, for unitId: Int64, _ indicator: IndicatorDefinition) -> [Assignment] {
        let role = indicator.role
        let whose = indicator.unitOfCount == .rolledUp ? subtree[unitId] ?? [unitId] : [unitId]
        let turns = whose.flatMap { work.turns(role, of: $0) }
        guard !exclusions.isEmpty, role != .knowledge else { return turns }
        return turns.filter { turn in
            !exclusions.contains(AppealExclusion(ticketId: turn.ticketId, indicatorCode: indicator.code, unitId: turn.unitId))
        }
    }

    /// The turns of `measure` in the period among `turns`.
    func members(_ measure: Measure, in turns: [Assignment]) -> [Assignment] {
        turns.filter { turn in
            guard let moment = measure.moment(of: turn), period.contains(moment),
                measure.counts(turn, at: asOf, contactDue: contactDue)
            else { return false }
            // A measure holds only where every measure it narrows holds too (超期件数 leaves out what 应结案数 does).
            var chain: Measure? = measure
            while let next = chain {
                guard next.holds(for: turn, contactDue: contactDue) else { return false }
                chain = next.narrows
            }
            return true
        }
    }

    /// The turns one indicator counts among `turns`: its numerator's, and for a ratio its denominator's (the
    /// numerator drawn from the denominator, so it is always a part of it).
    func counted(_ indicator: IndicatorDefinition, in turns: [Assignment]) -> (numerator: [Assignment], denominator: [Assignment]?) {
        switch indicator.formula {
        case .count(let measure): return (members(measure, in: turns), nil)
        case .ratio(let numerator, let denominator):
            let over = members(denominator, in: turns)
            return (members(numerator, in: over), over)
        case .averageHandlingDays: return (approved(turns), nil)
        }
    }

    /// The turns behind one number: the numerator's and the denominator's (for a count or an average, the same).
    public func counted(_ work: Workload, unitId: Int64, indicatorCode: String) -> (numerator: [Assignment], denominator: [Assignment]) {
        guard let indicator = scheme.indicators.first(where: { $0.code == indicatorCode }) else { return ([], []) }
        let (numerator, denominator) = counted(indicator, in: turns(work, for: unitId, indicator))
        return (numerator, denominator ?? [])
    }

    /// The ids behind one number — tickets, or for a knowledge indicator entries: the numerator's and the
    /// denominator's members (the drill-down).
    public func drillDown(_ work: Workload, unitId: Int64, indicatorCode: String) -> (numerator: [Int64], denominator: [Int64]) {
        guard let indicator = scheme.indicators.first(where: { $0.code == indicatorCode }) else { return ([], []) }
        let (numerator, denominator) = counted(indicator, in: turns(work, for: unitId, indicator))
        return (Self.ids(numerator), Self.ids(denominator ?? []))
    }

    public func drillDown(_ tickets: [TicketAssessment], unitId: Int64, indicatorCode: String) -> (numerator: [Int64], denominator: [Int64]) {
        drillDown(Workload(tickets: tickets), unitId: unitId, indicatorCode: indicatorCode)
    }

    /// The tickets an approved appeal took out of one number of `unitId`: those it would count without the appeals.
    public func excludedOnAppeal(_ work: Workload, unitId: Int64, indicatorCode: String) -> [Int64] {
        guard !exclusions.isEmpty else { return [] }
        var unappealed = self
        unappealed.exclusions = []
        let (numerator, denominator) = unappealed.drillDown(work, unitId: unitId, indicatorCode: indicatorCode)
        let (kept, keptOver) = drillDown(work, unitId: unitId, indicatorCode: indicatorCode)
        return Array(Set(numerator + denominator).subtracting(kept + keptOver)).sorted()
    }

    public func excludedOnAppeal(_ tickets: [TicketAssessment], unitId: Int64, indicatorCode: String) -> [Int64] {
        excludedOnAppeal(Workload(tickets: tickets), unitId: unitId, indicatorCode: indicatorCode)
    }

    static func ids(_ turns: [Assignment]) -> [Int64] { Array(Set(turns.map(\.ticketId))).sorted() }

    func approved(_ turns: [Assignment]) -> [Assignment] {
        turns.filter { turn in turn.approvedAt.map(period.contains) ?? false }
    }

    /// One unit's values and score.
    public func result(_ work: Workload, unitId: Int64) -> UnitResult {
        scored(unitId: unitId, scheme.indicators.map { measured($0, in: turns(work, for: unitId, $0)) })
    }

    /// The unit and every unit below it.
    public func subtreeUnits(of unitId: Int64) -> [Int64] { subtree[unitId] ?? [unitId] }

    /// One indicator's value over the turns it counts, and whether it measured anything (a ratio over some turns).
    func measured(_ indicator: IndicatorDefinition, in turns: [Assignment]) -> (IndicatorValue, Bool) {
        let (numerator, denominator) = counted(indicator, in: turns)
        var value = IndicatorValue(code: indicator.code, numerator: Double(numerator.count), denominator: denominator.map { Double($0.count) },
                                   value: nil, points: nil)
        var any = false
        switch indicator.formula {
        case .count: value.value = value.numerator
        case .ratio:
            let over = denominator ?? []
            value.value = over.isEmpty ? nil : value.numerator / Double(over.count)
            any = !over.isEmpty
        case .averageHandlingDays:
            value.value = numerator.isEmpty ? nil
                : numerator.map { workingDays($0.dispatchedAt, $0.approvedAt!) }.reduce(0, +) / Double(numerator.count)
        }
        return (value, any)
    }

    /// The points each value earns and the unit's score: the points earned over the weights of the indicators that
    /// could be measured, on a scale of 100.
    func scored(unitId: Int64, _ measured: [(IndicatorValue, Bool)]) -> UnitResult {
        var values: [IndicatorValue] = []
        var earned = 0.0
        var possible = 0.0
        var any = false
        for (indicator, (measuredValue, measuredAny)) in zip(scheme.indicators, measured) {
            var value = measuredValue
            any = any || measuredAny
            if indicator.scoring.weight > 0, let measured = value.value {
                value.points = indicator.scoring.points(for: measured)
                earned += value.points!
                possible += indicator.scoring.weight
            }
            values.append(value)
        }
        let hasTickets = any || values.contains { ($0.value ?? 0) > 0 }
        return UnitResult(unitId: unitId, values: values, score: possible > 0 && hasTickets ? earned / possible * 100 : nil,
                          hasTickets: hasTickets)
    }

    public func result(_ tickets: [TicketAssessment], unitId: Int64) -> UnitResult {
        result(Workload(tickets: tickets), unitId: unitId)
    }

    /// Every unit's result.
    public func results(_ work: Workload) -> [UnitResult] {
        units.map { result(work, unitId: $0.id) }
    }

    public func results(_ tickets: [TicketAssessment]) -> [UnitResult] {
        results(Workload(tickets: tickets))
    }
}

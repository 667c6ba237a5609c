import Foundation

/// A period units are assessed and reports are made over (考核周期, 统计周期): a calendar month, quarter, ISO week or one day,
/// in China time.
public struct AssessmentPeriod: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public enum Kind: String, Sendable, Codable { case month, quarter, week, day }

    public let kind: Kind
    /// The first day, and the day after the last.
    public let start: CivilDate
    public let end: CivilDate

    /// A period from its code: `2026-11` (month), `2026-Q4` (quarter), `2026-W47` (ISO week) or `2026-11-03` (day); nil
    /// for anything else.
    public init?(_ code: String) {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 3, parts[1].count == 2, parts[2].count == 2, let day = CivilDate(code), (2000...2100).contains(day.year) {
            kind = .day
            start = day
            end = day.adding(days: 1)
            return
        }
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), (2000...2100).contains(year) else { return nil }
        let rest = parts[1]
        if rest.first == "Q", rest.count == 2, let quarter = Int(rest.dropFirst()), (1...4).contains(quarter) {
            kind = .quarter
            start = CivilDate(year: year, month: quarter * 3 - 2, day: 1)!
            end = quarter == 4 ? CivilDate(year: year + 1, month: 1, day: 1)! : CivilDate(year: year, month: quarter * 3 + 1, day: 1)!
        } else if rest.first == "W", (2...3).contains(rest.count), let week = Int(rest.dropFirst()), (1...53).contains(week) {
            // ISO 8601: week 1 holds the year's first Thursday; weeks start on Monday.
            let january4 = CivilDate(year: year, month: 1, day: 4)!
            let firstMonday = january4.adding(days: 1 - january4.weekday)
            let monday = firstMonday.adding(days: (week - 1) * 7)
            let nextYearsFirst = CivilDate(year: year + 1, month: 1, day: 4)!
            guard monday < nextYearsFirst.adding(days: 1 - nextYearsFirst.weekday) else { return nil }
            kind = .week
            start = monday
            end = monday.adding(days: 7)
        } else if rest.count == 2, rest.allSatisfy(\.isNumber), let month = Int(rest), (1...12).contains(month) {
            kind = .month
            start = CivilDate(year: year, month: month, day: 1)!
            end = month == 12 ? CivilDate(year: year + 1, month: 1, day: 1)! : CivilDate(year: year, month: month + 1, day: 1)!
        } else {
            return nil
        }
    }

    /// The period's code, as `init` reads it.
    public var code: String {
        switch kind {
        case .day: return start.description
        case .month: return String(format: "%04d-%02d", start.year, start.month)
        case .quarter: return String(format: "%04d-Q%d", start.year, (start.month + 2) / 3)
        case .week:
            // The ISO year is the year of the week's Thursday.
            let thursday = start.adding(days: 3)
            let january4 = CivilDate(year: thursday.year, month: 1, day: 4)!
            let firstMonday = january4.adding(days: 1 - january4.weekday)
            return String(format: "%04d-W%02d", thursday.year, (start.dayNumber - firstMonday.dayNumber) / 7 + 1)
        }
    }

    public var description: String { code }

    /// The period before this one, of the same kind (环比).
    public var previous: AssessmentPeriod {
        switch kind {
        case .day: return AssessmentPeriod(kind: .day, start: start.adding(days: -1), end: start)
        case .week: return AssessmentPeriod(kind: .week, start: start.adding(days: -7))
        case .month: return Self.month(containing: start.adding(days: -1))
        case .quarter: return Self.quarter(containing: start.adding(days: -1))
        }
    }

    /// The same period a year before (同比): the same month, quarter or day (28 February for the 29th), or the ISO week of
    /// the same number (the last week of that year when it has no week 53).
    public var yearBefore: AssessmentPeriod {
        switch kind {
        case .day:
            let day = CivilDate(year: start.year - 1, month: start.month, day: start.day) ?? CivilDate(year: start.year - 1, month: start.month, day: 28)!
            return AssessmentPeriod(kind: .day, start: day, end: day.adding(days: 1))
        case .month: return Self.month(containing: CivilDate(year: start.year - 1, month: start.month, day: 1)!)
        case .quarter: return Self.quarter(containing: CivilDate(year: start.year - 1, month: start.month, day: 1)!)
        case .week:
            let number = (start.dayNumber - Self.firstMonday(ofISOYear: isoYear).dayNumber) / 7
            let monday = Self.firstMonday(ofISOYear: isoYear - 1).adding(days: number * 7)
            let last = Self.firstMonday(ofISOYear: isoYear).adding(days: -7)
            return AssessmentPeriod(kind: .week, start: min(monday, last))
        }
    }

    /// The year of the week's Thursday (an ISO week belongs to the year that holds its Thursday).
    var isoYear: Int { start.adding(days: 3).year }

    static func firstMonday(ofISOYear year: Int) -> CivilDate {
        let january4 = CivilDate(year: year, month: 1, day: 4)!
        return january4.adding(days: 1 - january4.weekday)
    }

    /// A period from its code, or a 400 saying how one is written.
    public static func parse(_ code: String) throws -> AssessmentPeriod {
        guard let period = AssessmentPeriod(code) else {
            throw HotlineError.invalid("period", "周期须为 2026-11、2026-Q4、2026-W48 或 2026-11-03 的形式 (month, quarter, ISO week or day)")
        }
        return period
    }

    /// The calendar month that holds `day`.
    public static func month(containing day: CivilDate) -> AssessmentPeriod {
        let first = CivilDate(year: day.year, month: day.month, day: 1)!
        let next = day.month == 12 ? CivilDate(year: day.year + 1, month: 1, day: 1)! : CivilDate(year: day.year, month: day.month + 1, day: 1)!
        return AssessmentPeriod(kind: .month, start: first, end: next)
    }

    /// The ISO week (Monday to Sunday) that holds `day`.
    public static func week(containing day: CivilDate) -> AssessmentPeriod {
        AssessmentPeriod(kind: .week, start: day.adding(days: 1 - day.weekday))
    }

    static func quarter(containing day: CivilDate) -> AssessmentPeriod {
        let firstMonth = (day.month - 1) / 3 * 3 + 1
        let first = CivilDate(year: day.year, month: firstMonth, day: 1)!
        let next = firstMonth == 10 ? CivilDate(year: day.year + 1, month: 1, day: 1)! : CivilDate(year: day.year, month: firstMonth + 3, day: 1)!
        return AssessmentPeriod(kind: .quarter, start: first, end: next)
    }

    /// The period after this one, of the same kind.
    public var next: AssessmentPeriod {
        switch kind {
        case .day: return AssessmentPeriod(kind: .day, start: end, end: end.adding(days: 1))
        case .week: return AssessmentPeriod(kind: .week, start: end)
        case .month: return Self.month(containing: end)
        case .quarter: return Self.quarter(containing: end)
        }
    }

    /// Whether `instant` falls in the period (China time).
    public func contains(_ instant: Date) -> Bool {
        let day = CivilDate(instant)
        return start <= day && day < end
    }

    /// The period's first moment and the first moment after it.
    public var instants: (start: Date, end: Date) { (start.instant(atMinute: 0), end.instant(atMinute: 0)) }

    private init(kind: Kind, start: CivilDate, end: CivilDate? = nil) {
        self.kind = kind
        self.start = start
        self.end = end ?? start.adding(days: 7)
    }

    public static func < (lhs: AssessmentPeriod, rhs: AssessmentPeriod) -> Bool { lhs.start < rhs.start }
}

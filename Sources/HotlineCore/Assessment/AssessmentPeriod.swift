import Foundation

/// A period units are assessed over (考核周期): a calendar month, quarter or ISO week, in China time.
public struct AssessmentPeriod: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public enum Kind: String, Sendable, Codable { case month, quarter, week }

    public let kind: Kind
    /// The first day, and the day after the last.
    public let start: CivilDate
    public let end: CivilDate

    /// A period from its code: `2026-11` (month), `2026-Q4` (quarter) or `2026-W47` (ISO week); nil for anything else.
    public init?(_ code: String) {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false)
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
        case .week: return AssessmentPeriod(Self.weekCode(of: start.adding(days: -7)))!
        case .month: return AssessmentPeriod(String(format: "%04d-%02d", start.adding(days: -1).year, start.adding(days: -1).month))!
        case .quarter:
            let last = start.adding(days: -1)
            return AssessmentPeriod(String(format: "%04d-Q%d", last.year, (last.month + 2) / 3))!
        }
    }

    /// The same period a year before (同比).
    public var yearBefore: AssessmentPeriod {
        switch kind {
        case .week: return AssessmentPeriod(Self.weekCode(of: start.adding(days: -364)))!
        case .month: return AssessmentPeriod(String(format: "%04d-%02d", start.year - 1, start.month))!
        case .quarter: return AssessmentPeriod(String(format: "%04d-Q%d", start.year - 1, (start.month + 2) / 3))!
        }
    }

    /// Whether `instant` falls in the period (China time).
    public func contains(_ instant: Date) -> Bool {
        let day = CivilDate(instant)
        return start <= day && day < end
    }

    /// The period's first moment and the first moment after it.
    public var instants: (start: Date, end: Date) { (start.instant(atMinute: 0), end.instant(atMinute: 0)) }

    /// The code of the ISO week that contains `day`.
    public static func weekCode(containing day: CivilDate) -> String { weekCode(of: day) }

    static func weekCode(of day: CivilDate) -> String {
        let monday = day.adding(days: 1 - day.weekday)
        return AssessmentPeriod(kind: .week, start: monday).code
    }

    private init(kind: Kind, start: CivilDate) {
        self.kind = kind
        self.start = start
        end = start.adding(days: 7)
    }

    public static func < (lhs: AssessmentPeriod, rhs: AssessmentPeriod) -> Bool { lhs.start < rhs.start }
}

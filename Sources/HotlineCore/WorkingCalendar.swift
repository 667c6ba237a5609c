import Foundation

/// How a date differs from the ordinary Monday–Friday week.
public enum CalendarDayKind: String, Labelled {
    /// A day off (法定节假日 or the days moved next to it).
    case holiday
    /// A weekend day made a working day (调休上班).
    case workday

    public var label: String {
        switch self {
        case .holiday: "放假"
        case .workday: "调休上班"
        }
    }
}

/// One day that departs from the ordinary week.
public struct CalendarDay: Sendable, Hashable, Codable {
    public let date: CivilDate
    public let kind: CalendarDayKind
    public let name: String

    public init(date: CivilDate, kind: CalendarDayKind, name: String) {
        self.date = date
        self.kind = kind
        self.name = name
    }
}

/// The official working calendar (工作日历): weekdays work, weekends rest, except where a day says otherwise.
public struct WorkingCalendar: Sendable {
    /// A span of working time within a day, in minutes past midnight.
    public struct Period: Sendable, Hashable {
        public let start: Int
        public let end: Int
        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
    }

    public let days: [Int: CalendarDay]
    /// Office hours, in order and not overlapping: by default 09:00–12:00 and 13:30–17:30.
    public let periods: [Period]

    public static let defaultPeriods = [Period(start: 9 * 60, end: 12 * 60), Period(start: 13 * 60 + 30, end: 17 * 60 + 30)]

    public init(days: [CalendarDay], periods: [Period] = WorkingCalendar.defaultPeriods) {
        var byNumber: [Int: CalendarDay] = [:]
        for day in days { byNumber[day.date.dayNumber] = day }
        self.days = byNumber
        self.periods = periods
    }

    /// The working minutes of a full working day (420 with the default office hours).
    public var minutesPerDay: Int { periods.map { $0.end - $0.start }.reduce(0, +) }

    /// The calendar with China's published holidays for 2024–2026.
    public static let china = WorkingCalendar(days: ChinaHolidays.all)

    /// Whether people work on `date`.
    public func isWorkingDay(_ date: CivilDate) -> Bool {
        switch days[date.dayNumber]?.kind {
        case .holiday: false
        case .workday: true
        case nil: !date.isWeekend
        }
    }

    /// The days of `year` that differ from the plain week: non-working weekdays and working weekend days.
    public func exceptions(in year: Int) -> [CalendarDay] {
        days.values
            .filter { $0.date.year == year }
            .filter { ($0.kind == .holiday && !$0.date.isWeekend) || ($0.kind == .workday && $0.date.isWeekend) }
            .sorted { $0.date < $1.date }
    }

    /// Every day recorded for `year`, sorted.
    public func recordedDays(in year: Int) -> [CalendarDay] {
        days.values.filter { $0.date.year == year }.sorted { $0.date < $1.date }
    }

    /// The instant `minutes` of office time after `start`; time outside office hours does not count.
    public func addingWorkingMinutes(_ minutes: Int, to start: Date) -> Date {
        var remaining = TimeInterval(minutes * 60)
        var date = CivilDate(start)
        // Give up after ten years without a working day: the calendar would be broken.
        for _ in 0..<3660 {
            if isWorkingDay(date) {
                for period in periods {
                    let from = max(start, date.instant(atMinute: period.start))
                    let available = date.instant(atMinute: period.end).timeIntervalSince(from)
                    guard available > 0 else { continue }
                    if remaining <= available { return from.addingTimeInterval(remaining) }
                    remaining -= available
                }
            }
            date = date.adding(days: 1)
        }
        return start
    }

    /// The close of office on the `count`-th working day after `start`'s date (the start day itself is not counted).
    public func addingWorkingDays(_ count: Int, to start: Date) -> Date {
        var date = CivilDate(start)
        var found = 0
        for _ in 0..<3660 where found < count {
            date = date.adding(days: 1)
            if isWorkingDay(date) { found += 1 }
        }
        return date.instant(atMinute: periods.last?.end ?? 17 * 60 + 30)
    }

    /// Office minutes between two instants (zero when `end` is not after `start`).
    public func workingMinutes(from start: Date, to end: Date) -> Int {
        guard end > start else { return 0 }
        var total = 0
        var date = CivilDate(start)
        let lastDate = CivilDate(end)
        while date <= lastDate {
            if isWorkingDay(date) {
                let dayStart = date == CivilDate(start) ? CivilDate.minuteOfDay(start) : 0
                let dayEnd = date == lastDate ? CivilDate.minuteOfDay(end) : 24 * 60
                for period in periods {
                    let from = max(period.start, dayStart)
                    let to = min(period.end, dayEnd)
                    if to > from { total += to - from }
                }
            }
            date = date.adding(days: 1)
        }
        return total
    }
}

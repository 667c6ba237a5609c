import Foundation

/// What an early warning (预警) is about.
public enum WarningKind: String, Labelled {
    /// A category in a district received far more tickets on a day than its baseline (突增).
    case suddenRise
    /// One requester called again and again (同一诉求人重复反映).
    case repeatRequester
    /// One place was reported again and again (同一地点重复反映).
    case repeatPlace

    public var label: String {
        switch self {
        case .suddenRise: "诉求突增"
        case .repeatRequester: "同一诉求人重复反映"
        case .repeatPlace: "同一地点重复反映"
        }
    }
}

/// A day that rose above its baseline.
public struct RiseSignal: Sendable, Hashable, Codable {
    public var key: String
    public var day: CivilDate
    public var count: Int
    /// The baseline's mean and standard deviation.
    public var expected: Double
    public var deviation: Double
    /// (count − expected) ÷ max(deviation, floor).
    public var score: Double
}

/// Sudden rises (突增预警) by the EARS C2 rule on days of the same kind.
///
/// EARS C2 (the CDC's Early Aberration Reporting System) compares a day's count with the mean and standard deviation of
/// the 7 days that end 2 days before it, and alarms when the count lies more than 3 deviations above the mean. Hotline
/// takes the baseline from days of the same kind only: working days are compared with working days and rest days
/// (weekends, public holidays) with rest days, by the center's working calendar, because a hotline takes far fewer
/// tickets on a Sunday or during the Spring Festival. A floor on the deviation keeps a quiet series from alarming on one
/// ticket, and a minimum count keeps 2 tickets after 0 from being a "rise".
public struct RiseDetector: Sendable, Hashable {
    /// Days of the same kind in the baseline.
    public var baselineDays: Int
    /// Days of the same kind between the baseline and the day tested (the guard band: a rise already under way does not
    /// lift its own baseline).
    public var guardDays: Int
    /// Deviations above the mean from which a day alarms.
    public var threshold: Double
    /// The smallest standard deviation used.
    public var deviationFloor: Double
    /// The smallest count that can alarm.
    public var minimumCount: Int

    public init(baselineDays: Int = 7, guardDays: Int = 2, threshold: Double = 3, deviationFloor: Double = 1, minimumCount: Int = 5) {
        self.baselineDays = baselineDays
        self.guardDays = guardDays
        self.threshold = threshold
        self.deviationFloor = deviationFloor
        self.minimumCount = minimumCount
    }

    /// The days the baseline of `day` is taken from, most recent first.
    public func baseline(of day: CivilDate, calendar: WorkingCalendar) -> [CivilDate] {
        let working = calendar.isWorkingDay(day)
        var days: [CivilDate] = []
        var skipped = 0
        var cursor = day
        // A year back is far more than any run of one kind of day.
        for _ in 0..<366 where days.count < baselineDays {
            cursor = cursor.adding(days: -1)
            guard calendar.isWorkingDay(cursor) == working else { continue }
            if skipped < guardDays { skipped += 1 } else { days.append(cursor) }
        }
        return days
    }

    /// The signal of `day` for one key, when it alarms; `counts` holds the key's daily counts (missing days are 0).
    public func signal(key: String, day: CivilDate, counts: [CivilDate: Int], calendar: WorkingCalendar) -> RiseSignal? {
        let count = counts[day] ?? 0
        guard count >= minimumCount else { return nil }
        let values = baseline(of: day, calendar: calendar).map { Double(counts[$0] ?? 0) }
        guard !values.isEmpty else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        let variance = values.count > 1 ? values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count - 1) : 0
        let deviation = variance.squareRoot()
        let score = (Double(count) - mean) / max(deviation, deviationFloor)
        guard score > threshold else { return nil }
        return RiseSignal(key: key, day: day, count: count, expected: mean, deviation: deviation, score: score)
    }

    /// Every alarm on `day` among the keys of `counts` (key → day → count), highest score first.
    public func signals(on day: CivilDate, counts: [String: [CivilDate: Int]], calendar: WorkingCalendar) -> [RiseSignal] {
        counts.compactMap { key, series in signal(key: key, day: day, counts: series, calendar: calendar) }
            .sorted { ($0.score, $1.key) > ($1.score, $0.key) }
    }

    /// The daily counts of `counts` as key → day → count.
    public static func series(_ counts: [DailyCount]) -> [String: [CivilDate: Int]] {
        var series: [String: [CivilDate: Int]] = [:]
        for count in counts { series[count.key, default: [:]][count.day, default: 0] += count.count }
        return series
    }
}

/// The comparison rule for the evaluation: a fixed daily threshold per key, as a person would set one by hand (the 95th
/// percentile of the key's daily counts in a training stretch, at least the detector's minimum count).
public struct FixedThresholdRule: Sendable, Hashable {
    public var thresholds: [String: Int]
    public var minimumCount: Int

    public init(training: [String: [CivilDate: Int]], days: [CivilDate], minimumCount: Int = 5) {
        self.minimumCount = minimumCount
        var thresholds: [String: Int] = [:]
        for (key, series) in training {
            let values = days.map { series[$0] ?? 0 }.sorted()
            let index = min(values.count - 1, Int((Double(values.count) * 0.95).rounded(.up)) - 1)
            thresholds[key] = max(minimumCount, (values.isEmpty ? 0 : values[max(index, 0)]) + 1)
        }
        self.thresholds = thresholds
    }

    public func alarms(_ key: String, count: Int) -> Bool { count >= (thresholds[key] ?? minimumCount) }
}

/// Repeats (重复反映): one requester or one place reported at least `minimumCount` times within `windowDays`.
public struct RepeatRule: Sendable, Hashable {
    public var minimumCount: Int
    public var windowDays: Int

    public init(minimumCount: Int = 3, windowDays: Int = 30) {
        self.minimumCount = minimumCount
        self.windowDays = windowDays
    }

    /// The first day of the window that ends with `day`.
    public func windowStart(endingOn day: CivilDate) -> CivilDate { day.adding(days: 1 - windowDays) }

    /// The keys that reached the minimum within the window ending on `day` with a ticket on `day` itself, each with the
    /// ids of its tickets in the window (oldest first).
    public func repeats(on day: CivilDate, _ tickets: [(key: String, id: Int64, day: CivilDate)]) -> [(key: String, ids: [Int64])] {
        let start = windowStart(endingOn: day)
        var byKey: [String: [(Int64, CivilDate)]] = [:]
        for ticket in tickets where start <= ticket.day && ticket.day <= day { byKey[ticket.key, default: []].append((ticket.id, ticket.day)) }
        return byKey.compactMap { key, members in
            guard members.count >= minimumCount, members.contains(where: { $0.1 == day }) else { return nil }
            return (key, members.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.map(\.0))
        }
        .sorted { ($0.ids.count, $1.key) > ($1.ids.count, $0.key) }
    }

    /// A place as repeats compare it: the address without spaces and punctuation; nil when too short to name a place.
    public static func placeKey(_ address: String?) -> String? {
        guard let address else { return nil }
        let kept = address.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }
        let key = String(String.UnicodeScalarView(kept))
        return key.count >= 8 ? key : nil
    }
}

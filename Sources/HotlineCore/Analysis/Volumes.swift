import Foundation

/// What tickets are counted by (分类统计): a category of the first level, a district, a channel, a type, or a main unit.
public enum VolumeDimension: String, Labelled {
    case category, district, channel, type, unit

    public var label: String {
        switch self {
        case .category: "诉求分类"
        case .district: "区域"
        case .channel: "受理渠道"
        case .type: "诉求类型"
        case .unit: "承办单位"
        }
    }
}

/// How a trend is bucketed: by day, ISO week or calendar month (China time).
public enum Granularity: String, Labelled {
    case day, week, month

    public var label: String {
        switch self {
        case .day: "按日"
        case .week: "按周"
        case .month: "按月"
        }
    }

    /// The first day of the bucket that holds `day`.
    public func bucket(of day: CivilDate) -> CivilDate {
        switch self {
        case .day: day
        case .week: day.adding(days: 1 - day.weekday)
        case .month: CivilDate(year: day.year, month: day.month, day: 1)!
        }
    }

    /// The first day of the next bucket after the one starting on `start`.
    public func after(_ start: CivilDate) -> CivilDate {
        switch self {
        case .day: start.adding(days: 1)
        case .week: start.adding(days: 7)
        case .month: AssessmentPeriod.month(containing: start).end
        }
    }

    /// The trend a period is shown with: 30 days for a day, 12 weeks for a week, 12 months for a month or quarter;
    /// the first day of the trend and its buckets.
    public static func trend(for period: AssessmentPeriod) -> (from: CivilDate, granularity: Granularity) {
        switch period.kind {
        case .day: (period.start.adding(days: -29), .day)
        case .week: (period.start.adding(days: -7 * 11), .week)
        case .month, .quarter: (AssessmentPeriod.month(containing: period.start.adding(days: -330)).start, .month)
        }
    }

    /// A bucket's label: `11-03`, `11-02周` (the Monday), `2026-11`.
    public func label(of start: CivilDate) -> String {
        switch self {
        case .day: String(format: "%02d-%02d", start.month, start.day)
        case .week: String(format: "%02d-%02d周", start.month, start.day)
        case .month: String(format: "%04d-%02d", start.year, start.month)
        }
    }
}

/// Tickets received on one day under one key of a dimension: the unit the store aggregates to.
public struct DailyCount: Sendable, Hashable, Codable {
    public var day: CivilDate
    public var key: String
    public var count: Int

    public init(day: CivilDate, key: String, count: Int) {
        self.day = day
        self.key = key
        self.count = count
    }
}

/// One key's volume in a period beside the period before (环比) and the same period a year before (同比).
public struct VolumeComparison: Sendable, Hashable, Codable {
    public var key: String
    public var current: Int
    public var previous: Int
    public var yearBefore: Int
    /// Of every ticket counted in the current period.
    public var share: Double

    /// (current − previous) ÷ previous; nil when there was nothing before to compare with.
    public var periodOnPeriod: Double? { Volumes.change(current, from: previous) }
    /// (current − year before) ÷ year before; nil when there was nothing.
    public var yearOnYear: Double? { Volumes.change(current, from: yearBefore) }

    private enum EncodingKeys: String, CodingKey { case key, current, previous, yearBefore, share, periodOnPeriod, yearOnYear }

    /// The stored numbers and both changes, so a reader of the JSON need not work them out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: EncodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(current, forKey: .current)
        try container.encode(previous, forKey: .previous)
        try container.encode(yearBefore, forKey: .yearBefore)
        try container.encode(share, forKey: .share)
        try container.encodeIfPresent(periodOnPeriod, forKey: .periodOnPeriod)
        try container.encodeIfPresent(yearOnYear, forKey: .yearOnYear)
    }
}

/// Counting tickets received (受理量) by a dimension over periods and trends.
public enum Volumes {
    /// The relative change from `before` to `now`; nil when `before` is zero.
    public static func change(_ now: Int, from before: Int) -> Double? {
        before == 0 ? nil : Double(now - before) / Double(before)
    }

    /// Totals per key of the days in `[start, end)`.
    public static func totals(_ counts: [DailyCount], from start: CivilDate, to end: CivilDate) -> [String: Int] {
        var totals: [String: Int] = [:]
        for count in counts where start <= count.day && count.day < end { totals[count.key, default: 0] += count.count }
        return totals
    }

    /// Every key seen in the current, previous or year-before period, most tickets now first (ties by key).
    public static func compare(_ counts: [DailyCount], period: AssessmentPeriod) -> [VolumeComparison] {
        let current = totals(counts, from: period.start, to: period.end)
        let previous = totals(counts, from: period.previous.start, to: period.previous.end)
        let yearBefore = totals(counts, from: period.yearBefore.start, to: period.yearBefore.end)
        let all = current.values.reduce(0, +)
        let keys = Set(current.keys).union(previous.keys).union(yearBefore.keys)
        return keys.map { key in
            let now = current[key] ?? 0
            return VolumeComparison(key: key, current: now, previous: previous[key] ?? 0, yearBefore: yearBefore[key] ?? 0,
                                    share: all == 0 ? 0 : Double(now) / Double(all))
        }
        .sorted { ($0.current, $1.key) > ($1.current, $0.key) }
    }

    /// A trend: the count of every bucket from the one holding `start` to the one before `end`, empty buckets as 0.
    public static func series(_ counts: [DailyCount], from start: CivilDate, to end: CivilDate, by granularity: Granularity,
                              key: String? = nil) -> [(start: CivilDate, count: Int)] {
        var byBucket: [CivilDate: Int] = [:]
        for count in counts where start <= count.day && count.day < end && (key == nil || count.key == key) {
            byBucket[granularity.bucket(of: count.day), default: 0] += count.count
        }
        var buckets: [(start: CivilDate, count: Int)] = []
        var bucket = granularity.bucket(of: start)
        while bucket < end {
            buckets.append((bucket, byBucket[bucket] ?? 0))
            bucket = granularity.after(bucket)
        }
        return buckets
    }
}

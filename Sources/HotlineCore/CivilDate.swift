import Foundation

/// A calendar date in China Standard Time (UTC+8, no daylight saving), free of Foundation's calendars.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// China has kept one offset, UTC+8, all year since 1991.
    public static let utcOffsetSeconds: Int64 = 8 * 3600

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date of day number `n`, counted from 1970-01-01 (Howard Hinnant's civil-from-days).
    public init(dayNumber n: Int) {
        let z = n + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// The Shanghai date on which `instant` falls.
    public init(_ instant: Date) {
        let local = Int64(instant.timeIntervalSince1970.rounded(.down)) + CivilDate.utcOffsetSeconds
        self.init(dayNumber: Int(local >= 0 ? local / 86400 : (local - 86399) / 86400))
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var weekday: Int {
        let n = dayNumber
        return ((n % 7 + 7) % 7 + 3) % 7 + 1
    }

    public var isWeekend: Bool { weekday >= 6 }

    /// The date `days` later (or earlier when negative).
    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// The instant at `minutes` past local midnight of this date.
    public func instant(atMinute minutes: Int) -> Date {
        let seconds = Int64(dayNumber) * 86400 + Int64(minutes) * 60 - CivilDate.utcOffsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Minutes past local midnight of `instant` on its Shanghai date.
    public static func minuteOfDay(_ instant: Date) -> Int {
        let local = Int64(instant.timeIntervalSince1970.rounded(.down)) + utcOffsetSeconds
        return Int(((local % 86400) + 86400) % 86400 / 60)
    }

    public var description: String {
        // By hand: String(format:) is slow, and the rollup writes a day for every fact.
        func padded(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }

    /// The Chinese weekday name, 周一 … 周日.
    public var weekdayLabel: String { ["周一", "周二", "周三", "周四", "周五", "周六", "周日"][weekday - 1] }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool { lhs.dayNumber < rhs.dayNumber }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CivilDate(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected YYYY-MM-DD"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The moments a list may be filtered by: from 2000 to 2100, the first not after the last. A date outside is a
/// mistake to report, never a filter to ignore.
public enum FilterDates {
    public static let earliest = Date(timeIntervalSince1970: 946_684_800)
    public static let latest = Date(timeIntervalSince1970: 4_102_444_800)

    public static func check(from: Date?, to: Date?, fields: (String, String) = ("createdFrom", "createdTo")) throws(HotlineError) {
        for (date, field) in [(from, fields.0), (to, fields.1)] {
            if let date, date < earliest || date > latest {
                throw HotlineError.invalid(field, "日期须在2000年至2100年之间 (a date from 2000 to 2100)")
            }
        }
        if let from, let to, from > to { throw HotlineError.invalid(fields.0, "开始时间晚于结束时间 (the start is after the end)") }
    }
}

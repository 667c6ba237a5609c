import Foundation

/// How a deadline reads on screen: "剩余2天3小时", "超期5小时" (natural time, rounded down).
public enum TimeLeft {
    /// The time from `now` until `due`, or how long ago it passed.
    public static func describe(until due: Date, now: Date, english: Bool = false) -> String {
        let seconds = due.timeIntervalSince(now)
        let span = amount(abs(seconds), english: english)
        if english { return seconds >= 0 ? "\(span) left" : "\(span) overdue" }
        return seconds >= 0 ? "剩余\(span)" : "超期\(span)"
    }

    static func amount(_ seconds: TimeInterval, english: Bool) -> String {
        let minutes = Int(seconds / 60)
        let (days, hours, mins) = (minutes / 1440, minutes % 1440 / 60, minutes % 60)
        if english {
            if days > 0 { return hours > 0 ? "\(days) d \(hours) h" : "\(days) d" }
            if hours > 0 { return mins > 0 ? "\(hours) h \(mins) min" : "\(hours) h" }
            return "\(mins) min"
        }
        if days > 0 { return hours > 0 ? "\(days)天\(hours)小时" : "\(days)天" }
        if hours > 0 { return mins > 0 ? "\(hours)小时\(mins)分钟" : "\(hours)小时" }
        return "\(mins)分钟"
    }
}

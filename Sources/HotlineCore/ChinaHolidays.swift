/// China's statutory holidays and make-up working days (调休) as published by the State Council
/// (国务院办公厅关于部分节假日安排的通知) for 2024, 2025 and 2026. Admins add later years as data.
public enum ChinaHolidays {
    /// (first day, last day, name) of each holiday span, and the make-up working days with their holiday.
    static let spans: [(String, String, String)] = [
        ("2024-01-01", "2024-01-01", "元旦"), ("2024-02-10", "2024-02-17", "春节"), ("2024-04-04", "2024-04-06", "清明节"),
        ("2024-05-01", "2024-05-05", "劳动节"), ("2024-06-10", "2024-06-10", "端午节"), ("2024-09-15", "2024-09-17", "中秋节"),
        ("2024-10-01", "2024-10-07", "国庆节"),
        ("2025-01-01", "2025-01-01", "元旦"), ("2025-01-28", "2025-02-04", "春节"), ("2025-04-04", "2025-04-06", "清明节"),
        ("2025-05-01", "2025-05-05", "劳动节"), ("2025-05-31", "2025-06-02", "端午节"), ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
        ("2026-01-01", "2026-01-03", "元旦"), ("2026-02-15", "2026-02-23", "春节"), ("2026-04-04", "2026-04-06", "清明节"),
        ("2026-05-01", "2026-05-05", "劳动节"), ("2026-06-19", "2026-06-21", "端午节"), ("2026-09-25", "2026-09-27", "中秋节"),
        ("2026-10-01", "2026-10-07", "国庆节"),
    ]

    static let makeUpDays: [(String, String)] = [
        ("2024-02-04", "春节"), ("2024-02-18", "春节"), ("2024-04-07", "清明节"), ("2024-04-28", "劳动节"),
        ("2024-05-11", "劳动节"), ("2024-09-14", "中秋节"), ("2024-09-29", "国庆节"), ("2024-10-12", "国庆节"),
        ("2025-01-26", "春节"), ("2025-02-08", "春节"), ("2025-04-27", "劳动节"), ("2025-09-28", "国庆节"),
        ("2025-10-11", "国庆节"),
        ("2026-01-04", "元旦"), ("2026-02-14", "春节"), ("2026-02-28", "春节"), ("2026-05-09", "劳动节"),
        ("2026-09-20", "国庆节"), ("2026-10-10", "国庆节"),
    ]

    /// Every recorded day, holidays and make-up working days alike.
    public static let all: [CalendarDay] = {
        var days: [CalendarDay] = []
        for (first, last, name) in spans {
            guard let start = CivilDate(first), let end = CivilDate(last) else { continue }
            for n in start.dayNumber...end.dayNumber {
                days.append(CalendarDay(date: CivilDate(dayNumber: n), kind: .holiday, name: name))
            }
        }
        for (day, name) in makeUpDays {
            guard let date = CivilDate(day) else { continue }
            days.append(CalendarDay(date: date, kind: .workday, name: "\(name)调休上班"))
        }
        return days
    }()
}

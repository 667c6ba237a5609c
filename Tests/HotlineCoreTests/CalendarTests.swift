import Foundation
import Testing

@testable import HotlineCore

/// Shanghai wall-clock time as an instant.
func shanghai(_ text: String) -> Date {
    // "2026-02-13 10:00"
    let parts = text.split(separator: " ")
    let date = CivilDate(String(parts[0]))!
    let hm = parts.count > 1 ? parts[1].split(separator: ":").map { Int($0)! } : [0, 0]
    return date.instant(atMinute: hm[0] * 60 + hm[1])
}

@Suite("Civil dates")
struct CivilDateTests {
    @Test("weekdays of known dates", arguments: [
        ("1970-01-01", 4), ("2024-02-29", 4), ("2026-02-14", 6), ("2026-02-15", 7), ("2026-11-22", 7), ("2000-01-01", 6), ("2026-10-10", 6),
    ])
    func weekday(date: String, weekday: Int) throws {
        #expect(try #require(CivilDate(date)).weekday == weekday)
    }

    @Test("day numbers round-trip over six years")
    func roundTrip() throws {
        let start = try #require(CivilDate("2023-12-25")).dayNumber
        for n in start..<(start + 6 * 366) {
            #expect(CivilDate(dayNumber: n).dayNumber == n)
        }
    }

    @Test("invalid dates are refused", arguments: ["2026-02-30", "2025-02-29", "2026-13-01", "2026-1-01", "20260101", "abcd-ef-gh", ""])
    func invalid(text: String) {
        #expect(CivilDate(text) == nil)
    }

    @Test("an instant falls on its Shanghai date, not its UTC date")
    func shanghaiDate() {
        // 2026-02-13 17:00 UTC is 2026-02-14 01:00 in Shanghai.
        let instant = Date(timeIntervalSince1970: 1_771_002_000)
        #expect(CivilDate(instant).description == "2026-02-14")
        #expect(CivilDate.minuteOfDay(instant) == 60)
    }
}

@Suite("Working calendar")
struct WorkingCalendarTests {
    let calendar = WorkingCalendar.china

    @Test("statutory holidays and make-up working days of 2024–2026", arguments: [
        // Holidays on weekdays
        ("2024-01-01", false), ("2024-02-12", false), ("2024-04-04", false), ("2024-05-01", false), ("2024-06-10", false),
        ("2024-09-16", false), ("2024-10-07", false),
        ("2025-01-01", false), ("2025-01-28", false), ("2025-02-04", false), ("2025-04-04", false), ("2025-05-05", false),
        ("2025-06-02", false), ("2025-10-08", false),
        ("2026-01-02", false), ("2026-02-16", false), ("2026-02-23", false), ("2026-04-06", false), ("2026-05-04", false),
        ("2026-06-19", false), ("2026-09-25", false), ("2026-10-01", false), ("2026-10-07", false),
        // Weekends made working days (调休)
        ("2024-02-04", true), ("2024-02-18", true), ("2024-04-07", true), ("2024-04-28", true), ("2024-05-11", true),
        ("2024-09-14", true), ("2024-09-29", true), ("2024-10-12", true),
        ("2025-01-26", true), ("2025-02-08", true), ("2025-04-27", true), ("2025-09-28", true), ("2025-10-11", true),
        ("2026-01-04", true), ("2026-02-14", true), ("2026-02-28", true), ("2026-05-09", true), ("2026-09-20", true), ("2026-10-10", true),
        // Ordinary days
        ("2026-11-23", true), ("2026-11-22", false), ("2026-11-21", false), ("2025-03-03", true),
    ])
    func workingDays(date: String, working: Bool) throws {
        #expect(calendar.isWorkingDay(try #require(CivilDate(date))) == working)
    }

    @Test("2026's exceptions are the published ones, in order")
    func exceptions2026() {
        let days = calendar.exceptions(in: 2026).map { "\($0.date)\($0.kind == .holiday ? "休" : "班")" }
        #expect(days == [
            "2026-01-01休", "2026-01-02休", "2026-01-04班", "2026-02-14班", "2026-02-16休", "2026-02-17休", "2026-02-18休", "2026-02-19休",
            "2026-02-20休", "2026-02-23休", "2026-02-28班", "2026-04-06休", "2026-05-01休", "2026-05-04休", "2026-05-05休", "2026-05-09班",
            "2026-06-19休", "2026-09-20班", "2026-09-25休", "2026-10-01休", "2026-10-02休", "2026-10-05休", "2026-10-06休", "2026-10-07休",
            "2026-10-10班",
        ])
    }

    @Test("working days skip the Spring Festival and count the make-up Saturday", arguments: [
        // Friday 2026-02-13: next working days are Sat 02-14 (make-up), then 02-24 (after the holiday).
        ("2026-02-13 10:00", 1, "2026-02-14 17:30"),
        ("2026-02-13 10:00", 2, "2026-02-24 17:30"),
        ("2026-02-13 10:00", 5, "2026-02-27 17:30"),
        ("2026-02-13 10:00", 6, "2026-02-28 17:30"),
        // National Day 2026: Sep 30 (Wed) + 1 → Oct 8; Oct 9 + 1 → Sat Oct 10 (make-up).
        ("2026-09-30 09:00", 1, "2026-10-08 17:30"),
        ("2026-10-09 09:00", 1, "2026-10-10 17:30"),
        // An ordinary week: Monday + 5 → next Monday.
        ("2026-11-23 11:00", 5, "2026-11-30 17:30"),
        // Accepted on a Sunday: counting starts with Monday.
        ("2026-11-22 20:00", 1, "2026-11-23 17:30"),
    ])
    func addingWorkingDays(start: String, days: Int, expected: String) {
        #expect(calendar.addingWorkingDays(days, to: shanghai(start)) == shanghai(expected))
    }

    @Test("working hours skip lunch, nights, weekends and holidays", arguments: [
        ("2026-11-23 10:00", 120, "2026-11-23 12:00"),
        ("2026-11-23 11:00", 120, "2026-11-23 14:30"),
        ("2026-11-23 17:00", 120, "2026-11-24 10:30"),
        ("2026-11-20 17:00", 120, "2026-11-23 10:30"),
        ("2026-11-23 07:00", 30, "2026-11-23 09:30"),
        ("2026-11-23 12:30", 30, "2026-11-23 14:00"),
        ("2026-09-30 17:00", 60, "2026-10-08 09:30"),
        ("2026-02-13 17:00", 60, "2026-02-14 09:30"),
    ])
    func addingWorkingMinutes(start: String, minutes: Int, expected: String) {
        #expect(calendar.addingWorkingMinutes(minutes, to: shanghai(start)) == shanghai(expected))
    }

    @Test("working minutes between two instants")
    func workingMinutesBetween() {
        #expect(calendar.workingMinutes(from: shanghai("2026-11-23 11:00"), to: shanghai("2026-11-23 14:30")) == 120)
        #expect(calendar.workingMinutes(from: shanghai("2026-11-20 17:00"), to: shanghai("2026-11-23 10:30")) == 120)
        #expect(calendar.workingMinutes(from: shanghai("2026-11-23 10:00"), to: shanghai("2026-11-23 09:00")) == 0)
    }

    @Test("an admin-added year changes working days without a release")
    func addedYear() throws {
        let day = try #require(CivilDate("2027-01-01"))
        #expect(calendar.isWorkingDay(day))
        let edited = WorkingCalendar(days: ChinaHolidays.all + [CalendarDay(date: day, kind: .holiday, name: "元旦")])
        #expect(!edited.isWorkingDay(day))
        #expect(edited.exceptions(in: 2027).count == 1)
    }
}

@Suite("Deadline policies")
struct DeadlinePlannerTests {
    let planner = DeadlinePlanner(calendar: .china, policies: SLAPolicy.defaults)

    func subject(_ type: TicketType, _ urgency: Urgency = .normal, _ channel: Channel = .phone, category: String? = nil,
                 difficult: Bool = false) -> DeadlineSubject {
        DeadlineSubject(type: type, urgency: urgency, channel: channel, categoryCode: category, difficult: difficult)
    }

    @Test("the most specific default policy applies", arguments: [
        (TicketType.complaint, Urgency.normal, Channel.phone, false, "一般诉求"),
        (.consultation, .normal, .phone, false, "咨询类"),
        (.complaint, .urgent, .phone, false, "紧急诉求"),
        (.help, .urgent, .police110, false, "110转办紧急诉求"),
        (.complaint, .normal, .web, true, "疑难诉求"),
        (.praise, .normal, .phone, false, "一般诉求"),
    ])
    func policyChoice(type: TicketType, urgency: Urgency, channel: Channel, difficult: Bool, name: String) {
        #expect(planner.policy(for: subject(type, urgency, channel, difficult: difficult)).name == name)
    }

    @Test("deadlines follow the design defaults")
    func defaults() {
        let start = shanghai("2026-11-23 10:00")
        let complaint = planner.deadlines(for: subject(.complaint), from: start)
        #expect(complaint.signDueAt == shanghai("2026-11-23 12:00"))
        #expect(complaint.replyDueAt == shanghai("2026-11-30 17:30"))
        #expect(complaint.dueSoonAt < complaint.replyDueAt && complaint.dueSoonAt > start)
        #expect(planner.deadlines(for: subject(.consultation), from: start).replyDueAt == shanghai("2026-11-24 17:30"))
        let urgent = planner.deadlines(for: subject(.help, .urgent), from: start)
        #expect(urgent.signDueAt == start.addingTimeInterval(1800))
        #expect(urgent.replyDueAt == start.addingTimeInterval(7200))
        #expect(planner.deadlines(for: subject(.help, .urgent, .police110), from: start).replyDueAt == start.addingTimeInterval(3600))
        #expect(planner.deadlines(for: subject(.complaint, difficult: true), from: start).replyDueAt == shanghai("2026-12-14 17:30"))
    }

    @Test("a category policy beats the type default, a longer prefix beats a shorter")
    func categoryPolicy() {
        let planner = DeadlinePlanner(calendar: .china, policies: SLAPolicy.defaults + [
            SLAPolicy(name: "教育", categoryPrefix: "01", sign: TimeLimit(2, .workingHours), reply: TimeLimit(10, .workingDays)),
            SLAPolicy(name: "招生", categoryPrefix: "010203", sign: TimeLimit(1, .workingHours), reply: TimeLimit(3, .workingDays)),
        ])
        #expect(planner.policy(for: subject(.complaint, category: "010101")).name == "教育")
        #expect(planner.policy(for: subject(.complaint, category: "010203")).name == "招生")
        #expect(planner.policy(for: subject(.complaint, category: "020101")).name == "一般诉求")
        #expect(planner.policy(for: subject(.complaint, .urgent, category: "010203")).name == "紧急诉求")
    }

    @Test("an extension moves the reply deadline by working days")
    func extensionMoves() {
        let due = shanghai("2026-02-13 17:30")
        let moved = planner.extend(due, byWorkingDays: 2, now: shanghai("2026-02-12 09:00"))
        #expect(moved.replyDueAt == shanghai("2026-02-24 17:30"))
    }
}

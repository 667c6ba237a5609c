import Foundation
import HotlineCore
import SQLKit

/// The working calendar (工作日历) deadlines are counted on, and the reference data a new database starts with.
extension Store {
    // MARK: Working calendar

    func calendar(_ db: any SQLDatabase) async throws -> WorkingCalendar {
        let days = try await db.raw("SELECT day, kind, name FROM calendar_days").all().compactMap { row -> CalendarDay? in
            guard let date = CivilDate(try row.decode(column: "day", as: String.self)),
                let kind = CalendarDayKind(rawValue: try row.decode(column: "kind", as: String.self))
            else { return nil }
            return CalendarDay(date: date, kind: kind, name: try row.decode(column: "name", as: String.self))
        }
        return WorkingCalendar(days: days)
    }

    /// The working calendar as stored.
    public func calendar() async throws -> WorkingCalendar {
        try await database.read { db in try await self.calendar(db) }
    }

    /// Records (or changes) one day of the calendar.
    public func setCalendarDay(_ day: CalendarDay, by actor: Actor) async throws {
        try actor.require(.manageReferenceData)
        guard !day.name.isEmpty, day.name.count <= 50 else { throw HotlineError.invalid("name", "名称不能为空且不超过50字") }
        try await database.transaction { db in
            try await db.raw("DELETE FROM calendar_days WHERE day = \(bind: day.date.description)").run()
            try await db.raw("INSERT INTO calendar_days (day, kind, name) VALUES (\(bind: day.date.description), \(bind: day.kind.rawValue), \(bind: day.name))").run()
            try await self.resetAssessmentRollup(db)
        }
    }

    /// Returns a day to the ordinary week.
    public func removeCalendarDay(_ date: CivilDate, by actor: Actor) async throws {
        try actor.require(.manageReferenceData)
        try await database.transaction { db in
            guard try await db.raw("DELETE FROM calendar_days WHERE day = \(bind: date.description) RETURNING day").first() != nil else {
                throw HotlineError.notFound("日历日期")
            }
            try await self.resetAssessmentRollup(db)
        }
    }

    /// Loads the default categories, SLA policies and China's calendar into an empty database.
    public func seedReferenceData() async throws {
        let empty = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM sla_policies").first()?.decode(column: "n", as: Int.self) == 0
        }
        guard empty else { return }
        for policy in SLAPolicy.defaults { try await saveSLAPolicy(policy, by: .system) }
        try await database.transaction { db in
            for day in ChinaHolidays.all {
                try await db.raw("INSERT INTO calendar_days (day, kind, name) VALUES (\(bind: day.date.description), \(bind: day.kind.rawValue), \(bind: day.name))").run()
            }
        }
        _ = try await importCategories(try CategoryImport.bundledDefault(), by: .system)
    }
}

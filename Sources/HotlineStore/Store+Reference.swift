import Foundation
import HotlineCore
import SQLKit

/// Categories, SLA policies and the working calendar: reference data that admins edit.
extension Store {
    /// The result of a category import.
    public struct CategoryImportResult: Sendable {
        public var inserted: Int
        public var updated: Int
        public var problems: [CategoryImport.Problem]
    }

    /// Writes the parsed tree in one transaction: new codes are added, existing ones renamed in place.
    public func importCategories(_ parsed: CategoryImport, by actor: Actor) async throws -> CategoryImportResult {
        try actor.require(.manageReferenceData)
        let nodes = parsed.nodes
        let (inserted, updated) = try await database.transaction { db in
            var inserted = 0
            var updated = 0
            for node in nodes {
                let exists = try await db.raw("SELECT code FROM categories WHERE code = \(bind: node.code)").first() != nil
                if exists {
                    try await db.raw("""
                        UPDATE categories SET name = \(bind: node.name), level = \(bind: node.level), parent_code = \(bind: node.parentCode),
                          description = \(bind: node.description), active = \(bind: true) WHERE code = \(bind: node.code)
                        """).run()
                    updated += 1
                } else {
                    try await db.raw("""
                        INSERT INTO categories (code, name, level, parent_code, description, active)
                        VALUES (\(bind: node.code), \(bind: node.name), \(bind: node.level), \(bind: node.parentCode), \(bind: node.description), \(bind: true))
                        """).run()
                    inserted += 1
                }
            }
            return (inserted, updated)
        }
        return CategoryImportResult(inserted: inserted, updated: updated, problems: parsed.problems)
    }

    /// Every active category, parents before children.
    public func categories() async throws -> [CategoryNode] {
        try await database.read { db in
            try await db.raw("SELECT code, name, level, parent_code, description FROM categories WHERE active = \(bind: true) ORDER BY code")
                .all().map { row in
                    CategoryNode(code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
                                 level: try row.decode(column: "level", as: Int.self),
                                 parentCode: try row.decode(column: "parent_code", as: String?.self),
                                 description: try row.decode(column: "description", as: String?.self))
                }
        }
    }

    /// Whether `code` names an active category.
    func categoryExists(_ code: String, _ db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT code FROM categories WHERE code = \(bind: code) AND active = \(bind: true)").first() != nil
    }

    // MARK: SLA policies

    func slaPolicies(_ db: any SQLDatabase) async throws -> [SLAPolicy] {
        try await db.raw("SELECT * FROM sla_policies ORDER BY id").all().map { row in
            guard let signUnit = DeadlineUnit(rawValue: try row.decode(column: "sign_unit", as: String.self)),
                let replyUnit = DeadlineUnit(rawValue: try row.decode(column: "reply_unit", as: String.self))
            else { throw HotlineError(.corruptRow, "时限策略数据损坏") }
            return SLAPolicy(
                id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                ticketType: try row.decode(column: "ticket_type", as: String?.self).flatMap(TicketType.init(rawValue:)),
                urgency: try row.decode(column: "urgency", as: String?.self).flatMap(Urgency.init(rawValue:)),
                channel: try row.decode(column: "channel", as: String?.self).flatMap(Channel.init(rawValue:)),
                categoryPrefix: try row.decode(column: "category_prefix", as: String?.self),
                difficult: try row.decode(column: "difficult", as: Bool?.self),
                sign: TimeLimit(try row.decode(column: "sign_amount", as: Int.self), signUnit),
                reply: TimeLimit(try row.decode(column: "reply_amount", as: Int.self), replyUnit))
        }
    }

    /// All SLA policies.
    public func slaPolicies() async throws -> [SLAPolicy] {
        try await database.read { db in try await self.slaPolicies(db) }
    }

    /// Adds a policy, or replaces the one with the same id.
    @discardableResult
    public func saveSLAPolicy(_ policy: SLAPolicy, by actor: Actor) async throws -> SLAPolicy {
        try actor.require(.manageReferenceData)
        guard !policy.name.trimmingCharacters(in: .whitespaces).isEmpty, policy.name.count <= 100 else {
            throw HotlineError.invalid("name", "名称不能为空且不超过100字 (required, at most 100 characters)")
        }
        guard policy.sign.amount > 0, policy.reply.amount > 0, policy.sign.amount <= 10000, policy.reply.amount <= 10000 else {
            throw HotlineError.invalid("amount", "时限须为1到10000之间的整数 (limits must be 1–10000)")
        }
        return try await database.transaction { db in
            var saved = policy
            if policy.id > 0 {
                let row = try await db.raw("""
                    UPDATE sla_policies SET name = \(bind: policy.name), ticket_type = \(bind: policy.ticketType?.rawValue),
                      urgency = \(bind: policy.urgency?.rawValue), channel = \(bind: policy.channel?.rawValue),
                      category_prefix = \(bind: policy.categoryPrefix), difficult = \(bind: policy.difficult),
                      sign_amount = \(bind: policy.sign.amount), sign_unit = \(bind: policy.sign.unit.rawValue),
                      reply_amount = \(bind: policy.reply.amount), reply_unit = \(bind: policy.reply.unit.rawValue)
                    WHERE id = \(bind: policy.id) RETURNING id
                    """).first()
                guard row != nil else { throw HotlineError.notFound("时限策略") }
            } else {
                let row = try await db.raw("""
                    INSERT INTO sla_policies (name, ticket_type, urgency, channel, category_prefix, difficult, sign_amount, sign_unit, reply_amount, reply_unit)
                    VALUES (\(bind: policy.name), \(bind: policy.ticketType?.rawValue), \(bind: policy.urgency?.rawValue), \(bind: policy.channel?.rawValue),
                      \(bind: policy.categoryPrefix), \(bind: policy.difficult), \(bind: policy.sign.amount), \(bind: policy.sign.unit.rawValue),
                      \(bind: policy.reply.amount), \(bind: policy.reply.unit.rawValue)) RETURNING id
                    """).first()
                saved.id = try row?.decode(column: "id", as: Int64.self) ?? 0
            }
            return saved
        }
    }

    /// Removes a policy.
    public func deleteSLAPolicy(id: Int64, by actor: Actor) async throws {
        try actor.require(.manageReferenceData)
        try await database.transaction { db in
            guard try await db.raw("DELETE FROM sla_policies WHERE id = \(bind: id) RETURNING id").first() != nil else {
                throw HotlineError.notFound("时限策略")
            }
        }
    }

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
        }
    }

    /// Returns a day to the ordinary week.
    public func removeCalendarDay(_ date: CivilDate, by actor: Actor) async throws {
        try actor.require(.manageReferenceData)
        try await database.transaction { db in
            guard try await db.raw("DELETE FROM calendar_days WHERE day = \(bind: date.description) RETURNING day").first() != nil else {
                throw HotlineError.notFound("日历日期")
            }
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

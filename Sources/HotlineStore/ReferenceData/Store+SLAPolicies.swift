import Foundation
import HotlineCore
import SQLKit

/// SLA policies (办理时限): which deadlines a ticket gets.
extension Store {
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
        let policy = { var trimmed = policy; trimmed.name = policy.name.trimmingCharacters(in: .whitespacesAndNewlines); return trimmed }()
        guard !policy.name.isEmpty, policy.name.count <= 100 else {
            throw HotlineError.invalid("name", "名称不能为空且不超过100字 (required, at most 100 characters)")
        }
        if let prefix = policy.categoryPrefix, prefix.count > 12 || !prefix.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw HotlineError.invalid("categoryPrefix", "分类代码前缀须为不超过12位的数字 (at most 12 digits)")
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
}

import Foundation
import HotlineCore
import SQLKit

/// What a citizen may do with the number and query code, and revealing a requester's identity (audited).
extension Store {
    // MARK: Identity

    /// The requester's identity in clear, for an actor allowed to see it; each reveal is recorded in the audit chain.
    public func revealIdentity(ticketId: Int64, by actor: Actor) async throws -> Requester {
        guard let role = actor.role, role.may(.revealIdentity) else {
            throw HotlineError.forbidden("当前角色无权查看诉求人信息 (your role may not reveal identity)")
        }
        let at = now
        let row = try await database.transaction { db in
            let row = try await self.visibleRow(ticketId, actor, db)
            if row.confidential && !role.may(.seeWholeCenter) {
                throw HotlineError.forbidden("保密工单不向承办单位显示诉求人信息 (a confidential ticket hides identity from units)")
            }
            try await self.appendEvent(db, ticketId: ticketId, number: row.number, actor: actor, draft: EventDraft(
                action: .revealIdentity, fromStatus: nil, toStatus: nil, note: nil, details: [:]), at: at)
            return row
        }
        return try record(row).requester
    }

    // MARK: Citizens

    /// The ticket a citizen proves with its number and query code. After ten wrong codes for one ticket from one
    /// client within fifteen minutes, that client is refused (429) for that ticket until the window ends, on the
    /// portal and the API alike. Counting per client means nobody can lock a citizen out of their own ticket.
    private func citizenRow(number: String, queryCode: String, client: String, _ db: any SQLDatabase, lock: Bool = false) async throws
        -> TicketRow
    {
        let at = now
        guard TicketNumber.isWellFormed(number) else { throw HotlineError.notFound("工单") }
        let attempt = client + "|" + number
        guard queryCodeFailures.allowed(attempt, now: at) else {
            throw HotlineError(.tooManyAttempts, "查询码错误次数过多，请15分钟后再试 (too many wrong query codes; try again later)")
        }
        guard let row = try await db.raw("SELECT * FROM tickets WHERE number = \(bind: number)\(unsafeRaw: lock ? forUpdate : "")").first()
            .map(TicketRow.init(row:))
        else { throw HotlineError.notFound("工单") }
        guard let code = try? cipher.decrypt(row.queryCodeEnc), Self.constantTimeEqual(code, queryCode.uppercased()) else {
            queryCodeFailures.fail(attempt, now: at)
            throw HotlineError.notFound("工单")
        }
        return row
    }

    /// What a citizen sees with the ticket number and query code: the ticket and its public history.
    public func publicTicket(number: String, queryCode: String, client: String) async throws -> (TicketRecord, [TicketEvent]) {
        try await database.read { db in
            let row = try await self.citizenRow(number: number, queryCode: queryCode, client: client, db)
            let events = try await db.raw("""
                SELECT * FROM ticket_events WHERE ticket_id = \(bind: row.id) AND public = \(bind: true) ORDER BY seq
                """).all().map(Self.event(from:))
            return (try self.record(row), events)
        }
    }

    /// The citizen rates the reply (once, while the ticket waits for callback).
    public func citizenEvaluate(number: String, queryCode: String, satisfaction: Satisfaction, resolved: Bool, comment: String, client: String)
        async throws -> TicketRecord
    {
        let at = now
        let row = try await database.transaction { db in
            let row = try await self.citizenRow(number: number, queryCode: queryCode, client: client, db, lock: true)
            // A citizen's dissatisfaction is recorded; whether it is reasonable (and the ticket redone) the center decides on callback.
            let action = TicketAction.evaluate(satisfaction: satisfaction, resolved: resolved, reasonable: false, comment: comment)
            return try await self.transition(row, action: action, actor: .citizen, at: at, db).row
        }
        return try record(row)
    }
}

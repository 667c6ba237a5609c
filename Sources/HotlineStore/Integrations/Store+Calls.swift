import Foundation
import HotlineCore
import SQLKit

/// What the phone system reports about one call.
public struct CallEvent: Sendable, Equatable {
    public var callId: String
    public var kind: CallEventKind
    public var caller: String?
    /// The username of the agent the call rings at.
    public var agent: String?
    public var at: Date?
    public var recordingURL: String?

    public init(callId: String, kind: CallEventKind, caller: String? = nil, agent: String? = nil, at: Date? = nil, recordingURL: String? = nil) {
        self.callId = callId
        self.kind = kind
        self.caller = caller
        self.agent = agent
        self.at = at
        self.recordingURL = recordingURL
    }
}

/// The phone system (CTI 来电弹屏): calls reported by the PBX with an integration key, the calls ringing at an agent
/// (the console pops them), the ticket of a call, and the connection indicators.
extension Store {
    /// Records one event of a call; the same event again changes nothing (the first moment is kept).
    public func recordCallEvent(_ event: CallEvent, by actor: Actor) async throws -> CallRecord {
        guard actor.role?.may(.integrate) == true, let centerId = actor.centerId else {
            throw HotlineError(.notIntegration, "只有电话系统的对接账号可以报告来电 (only an integration account reports calls)")
        }
        let callId = event.callId.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(callId.count) else { throw HotlineError.invalid("callId", "请提供通话编号（64字以内） (callId required)") }
        let caller = try event.caller.map(TicketDraft.normalizedPhone)
        if event.kind == .ringing, caller == nil { throw HotlineError.invalid("caller", "振铃事件须带来电号码 (caller required when ringing)") }
        if let url = event.recordingURL, !WebAddress.isValid(url) {
            throw HotlineError.invalid("recordingUrl", "录音地址须为 http(s) 网址 (recordingUrl must be an http or https URL)")
        }
        let at = (event.at ?? now).millis
        let callerEnc = try caller.map(cipher.encrypt)
        let callerHash = caller.map(cipher.blindIndex)
        return try await database.transaction { db in
            var agentId: Int64?
            if let name = event.agent {
                guard let row = try await db.raw("""
                    SELECT s.id, s.role, u.center_id FROM users s JOIN units u ON u.id = s.unit_id WHERE s.username = \(bind: name) AND s.active = \(bind: true)
                    """).first(), try row.decode(column: "center_id", as: Int64?.self) == centerId,
                    Role(rawValue: try row.decode(column: "role", as: String.self))?.may(.recordTickets) == true
                else { throw HotlineError(.unknownUnit, "坐席「\(name)」不是本中心的话务员 (agent not of this center)") }
                agentId = try row.decode(column: "id", as: Int64.self)
            }
            let column: String = switch event.kind {
            case .ringing: "ringing_at"
            case .answered: "answered_at"
            case .ended: "ended_at"
            }
            try await db.raw("""
                INSERT INTO calls (center_id, call_id, caller_enc, caller_hash, agent_user_id, \(unsafeRaw: column), recording_url, updated_at)
                VALUES (\(bind: centerId), \(bind: callId), \(bind: callerEnc), \(bind: callerHash), \(bind: agentId), \(bind: at), \(bind: event.recordingURL),
                  \(bind: self.now.millis))
                ON CONFLICT (center_id, call_id) DO UPDATE SET
                  caller_enc = COALESCE(calls.caller_enc, excluded.caller_enc), caller_hash = COALESCE(calls.caller_hash, excluded.caller_hash),
                  agent_user_id = COALESCE(excluded.agent_user_id, calls.agent_user_id),
                  \(unsafeRaw: column) = COALESCE(calls.\(unsafeRaw: column), excluded.\(unsafeRaw: column)),
                  recording_url = COALESCE(excluded.recording_url, calls.recording_url), updated_at = excluded.updated_at
                """).run()
            guard let row = try await db.raw("SELECT * FROM calls WHERE center_id = \(bind: centerId) AND call_id = \(bind: callId)").first() else {
                throw HotlineError(.insertFailed, "来电记录未保存")
            }
            return try self.call(from: row)
        }
    }

    /// The calls ringing or in progress at `agentUserId` that changed after `since` (the console's screen-pop).
    public func activeCalls(agentUserId: Int64, since: Date) async throws -> [CallRecord] {
        try await database.read { db in
            try await db.raw("""
                SELECT * FROM calls WHERE agent_user_id = \(bind: agentUserId) AND ended_at IS NULL AND updated_at >= \(bind: since.millis) ORDER BY id
                """).all().map(self.call(from:))
        }
    }

    /// The call a ticket was recorded during, if any, for a reader who may see the ticket.
    public func call(ofTicket ticketId: Int64, for actor: Actor) async throws -> CallRecord? {
        try await database.read { db in
            _ = try await self.visibleRow(ticketId, actor, db)
            return try await db.raw("SELECT * FROM calls WHERE ticket_id = \(bind: ticketId) ORDER BY id LIMIT 1").first().map { row in
                var call = try self.call(from: row)
                call.caller = nil
                // The recording is the citizen's voice: for the center's staff only.
                if actor.role?.may(.seeWholeCenter) != true { call.recordingURL = nil }
                return call
            }
        }
    }

    /// Records a ticket during a call: the ticket keeps the call (and its recording) in the same transaction.
    public func createTicket(_ draft: TicketDraft, centerId: Int64, duringCall callId: String, by actor: Actor, idempotencyKey: String? = nil,
                             files uploads: [CheckedUpload] = [], then followUp: ActionInput? = nil) async throws -> CreatedTicket {
        let agentId = actor.userId ?? -1
        return try await createTicket(draft, centerId: centerId, by: actor, idempotencyKey: idempotencyKey, files: uploads, then: followUp,
                                      alongside: { row, db in
            // Only a call that rang at this agent, and has no ticket yet: else nothing is recorded.
            let linked = try await db.raw("""
                UPDATE calls SET ticket_id = \(bind: row.id) WHERE center_id = \(bind: centerId) AND call_id = \(bind: callId)
                  AND agent_user_id = \(bind: agentId) AND ticket_id IS NULL RETURNING id
                """).first()
            guard linked != nil else {
                throw HotlineError.invalid("callId", "该通话不是您正在接听的来电，或已登记过工单 (not a call of yours, or it has a ticket)")
            }
        })
    }

    /// The connection indicators of the center's calls that rang in [from, to).
    public func callStatistics(centerId: Int64, from: Date, to: Date) async throws -> CallStatistics {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT * FROM calls WHERE center_id = \(bind: centerId) AND ringing_at >= \(bind: from.millis) AND ringing_at < \(bind: to.millis)
                """).all()
            return CallStatistics(calls: try rows.map(self.call(from:)))
        }
    }

    func call(from row: any SQLRow) throws -> CallRecord {
        func date(_ column: String) throws -> Date? { try row.decode(column: column, as: Int64?.self).map(Date.init(millis:)) }
        return CallRecord(
            id: try row.decode(column: "id", as: Int64.self), centerId: try row.decode(column: "center_id", as: Int64.self),
            callId: try row.decode(column: "call_id", as: String.self), caller: try row.decode(column: "caller_enc", as: String?.self).map(cipher.decrypt),
            agentUserId: try row.decode(column: "agent_user_id", as: Int64?.self), ringingAt: try date("ringing_at"), answeredAt: try date("answered_at"),
            endedAt: try date("ended_at"), recordingURL: try row.decode(column: "recording_url", as: String?.self),
            ticketId: try row.decode(column: "ticket_id", as: Int64?.self))
    }
}

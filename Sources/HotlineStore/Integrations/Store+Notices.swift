import Foundation
import HotlineCore
import SQLKit

/// One notice on its way to the gateway. The citizen's phone is decrypted only here, in memory, for the gateway.
public struct ClaimedNotice: Sendable, Equatable {
    public let id: Int64
    public let kind: NoticeKind
    /// The account it goes to (staff), or nil for the citizen.
    public let userId: Int64?
    public let username: String?
    /// The citizen's phone in clear (citizen notices only).
    public let phone: String?
    /// The recipient as the log shows it (`138****1234`, `housing`).
    public let maskedTo: String
    public let text: String
    public let attempts: Int
    public let token: String
}

/// A notice as the log lists it: never the clear number, nor the citizen's query code.
public struct NoticeRecord: Sendable, Equatable {
    public var id: Int64
    public var kind: NoticeKind
    public var ticketNumber: String?
    public var maskedTo: String
    public var text: String
    public var status: DeliveryStatus
    public var attempts: Int
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?
}

/// Notifications (短信/微信通知, DESIGN.md §6): planned from the history in commit order (one node at a time), one per
/// event, kind and recipient (a retry never sends twice), sent through the center's gateway with the relay's leases
/// and retries, logged without the clear number.
extension Store {
    // MARK: Templates

    /// The center's wording of every kind: its own where it saved one, else the default.
    public func noticeTemplates(centerId: Int64) async throws -> [NoticeKind: String] {
        try await database.read { db in try await self.noticeTemplates(centerId: centerId, db) }
    }

    func noticeTemplates(centerId: Int64, _ db: any SQLDatabase) async throws -> [NoticeKind: String] {
        var templates = Dictionary(uniqueKeysWithValues: NoticeKind.allCases.map { ($0, $0.defaultTemplate) })
        for row in try await db.raw("SELECT kind, text FROM notice_templates WHERE center_id = \(bind: centerId)").all() {
            if let kind = NoticeKind(rawValue: try row.decode(column: "kind", as: String.self)) {
                templates[kind] = try row.decode(column: "text", as: String.self)
            }
        }
        return templates
    }

    /// Saves the actor's center's wording of `kind` (only the kind's variables).
    public func saveNoticeTemplate(_ kind: NoticeKind, text: String, by actor: Actor) async throws -> String {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        let text = try NoticeTemplate.validate(text, for: kind)
        let at = now.millis
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO notice_templates (center_id, kind, text, updated_at) VALUES (\(bind: centerId), \(bind: kind.rawValue), \(bind: text), \(bind: at))
                ON CONFLICT (center_id, kind) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at
                """).run()
        }
        return text
    }

    // MARK: Planning

    /// Plans the notices of up to `limit` events committed since the last planning; returns how many events it read.
    /// `link` makes the citizen's link to the ticket's public page (with its number and query code).
    @discardableResult
    public func planNotices(limit: Int = 500, link: @escaping @Sendable (_ number: String, _ queryCode: String) -> String) async throws -> Int {
        let at = now.millis
        return try await database.transaction { db in
            guard let state = try await db.raw("SELECT planned_seq FROM notice_state WHERE id = 1\(unsafeRaw: self.forUpdate)").first() else {
                throw HotlineError(.corruptRow, "通知游标缺失 (notice state missing)")
            }
            let cursor = try state.decode(column: "planned_seq", as: Int64.self)
            let events = try await db.raw("""
                SELECT seq, ticket_id, action, to_status, note, details FROM ticket_events WHERE seq > \(bind: cursor) ORDER BY seq LIMIT \(literal: limit)
                """).all()
            guard let last = events.last else { return 0 }
            var planned: [(seq: Int64, ticketId: Int64?, centerId: Int64, kind: NoticeKind, recipient: String, userId: Int64?, phoneEnc: String?,
                           masked: String, text: String, logged: String)] = []
            // Read once per batch: each center's templates, each unit's name and recipients.
            var templates: [Int64: [NoticeKind: String]] = [:]
            var unitNames: [Int64: String] = [:]
            var recipients: [String: [(id: Int64, username: String)]] = [:]
            func name(_ unitId: Int64) async throws -> String {
                if let known = unitNames[unitId] { return known }
                let found = try await self.unitName(unitId, db)
                unitNames[unitId] = found
                return found
            }
            func people(_ unitId: Int64, _ role: Role) async throws -> [(id: Int64, username: String)] {
                let key = "\(unitId) \(role.rawValue)"
                if let known = recipients[key] { return known }
                let found = try await self.noticeRecipients(unitId: unitId, role: role, db)
                recipients[key] = found
                return found
            }
            for event in events {
                guard let action = ActionCode(rawValue: try event.decode(column: "action", as: String.self)) else { continue }
                let status = try event.decode(column: "to_status", as: String?.self).flatMap(TicketStatus.init(rawValue:))
                let details = [String: [String]](json: try event.decode(column: "details", as: String.self))
                let kinds = NoticeKind.of(action, to: status, approved: details["approved"] == ["true"])
                guard !kinds.isEmpty else { continue }
                let seq = try event.decode(column: "seq", as: Int64.self)
                let note = try event.decode(column: "note", as: String?.self) ?? ""
                if let ticketId = try event.decode(column: "ticket_id", as: Int64?.self) {
                    guard let row = try await self.ticketRow(ticketId, db) else { continue }
                    let centerId = row.state.centerId
                    if templates[centerId] == nil { templates[centerId] = try await self.noticeTemplates(centerId: centerId, db) }
                    let unitId = row.state.handlingUnitId ?? row.state.mainUnitId
                    var unitName = ""
                    if let unitId { unitName = try await name(unitId) }
                    for kind in kinds {
                        var values = ["number": row.number, "title": row.title, "unit": unitName, "reason": note,
                                      "deadline": row.state.replyDueAt.map(Self.noticeTime) ?? ""]
                        switch kind.audience {
                        case .citizen:
                            guard let phoneEnc = row.requesterPhoneEnc else { continue }
                            let queryCode = try self.cipher.decrypt(row.queryCodeEnc)
                            values["queryCode"] = queryCode
                            values["link"] = link(row.number, queryCode)
                            let phone = try self.cipher.decrypt(phoneEnc)
                            let template = templates[centerId]?[kind] ?? kind.defaultTemplate
                            var masked = values
                            masked["queryCode"] = "****"
                            masked["link"] = link(row.number, "****")
                            planned.append((seq, ticketId, centerId, kind, "citizen", nil, phoneEnc, Masking.phone(phone),
                                            NoticeTemplate.render(template, values), NoticeTemplate.render(template, masked)))
                        case .handlers, .leaders:
                            guard let unitId else { continue }
                            let text = NoticeTemplate.render(templates[centerId]?[kind] ?? kind.defaultTemplate, values)
                            for user in try await people(unitId, kind.audience == .handlers ? .unitHandler : .unitAdmin) {
                                planned.append((seq, ticketId, centerId, kind, "user:\(user.id)", user.id, nil, user.username, text, text))
                            }
                        }
                    }
                } else if let centerId = details["centerId"]?.first.flatMap({ Int64($0) }) {
                    // A warning: the leaders of each unit it names.
                    if templates[centerId] == nil { templates[centerId] = try await self.noticeTemplates(centerId: centerId, db) }
                    for kind in kinds where kind == .warning {
                        for unitId in (details["units"] ?? []).compactMap({ Int64($0) }) {
                            let values = ["warning": note, "unit": try await name(unitId)]
                            let text = NoticeTemplate.render(templates[centerId]?[kind] ?? kind.defaultTemplate, values)
                            for user in try await people(unitId, .unitAdmin) {
                                planned.append((seq, nil, centerId, kind, "user:\(user.id)", user.id, nil, user.username, text, text))
                            }
                        }
                    }
                }
            }
            for chunk in stride(from: 0, to: planned.count, by: 300).map({ planned[$0..<min($0 + 300, planned.count)] }) {
                var insert = db.insert(into: "notices").columns(
                    "center_id", "event_seq", "ticket_id", "kind", "recipient", "user_id", "phone_enc", "masked_to", "text", "text_enc", "status",
                    "attempts", "next_at", "created_at")
                for n in chunk {
                    insert = insert.values(SQLBind(n.centerId), SQLBind(n.seq), SQLBind(n.ticketId), SQLBind(n.kind.rawValue), SQLBind(n.recipient),
                                           SQLBind(n.userId), SQLBind(n.phoneEnc), SQLBind(n.masked), SQLBind(n.logged),
                                           SQLBind(try self.cipher.encrypt(n.text)), SQLBind(DeliveryStatus.pending.rawValue), SQLBind(0), SQLBind(at),
                                           SQLBind(at))
                }
                try await insert.ignoringConflicts().run()
            }
            try await db.raw("UPDATE notice_state SET planned_seq = \(bind: try last.decode(column: "seq", as: Int64.self)) WHERE id = 1").run()
            return events.count
        }
    }

    func noticeRecipients(unitId: Int64, role: Role, _ db: any SQLDatabase) async throws -> [(id: Int64, username: String)] {
        try await db.raw("""
            SELECT id, username FROM users WHERE unit_id = \(bind: unitId) AND role = \(bind: role.rawValue) AND active = \(bind: true) ORDER BY id
            """).all().map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "username", as: String.self)) }
    }

    func unitName(_ id: Int64, _ db: any SQLDatabase) async throws -> String {
        try await db.raw("SELECT name FROM units WHERE id = \(bind: id)").first()?.decode(column: "name", as: String.self) ?? ""
    }

    static func noticeTime(_ date: Date) -> String {
        let local = date.addingTimeInterval(8 * 3600)
        let day = CivilDate(date)
        let minutes = Int(local.timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400) / 60)
        return "\(day.description) \(String(format: "%02d:%02d", minutes / 60, minutes % 60))"
    }

    // MARK: Sending

    /// Claims up to `limit` due notices for `lease` seconds (one node at a time each).
    public func claimNotices(limit: Int, lease: TimeInterval, token: String) async throws -> [ClaimedNotice] {
        let at = now.millis
        let skipLocked = dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try await database.transaction { db -> [any SQLRow] in
            let ids = try await db.raw("""
                SELECT id FROM notices WHERE status = 'pending' AND next_at <= \(bind: at) AND (lease_until IS NULL OR lease_until <= \(bind: at))
                ORDER BY id LIMIT \(literal: limit)\(unsafeRaw: skipLocked)
                """).all().map { try $0.decode(column: "id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            try await db.raw("""
                UPDATE notices SET lease_until = \(bind: at + Int64(lease * 1000)), lease_token = \(bind: token) WHERE id IN (\(binds: ids))
                """).run()
            return try await db.raw("""
                SELECT n.*, u.username FROM notices n LEFT JOIN users u ON u.id = n.user_id WHERE n.id IN (\(binds: ids)) ORDER BY n.id
                """).all()
        }
        return try rows.map { row in
            ClaimedNotice(
                id: try row.decode(column: "id", as: Int64.self),
                kind: NoticeKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .accepted,
                userId: try row.decode(column: "user_id", as: Int64?.self), username: try row.decode(column: "username", as: String?.self),
                phone: try row.decode(column: "phone_enc", as: String?.self).map(cipher.decrypt),
                maskedTo: try row.decode(column: "masked_to", as: String.self), text: try cipher.decrypt(try row.decode(column: "text_enc", as: String.self)),
                attempts: try row.decode(column: "attempts", as: Int.self), token: token)
        }
    }

    /// Records how each claimed notice went: sent, tried again after the policy's wait, or given up.
    public func completeNotices(_ results: [(notice: ClaimedNotice, outcome: DeliveryOutcome)], policy: RetryPolicy) async throws {
        guard !results.isEmpty else { return }
        let at = now.millis
        let writes: [SQLQueryString] = results.map { notice, outcome in
            let attempts = notice.attempts + 1
            switch outcome {
            case .delivered:
                return """
                    UPDATE notices SET status = 'sent', attempts = \(bind: attempts), sent_at = \(bind: at), last_error = NULL, lease_until = NULL,
                      lease_token = NULL WHERE id = \(bind: notice.id) AND lease_token = \(bind: notice.token)
                    """
            case .failed(let status, let error):
                let dead = policy.isExhausted(attempts)
                let next = at + Int64(policy.delay(afterAttempt: attempts, jitter: Double.random(in: 0..<1)) * 1000)
                return """
                    UPDATE notices SET status = \(bind: dead ? DeliveryStatus.dead.rawValue : DeliveryStatus.pending.rawValue), attempts = \(bind: attempts),
                      last_error = \(bind: String((status.map { "HTTP \($0) " } ?? "") + error.prefix(300))), next_at = \(bind: next),
                      lease_until = NULL, lease_token = NULL WHERE id = \(bind: notice.id) AND lease_token = \(bind: notice.token)
                    """
            }
        }
        try await database.transaction { db in
            for write in writes { try await db.raw(write).run() }
        }
    }

    /// The actor's center's notices, newest first: what was sent to whom (masked), and how it went.
    public func notices(limit: Int = 100, by actor: Actor) async throws -> [NoticeRecord] {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        return try await database.read { db in
            try await db.raw("""
                SELECT n.id, n.kind, n.masked_to, n.text, n.status, n.attempts, n.last_error, n.created_at, n.sent_at, t.number FROM notices n
                LEFT JOIN tickets t ON t.id = n.ticket_id WHERE n.center_id = \(bind: centerId) ORDER BY n.id DESC LIMIT \(literal: max(1, min(limit, 500)))
                """).all().map { row in
                let status = try row.decode(column: "status", as: String.self)
                return NoticeRecord(
                    id: try row.decode(column: "id", as: Int64.self), kind: NoticeKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .accepted,
                    ticketNumber: try row.decode(column: "number", as: String?.self), maskedTo: try row.decode(column: "masked_to", as: String.self),
                    text: try row.decode(column: "text", as: String.self),
                    status: status == "sent" ? .delivered : DeliveryStatus(rawValue: status) ?? .pending,
                    attempts: try row.decode(column: "attempts", as: Int.self), lastError: try row.decode(column: "last_error", as: String?.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    sentAt: try row.decode(column: "sent_at", as: Int64?.self).map(Date.init(millis:)))
            }
        }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Reading tickets within a data scope: one, a filtered page, counts for inbox tabs, history and supervisions.
extension Store {
    func ticketRow(_ id: Int64, _ db: any SQLDatabase, lock: Bool = false) async throws -> TicketRow? {
        try await db.raw("SELECT * FROM tickets WHERE id = \(bind: id)\(unsafeRaw: lock ? forUpdate : "")").first().map(TicketRow.init(row:))
    }

    /// The record of a row; `requester` skips decrypting identity the caller already holds in clear.
    func record(_ row: TicketRow, requester known: Requester? = nil) throws -> TicketRecord {
        TicketRecord(
            state: row.state, number: row.number, title: row.title, content: row.content,
            location: Location(address: row.address, regionCode: row.regionCode, latitude: row.latitude, longitude: row.longitude),
            requester: try known ?? Requester(
                kind: RequesterKind(rawValue: row.requesterKind) ?? .person, name: try row.requesterNameEnc.map(cipher.decrypt),
                phone: try row.requesterPhoneEnc.map(cipher.decrypt), idNumber: try row.requesterIdEnc.map(cipher.decrypt),
                enterpriseName: row.enterpriseName, creditCode: row.creditCode),
            confidential: row.confidential,
            attachments: (try? JSONDecoder().decode([AttachmentMeta].self, from: Data(row.attachments.utf8))) ?? [],
            createdBy: row.createdBy, createdAt: Date(millis: row.createdAt), updatedAt: Date(millis: row.updatedAt), version: row.version,
            copiedBy: row.sourceUserId, receivedAt: row.receivedAt.map(Date.init(millis:)))
    }

    /// The SQL condition limiting tickets `t` to what `actor` may see.
    func scopeCondition(_ actor: Actor, _ db: any SQLDatabase) async throws -> SQLQueryString {
        switch actor.kind {
        case .system: return "1 = 1"
        case .citizen: return "1 = 0"
        case .user:
            guard let role = actor.role else { return "1 = 0" }
            // An integration (110 platform, a sub-center) follows the tickets it recorded, not the whole center.
            // The 110 platform also follows what 12345 escalated to it; a linked system (a sub-center, a city's
            // platform) what was dispatched to its unit.
            if role.may(.integrate) {
                let me = actor.userId ?? -1
                let held: SQLQueryString = role.may(.handleTickets) && !actor.unitPath.isEmpty
                    ? "OR EXISTS (SELECT 1 FROM ticket_units tu WHERE tu.ticket_id = t.id AND tu.unit_path LIKE \(bind: OrgUnit.pathText(actor.unitPath) + "%"))"
                    : ""
                // A city's copies on its province are the province's record, not the city's work: out of its scope.
                return """
                    (t.created_by = \(bind: me) OR EXISTS (SELECT 1 FROM police_transfers pt WHERE pt.ticket_id = t.id
                      AND pt.direction = 'toPolice' AND pt.platform_user_id = \(bind: me)) \(held)) AND t.source_user_id IS NULL
                    """
            }
            if role.may(.seeWholeCenter) {
                guard let path = actor.centerPath else { return "1 = 0" }
                return "t.center_id IN (SELECT id FROM units WHERE path LIKE \(bind: OrgUnit.pathText(path) + "%"))"
            }
            guard !actor.unitPath.isEmpty else { return "1 = 0" }
            return "EXISTS (SELECT 1 FROM ticket_units tu WHERE tu.ticket_id = t.id AND tu.unit_path LIKE \(bind: OrgUnit.pathText(actor.unitPath) + "%"))"
        }
    }

    /// Loads a ticket the actor may see, else 404 (another unit's ticket does not exist for you).
    func visibleRow(_ id: Int64, _ actor: Actor, _ db: any SQLDatabase, lock: Bool = false) async throws -> TicketRow {
        let scope = try await scopeCondition(actor, db)
        let visible = try await db.raw("SELECT t.id FROM tickets t WHERE t.id = \(bind: id) AND \(scope)").first()
        guard visible != nil, let row = try await ticketRow(id, db, lock: lock) else { throw HotlineError.notFound("工单") }
        return row
    }

    /// One ticket, if the actor may see it.
    public func ticket(id: Int64, for actor: Actor) async throws -> TicketRecord {
        try record(try await database.read { db in try await self.visibleRow(id, actor, db) })
    }

    /// One ticket by its number, if the actor may see it.
    public func ticket(number: String, for actor: Actor) async throws -> TicketRecord {
        let id = try await database.read { db in
            try await db.raw("SELECT id FROM tickets WHERE number = \(bind: number)").first()?.decode(column: "id", as: Int64.self)
        }
        guard let id else { throw HotlineError.notFound("工单") }
        return try await ticket(id: id, for: actor)
    }

    /// A ticket's history, oldest first.
    public func history(ticketId: Int64, for actor: Actor) async throws -> [TicketEvent] {
        try await database.read { db in
            _ = try await self.visibleRow(ticketId, actor, db)
            return try await db.raw("SELECT * FROM ticket_events WHERE ticket_id = \(bind: ticketId) ORDER BY seq").all().map(Self.event(from:))
        }
    }

    /// Supervisions opened on a ticket.
    public func supervisions(ticketId: Int64, for actor: Actor) async throws -> [Supervision] {
        try await database.read { db in
            _ = try await self.visibleRow(ticketId, actor, db)
            return try await db.raw("SELECT * FROM supervisions WHERE ticket_id = \(bind: ticketId) ORDER BY id").all().map { row in
                Supervision(
                    id: try row.decode(column: "id", as: Int64.self), ticketId: ticketId,
                    level: SupervisionLevel(rawValue: try row.decode(column: "level", as: String.self)) ?? .center,
                    method: SupervisionMethod(rawValue: try row.decode(column: "method", as: String.self)) ?? .automatic,
                    reason: try row.decode(column: "reason", as: String.self), automatic: try row.decode(column: "automatic", as: Bool.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
            }
        }
    }

    /// Tickets matching `filter` within the actor's scope, one page at a time: newest first with a cursor, or by deadline.
    public func tickets(matching filter: TicketFilter, for actor: Actor) async throws -> TicketPage {
        let limit = min(max(filter.limit, 1), 200)
        let rows = try await database.read { db in
            let conditions = try await self.conditions(filter, actor, db)
            let order: SQLQueryString = switch filter.order {
            case .newest: "ORDER BY t.id DESC LIMIT \(literal: limit + 1)"
            case .deadline:
                "ORDER BY CASE WHEN t.reply_due_at IS NULL THEN 1 ELSE 0 END, t.reply_due_at, t.id LIMIT \(literal: limit + 1) OFFSET \(literal: max(filter.offset, 0))"
            case .oldest: "ORDER BY t.id LIMIT \(literal: limit + 1) OFFSET \(literal: max(filter.offset, 0))"
            }
            let query: SQLQueryString = "SELECT t.* FROM tickets t WHERE \(conditions) \(order)"
            return try await db.raw(query).all().map { try TicketRow(row: $0) }
        }
        let page = try rows.prefix(limit).map { try record($0) }
        let more = rows.count > limit
        return TicketPage(tickets: page, nextCursor: more && filter.order == .newest ? page.last?.state.id : nil, hasMore: more)
    }

    /// The columns an export shows (never the requester's identity, never the text).
    static let exportColumns: Set<String> = ["id", "number", "title", "center_id", "status", "type", "urgency", "channel", "category_code",
                                             "main_unit_id", "created_at", "updated_at", "reply_due_at", "replied_at", "closed_at", "satisfaction",
                                             "address", "region_code", "confidential", "version"]

    /// For exports: the tickets matching `filter` within the actor's scope, newest first, handed to `each` `batch` at
    /// a time, at most `limit`. Only `exportColumns` are read and no identity is decrypted, so a large export streams
    /// quickly in bounded memory. Returns how many were handed over.
    @discardableResult
    public func exportTickets(matching filter: TicketFilter, limit: Int, batch: Int = 2000, for actor: Actor,
                              _ each: ([TicketRecord]) async throws -> Void) async throws -> Int {
        let columns = Self.exportColumns.sorted().map { "t.\($0)" }.joined(separator: ", ")
        let anonymous = Requester(kind: .person)
        var before = filter.before
        var written = 0
        while written < limit {
            var next = filter
            next.before = before
            let page = next
            let size = min(batch, limit - written)
            let rows = try await database.read { db in
                let conditions = try await self.conditions(page, actor, db)
                return try await db.raw("SELECT \(unsafeRaw: columns) FROM tickets t WHERE \(conditions) ORDER BY t.id DESC LIMIT \(literal: size)")
                    .all().map { try TicketRow(row: $0, only: Self.exportColumns) }
            }
            guard !rows.isEmpty else { break }
            try await each(try rows.map { try record($0, requester: anonymous) })
            written += rows.count
            guard rows.count == size else { break }
            before = rows.last?.state.id
        }
        return written
    }

    /// The tickets among `ids` that the actor may see, in the order given.
    public func tickets(ids: [Int64], for actor: Actor) async throws -> [TicketRecord] {
        guard !ids.isEmpty else { return [] }
        let rows = try await database.read { db in
            let scope = try await self.scopeCondition(actor, db)
            return try await db.raw("SELECT t.* FROM tickets t WHERE t.id IN (\(binds: ids)) AND \(scope)").all().map { try TicketRow(row: $0) }
        }
        let byId = Dictionary(uniqueKeysWithValues: rows.map { ($0.id, $0) })
        return try ids.compactMap { byId[$0] }.map { try record($0) }
    }

    /// How many tickets match each filter, within the actor's scope (the counts on inbox tabs).
    public func countTickets(_ filters: [String: TicketFilter], for actor: Actor) async throws -> [String: Int] {
        try await database.read { db in
            var counts: [String: Int] = [:]
            for (name, filter) in filters {
                let conditions = try await self.conditions(filter, actor, db)
                counts[name] = try await db.raw("SELECT COUNT(*) AS n FROM tickets t WHERE \(conditions)").first()?.decode(column: "n", as: Int.self) ?? 0
            }
            return counts
        }
    }

    /// The SQL condition for `filter`, always within the actor's data scope.
    func conditions(_ filter: TicketFilter, _ actor: Actor, _ db: any SQLDatabase) async throws -> SQLQueryString {
        let nowMillis = now.millis
        var conditions: [SQLQueryString] = [try await scopeCondition(actor, db)]
        if !filter.statuses.isEmpty {
            conditions.append("t.status IN (\(binds: filter.statuses.map(\.rawValue)))")
        }
        if let unitId = filter.unitId {
            conditions.append("EXISTS (SELECT 1 FROM ticket_units fu WHERE fu.ticket_id = t.id AND fu.unit_id = \(bind: unitId))")
        }
        if let path = filter.heldWithin {
            conditions.append("t.handling_unit_id IN (SELECT id FROM units WHERE path LIKE \(bind: OrgUnit.pathText(path) + "%"))")
        }
        if let code = filter.categoryCode {
            conditions.append(code.isEmpty ? "t.category_code IS NULL" : "t.category_code LIKE \(bind: code + "%")")
        }
        if let channel = filter.channel { conditions.append("t.channel = \(bind: channel.rawValue)") }
        if let type = filter.type { conditions.append("t.type = \(bind: type.rawValue)") }
        if filter.dueSoon { conditions.append(Self.dueCondition(.dueSoon, at: now)) }
        if filter.overdue { conditions.append(Self.dueCondition(.overdue, at: now)) }
        if filter.escalated { conditions.append("t.escalated = \(bind: true)") }
        if filter.sentBack { conditions.append("t.sent_back = \(bind: true)") }
        if filter.extensionPending { conditions.append("t.pending_extension_days IS NOT NULL") }
        if filter.supervised { conditions.append("(t.supervision_count > 0 OR t.escalated = \(bind: true))") }
        if let creator = filter.createdBy { conditions.append("t.created_by = \(bind: creator)") }
        if let coUnit = filter.coUnit {
            conditions.append("EXISTS (SELECT 1 FROM ticket_units cu WHERE cu.ticket_id = t.id AND cu.unit_id = \(bind: coUnit) AND cu.role = 'co')")
        }
        if let region = filter.regionCode { conditions.append(region.isEmpty ? "t.region_code IS NULL" : "t.region_code = \(bind: region)") }
        if let unit = filter.mainUnitId { conditions.append(unit == 0 ? "t.main_unit_id IS NULL" : "t.main_unit_id = \(bind: unit)") }
        if let from = filter.createdFrom { conditions.append("t.created_at >= \(bind: from.millis)") }
        if let to = filter.createdTo { conditions.append("t.created_at < \(bind: to.millis)") }
        if let text = filter.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            conditions.append("(t.title LIKE \(bind: pattern) ESCAPE '\\' OR t.content LIKE \(bind: pattern) ESCAPE '\\' OR t.number = \(bind: text))")
        }
        if let phone = filter.phone {
            conditions.append("t.requester_phone_hash = \(bind: cipher.blindIndex(try TicketDraft.normalizedPhone(phone)))")
            // A unit must not learn who filed a confidential report by trying phone numbers.
            if !(actor.role?.may(.seeWholeCenter) ?? false) { conditions.append("t.confidential = \(bind: false)") }
        }
        if let excluded = filter.excludingId { conditions.append("t.id <> \(bind: excluded)") }
        if let before = filter.before { conditions.append("t.id < \(bind: before)") }
        return "\(conditions.joined(separator: " AND "))"
    }
}

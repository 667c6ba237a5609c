import Foundation
import HotlineCore
import SQLKit

/// A city's link to its provincial platform (上级平台), as its administrator set it and as it runs.
public struct UpstreamLink: Sendable, Equatable {
    public var centerId: Int64
    /// The province's Hotline, e.g. `https://12345.sc.gov.cn`.
    public var url: String
    public var identity: IdentityShare
    public var active: Bool
    /// The last history event sent up, and the last province change read.
    public var upCursor: Int64
    public var downCursor: Int64
    public var sent: Int64
    public var refused: Int64
    public var lastSuccessAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    public var reconciledAt: Date?
    /// History events of the center not yet sent up.
    public var pending: Int64 = 0
}

/// One batch for the province: the snapshots of the tickets whose history grew after `from`, up to `to`.
public struct UpBatch: Sendable {
    public var from: Int64
    public var to: Int64
    public var tickets: [FederatedTicket]
}

/// A province ticket dispatched to the city, as the city read it from the province's API.
public struct ProvinceTicket: Sendable, Equatable {
    public var id: Int64
    public var number: String
    public var type: TicketType
    public var urgency: Urgency
    public var title: String
    public var content: String
    public var categoryCode: String?
    public var location: Location
    public var requester: Requester
    public var confidential: Bool
    public var replyDueAt: Date?

    public init(id: Int64, number: String, type: TicketType, urgency: Urgency, title: String, content: String, categoryCode: String?,
                location: Location, requester: Requester, confidential: Bool, replyDueAt: Date?) {
        self.id = id
        self.number = number
        self.type = type
        self.urgency = urgency
        self.title = title
        self.content = content
        self.categoryCode = categoryCode
        self.location = location
        self.requester = requester
        self.confidential = confidential
        self.replyDueAt = replyDueAt
    }
}

/// The city's side: the link's settings, the batches going up (every ticket and every change, in commit order, from the
/// link's cursor), the province's tickets coming down into the city's own queue, and the day's versions to reconcile.
extension Store {
    // MARK: The link

    public func upstreamLink(for actor: Actor) async throws -> UpstreamLink? {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        return try await database.read { db in try await self.upstreamLink(centerId: centerId, db) }
    }

    func upstreamLink(centerId: Int64, _ db: any SQLDatabase) async throws -> UpstreamLink? {
        guard let row = try await db.raw("SELECT * FROM upstream_links WHERE center_id = \(bind: centerId)").first() else { return nil }
        var link = try Self.upstreamLink(from: row)
        link.pending = try await db.raw("""
            SELECT COUNT(*) AS n FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.seq > \(bind: link.upCursor)
              AND t.center_id = \(bind: centerId)
            """).first()?.decode(column: "n", as: Int64.self) ?? 0
        return link
    }

    static func upstreamLink(from row: any SQLRow) throws -> UpstreamLink {
        UpstreamLink(
            centerId: try row.decode(column: "center_id", as: Int64.self), url: try row.decode(column: "url", as: String.self),
            identity: IdentityShare(rawValue: try row.decode(column: "identity", as: String.self)) ?? .masked,
            active: try row.decode(column: "active", as: Bool.self), upCursor: try row.decode(column: "up_cursor", as: Int64.self),
            downCursor: try row.decode(column: "down_cursor", as: Int64.self), sent: try row.decode(column: "sent", as: Int64.self),
            refused: try row.decode(column: "refused", as: Int64.self),
            lastSuccessAt: try row.decode(column: "last_success_at", as: Int64?.self).map(Date.init(millis:)),
            lastError: try row.decode(column: "last_error", as: String?.self),
            lastErrorAt: try row.decode(column: "last_error_at", as: Int64?.self).map(Date.init(millis:)),
            reconciledAt: try row.decode(column: "reconciled_at", as: Int64?.self).map(Date.init(millis:)))
    }

    /// Links the actor's center to its province (or changes the link): the province's address, the integration key the
    /// province issued to this city (kept encrypted; required the first time), what identity goes up. The first batch
    /// starts from the center's first ticket: the province receives the whole history.
    public func saveUpstreamLink(url: String, apiKey: String?, identity: IdentityShare, active: Bool, by actor: Actor) async throws -> UpstreamLink {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        let url = url.trimmingCharacters(in: .whitespaces).trimmingSuffix("/")
        guard WebAddress.isValid(url) else { throw HotlineError.invalid("url", "上级平台地址须为http(s)地址 (url must be an http(s) address)") }
        let key = apiKey?.trimmingCharacters(in: .whitespaces)
        if let key, !key.hasPrefix("hlk_") || key.count > 200 { throw HotlineError.invalid("apiKey", "密钥格式不正确 (not a Hotline integration key)") }
        let at = now
        return try await database.transaction { db in
            let existing = try await db.raw("SELECT key_enc FROM upstream_links WHERE center_id = \(bind: centerId)\(unsafeRaw: self.forUpdate)").first()
            guard let keyEnc = try key.map(self.cipher.encrypt) ?? existing?.decode(column: "key_enc", as: String.self) else {
                throw HotlineError.invalid("apiKey", "首次设置须提供上级平台签发的密钥 (the province's key is required)")
            }
            try await db.raw("""
                INSERT INTO upstream_links (center_id, url, key_enc, identity, active, up_cursor, down_cursor, sent, refused, created_at)
                VALUES (\(bind: centerId), \(bind: url), \(bind: keyEnc), \(bind: identity.rawValue), \(bind: active), 0, 0, 0, 0, \(bind: at.millis))
                ON CONFLICT (center_id) DO UPDATE SET url = excluded.url, key_enc = excluded.key_enc, identity = excluded.identity, active = excluded.active
                """).run()
            try await self.appendEvent(db, ticketId: nil, number: nil, actor: actor, draft: EventDraft(
                action: .changeSubscription, fromStatus: nil, toStatus: nil, note: "上级平台 \(URL(string: url)?.host ?? "")",
                details: ["centerId": [String(centerId)], "upstream": [URL(string: url)?.host ?? ""], "identity": [identity.rawValue],
                          "active": [String(active)]]), at: at)
            guard let link = try await self.upstreamLink(centerId: centerId, db) else { throw HotlineError(.insertFailed, "上级平台未保存") }
            return link
        }
    }

    /// Every active link with its key in clear, for the sync service.
    public func activeUpstreamLinks() async throws -> [(link: UpstreamLink, apiKey: String)] {
        try await database.read { db in
            try await db.raw("SELECT * FROM upstream_links WHERE active = \(bind: true) ORDER BY center_id").all().map { row in
                (try Self.upstreamLink(from: row), try self.cipher.decrypt(try row.decode(column: "key_enc", as: String.self)))
            }
        }
    }

    /// Notes how the last exchange with the province went.
    public func recordUpstreamOutcome(centerId: Int64, error: String?) async throws {
        let at = now.millis
        try await database.transaction { db in
            if let error {
                try await db.raw("""
                    UPDATE upstream_links SET last_error = \(bind: String(error.prefix(500))), last_error_at = \(bind: at) WHERE center_id = \(bind: centerId)
                    """).run()
            } else {
                try await db.raw("UPDATE upstream_links SET last_success_at = \(bind: at) WHERE center_id = \(bind: centerId)").run()
            }
        }
    }

    // MARK: Up

    /// The next batch: the tickets whose history grew after the cursor (at most `limit` events read), each with its
    /// state now and those events. Nil when nothing is new.
    public func nextUpBatch(centerId: Int64, limit: Int) async throws -> UpBatch? {
        try await database.read { db in
            guard let row = try await db.raw("SELECT up_cursor, identity FROM upstream_links WHERE center_id = \(bind: centerId)").first() else { return nil }
            let from = try row.decode(column: "up_cursor", as: Int64.self)
            let identity = IdentityShare(rawValue: try row.decode(column: "identity", as: String.self)) ?? .masked
            let head = try await db.raw("SELECT seq FROM audit_head WHERE id = 1").first()?.decode(column: "seq", as: Int64.self) ?? 0
            guard head > from else { return nil }
            let events = try await db.raw("""
                SELECT e.* FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.seq > \(bind: from) AND e.seq <= \(bind: head)
                  AND t.center_id = \(bind: centerId) ORDER BY e.seq LIMIT \(literal: limit)
                """).all().map(Self.event(from:))
            // A full page ends at its last event; a short one has read everything up to the head.
            let to = events.count == limit ? events.last?.seq ?? head : head
            let tickets = try await self.snapshots(Array(Set(events.compactMap(\.ticketId))).sorted(), events: events, identity: identity, db)
            return UpBatch(from: from, to: to, tickets: tickets)
        }
    }

    /// The snapshots of `ids`, each with its events among `events` (all of its history when `events` is nil).
    func snapshots(_ ids: [Int64], events: [TicketEvent]?, identity: IdentityShare, _ db: any SQLDatabase) async throws -> [FederatedTicket] {
        guard !ids.isEmpty else { return [] }
        var rows: [TicketRow] = []
        var upstream: [Int64: Int64] = [:]
        var unitNames: [Int64: String] = [:]
        var history: [Int64: [TicketEvent]] = [:]
        for chunk in ids.chunked(500) {
            rows += try await db.raw("SELECT * FROM tickets WHERE id IN (\(binds: chunk)) ORDER BY id").all().map(TicketRow.init(row:))
            for row in try await db.raw("SELECT local_ticket_id, upstream_ticket_id FROM upstream_tickets WHERE local_ticket_id IN (\(binds: chunk))").all() {
                upstream[try row.decode(column: "local_ticket_id", as: Int64.self)] = try row.decode(column: "upstream_ticket_id", as: Int64.self)
            }
            if events == nil {
                for event in try await db.raw("SELECT * FROM ticket_events WHERE ticket_id IN (\(binds: chunk)) ORDER BY seq").all().map(Self.event(from:)) {
                    history[event.ticketId ?? 0, default: []].append(event)
                }
            }
        }
        if let events { for event in events { history[event.ticketId ?? 0, default: []].append(event) } }
        let unitIds = Set(rows.compactMap(\.state.mainUnitId))
        if !unitIds.isEmpty {
            for row in try await db.raw("SELECT id, name FROM units WHERE id IN (\(binds: Array(unitIds)))").all() {
                unitNames[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "name", as: String.self)
            }
        }
        return try rows.map { row in
            let requester = try identity.shared(try record(row).requester, confidential: row.confidential)
            let state = row.state
            return FederatedTicket(
                sourceId: row.id, number: row.number, version: row.version, upstreamTicketId: upstream[row.id], channel: state.channel,
                type: state.type, urgency: state.urgency, status: state.status, categoryCode: state.categoryCode, title: row.title,
                content: row.content, address: row.address, regionCode: row.regionCode, latitude: row.latitude, longitude: row.longitude,
                requesterKind: requester.kind, requesterName: requester.name, requesterPhone: requester.phone,
                enterpriseName: requester.enterpriseName, confidential: row.confidential,
                unitName: state.mainUnitId.flatMap { unitNames[$0] }, createdAt: Date(millis: row.createdAt), updatedAt: Date(millis: row.updatedAt),
                dispatchedAt: state.dispatchedAt, signedAt: state.signedAt, signDueAt: state.signDueAt, replyDueAt: state.replyDueAt,
                repliedAt: state.repliedAt, closedAt: state.closedAt, reply: state.reply, satisfaction: state.satisfaction, resolved: state.resolved,
                rejectReason: state.rejectReason, overdue: state.overdueMarked, supervisionCount: state.supervisionCount,
                events: (history[row.id] ?? []).map { event in
                    FederatedEvent(seq: event.seq, at: event.at, action: event.action, fromStatus: event.fromStatus, toStatus: event.toStatus,
                                   actorName: event.actorName, note: FederatedEvent.keepsNote(event.action) ? event.note : nil,
                                   details: event.details)
                })
        }
    }

    /// Moves the cursor past a batch the province took (only if no other node moved it meanwhile).
    public func markUpSent(centerId: Int64, _ batch: UpBatch, refused: Int) async throws {
        let at = now.millis
        try await database.transaction { db in
            try await db.raw("""
                UPDATE upstream_links SET up_cursor = \(bind: batch.to), sent = sent + \(bind: batch.tickets.count), refused = refused + \(bind: refused),
                  last_success_at = \(bind: at) WHERE center_id = \(bind: centerId) AND up_cursor = \(bind: batch.from)
                """).run()
        }
    }

    /// The snapshots of these tickets with their whole history, to send again after a reconciliation.
    public func resendSnapshots(centerId: Int64, ids: [Int64]) async throws -> [FederatedTicket] {
        try await database.read { db in
            guard let row = try await db.raw("SELECT identity FROM upstream_links WHERE center_id = \(bind: centerId)").first() else { return [] }
            let identity = IdentityShare(rawValue: try row.decode(column: "identity", as: String.self)) ?? .masked
            var own: [Int64] = []
            for chunk in ids.chunked(500) {
                own += try await db.raw("SELECT id FROM tickets WHERE id IN (\(binds: chunk)) AND center_id = \(bind: centerId)").all()
                    .map { try $0.decode(column: "id", as: Int64.self) }
            }
            return try await self.snapshots(own.sorted(), events: nil, identity: identity, db)
        }
    }

    /// The center's tickets created on `day` whose every change was already sent up, by their versions (what the
    /// province compares with its copies: a change still on its way is not a gap).
    public func dayVersions(centerId: Int64, day: CivilDate) async throws -> [Int64: Int64] {
        try await database.read { db in
            var versions: [Int64: Int64] = [:]
            let sent = try await db.raw("SELECT up_cursor FROM upstream_links WHERE center_id = \(bind: centerId)").first()?
                .decode(column: "up_cursor", as: Int64.self) ?? 0
            for row in try await db.raw("""
                SELECT t.id, t.version FROM tickets t WHERE t.center_id = \(bind: centerId) AND t.created_at >= \(bind: day.instant(atMinute: 0).millis)
                  AND t.created_at < \(bind: day.adding(days: 1).instant(atMinute: 0).millis)
                  AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.seq > \(bind: sent))
                  AND NOT EXISTS (SELECT 1 FROM upstream_tickets u WHERE u.local_ticket_id = t.id)
                """).all() {
                versions[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "version", as: Int64.self)
            }
            return versions
        }
    }

    public func markReconciled(centerId: Int64) async throws {
        let at = now.millis
        try await database.transaction { db in
            try await db.raw("UPDATE upstream_links SET reconciled_at = \(bind: at) WHERE center_id = \(bind: centerId)").run()
        }
    }

    // MARK: Down

    /// Takes a ticket the province dispatched to this city into the city's queue (accepted, on the province channel, with
    /// the province's number and deadline); the same province ticket again answers the ticket it became.
    public func importFromProvince(_ ticket: ProvinceTicket, centerId: Int64) async throws -> Int64 {
        if let known = try await localTicket(forUpstream: ticket.id, centerId: centerId) { return known }
        let draft = TicketDraft(
            channel: .province, type: ticket.type, urgency: ticket.urgency, title: String(ticket.title.prefix(200)), content: ticket.content,
            categoryCode: ticket.categoryCode, location: ticket.location, requester: ticket.requester, confidential: ticket.confidential)
        let province = Actor(kind: .system, userId: nil, name: "省平台", role: nil, unitId: nil, unitPath: [], centerId: centerId)
        // The province is not a person recording a call: its ticket enters the city's queue as a ticket of the link,
        // once (the province ticket's id is the idempotency key).
        let checked = try draft.validated()
        let request = IntakeRequest(draft: checked, centerId: centerId, actor: province, principal: "province:\(centerId)", key: "province:\(ticket.id)",
                                    requestHash: cipher.blindIndex(checked.fingerprint), queryCode: TicketNumber.newQueryCode())
        do {
            let created = try await createOne(request, alongside: { row, db in
                try await db.raw("""
                    INSERT INTO upstream_tickets (center_id, upstream_ticket_id, upstream_number, local_ticket_id, upstream_reply_due_at, last_seq)
                    VALUES (\(bind: centerId), \(bind: ticket.id), \(bind: ticket.number), \(bind: row.id), \(bind: ticket.replyDueAt?.millis), 0)
                    """).run()
            })
            return created.ticket.state.id
        } catch let error as HotlineError where error.code == .unknownCategory {
            // The province's category is not in the city's tree: the city's center classifies it.
            var uncategorised = ticket
            uncategorised.categoryCode = nil
            return try await importFromProvince(uncategorised, centerId: centerId)
        }
    }

    func localTicket(forUpstream id: Int64, centerId: Int64) async throws -> Int64? {
        try await database.read { db in
            try await db.raw("""
                SELECT local_ticket_id FROM upstream_tickets WHERE center_id = \(bind: centerId) AND upstream_ticket_id = \(bind: id)
                """).first()?.decode(column: "local_ticket_id", as: Int64.self)
        }
    }

    /// Records on the city's copy what the province did to its ticket (督办 above all), once per province event.
    public func recordProvinceEvent(upstreamTicketId: Int64, seq: Int64, action: ActionCode, note: String?, centerId: Int64) async throws {
        let at = now
        try await database.transaction { db in
            guard let link = try await db.raw("""
                SELECT local_ticket_id, last_seq FROM upstream_tickets WHERE center_id = \(bind: centerId) AND upstream_ticket_id = \(bind: upstreamTicketId)
                \(unsafeRaw: self.forUpdate)
                """).first() else { return }
            guard try link.decode(column: "last_seq", as: Int64.self) < seq else { return }
            let localId = try link.decode(column: "local_ticket_id", as: Int64.self)
            guard let row = try await self.ticketRow(localId, db) else { return }
            let province = Actor(kind: .system, userId: nil, name: "省平台", role: nil, unitId: nil, unitPath: [], centerId: centerId)
            try await self.appendEvent(db, ticketId: localId, number: row.number, actor: province, draft: EventDraft(
                action: .upstreamSupervision, fromStatus: row.state.status, toStatus: row.state.status,
                note: note.map { "省平台\(action.label)：\($0)" } ?? "省平台\(action.label)", details: ["provinceAction": [action.rawValue], "provinceSeq": [String(seq)]]),
                at: at)
            try await db.raw("""
                UPDATE upstream_tickets SET last_seq = \(bind: seq) WHERE center_id = \(bind: centerId) AND upstream_ticket_id = \(bind: upstreamTicketId)
                """).run()
        }
    }

    /// Moves the down cursor past the province changes read.
    public func markDownRead(centerId: Int64, from: Int64, to: Int64) async throws {
        try await database.transaction { db in
            try await db.raw("UPDATE upstream_links SET down_cursor = \(bind: to) WHERE center_id = \(bind: centerId) AND down_cursor = \(bind: from)").run()
        }
    }

    /// The province's number and deadline of a city ticket that came down, for its page.
    public func upstreamReference(ticketId: Int64) async throws -> (number: String, replyDueAt: Date?)? {
        try await database.read { db in
            guard let row = try await db.raw("SELECT upstream_number, upstream_reply_due_at FROM upstream_tickets WHERE local_ticket_id = \(bind: ticketId)").first()
            else { return nil }
            return (try row.decode(column: "upstream_number", as: String.self),
                    try row.decode(column: "upstream_reply_due_at", as: Int64?.self).map(Date.init(millis:)))
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}

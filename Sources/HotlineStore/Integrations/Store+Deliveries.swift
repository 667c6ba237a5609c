import Foundation
import HotlineCore
import SQLKit

/// One change on its way to one subscriber, as the relay hands it over.
public struct ClaimedDelivery: Sendable, Equatable {
    public let id: Int64
    public let subscriptionId: Int64
    public let url: String
    public let secret: String
    public let topic: String
    /// The change as written with it (canonical JSON).
    public let event: String
    public let occurredAt: Date
    /// Attempts made before this one.
    public let attempts: Int
    /// The claim's token: only its holder may record the outcome.
    public let token: String

    /// The bytes posted: the same for every attempt of this delivery.
    public var body: [UInt8] {
        WebhookBody.encode(deliveryId: id, topic: topic, occurredAt: occurredAt, event: event)
    }
}

/// How one attempt went.
public enum DeliveryOutcome: Sendable, Equatable {
    /// The receiver answered 2xx.
    case delivered(status: Int)
    /// It answered otherwise, or could not be reached (`status` nil).
    case failed(status: Int?, error: String)
}

/// A delivery as the subscriptions page lists it (投递记录).
public struct DeliveryRecord: Sendable, Equatable {
    public var id: Int64
    public var subscriptionId: Int64
    public var eventSeq: Int64
    public var topic: String
    public var ticketNumber: String?
    public var status: DeliveryStatus
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    public var createdAt: Date
    public var nextAt: Date
    public var lastAttemptAt: Date?
    public var deliveredAt: Date?
}

/// The relay's work in the database. Changes are fanned out to the subscriptions that want them, one delivery row
/// each, in commit order (one node at a time: the relay-state row is the lock). Deliveries are claimed with a lease:
/// a node that dies mid-delivery leaves its claim to expire and another node sends again (at least once). Within one
/// subscriber and one ticket only the earliest undelivered change is ever claimed, so a receiver sees a ticket's
/// changes in order; a dead letter no longer holds the ones after it.
extension Store {
    /// Fans out up to `limit` changes committed since the last fan-out; returns how many changes it read.
    @discardableResult
    public func fanOut(limit: Int = 500) async throws -> Int {
        let at = now.millis
        return try await database.transaction { db in
            guard let state = try await db.raw("SELECT fanned_seq FROM relay_state WHERE id = 1\(unsafeRaw: self.forUpdate)").first() else {
                throw HotlineError(.corruptRow, "推送游标缺失 (relay state missing)")
            }
            let cursor = try state.decode(column: "fanned_seq", as: Int64.self)
            let subscriptions = try await db.raw("SELECT * FROM subscriptions WHERE active = \(bind: true)").all().map(Self.subscription(from:))
            guard !subscriptions.isEmpty else {
                // Nobody follows: the changes so far have no subscriber; a subscription starts from the next one.
                try await db.raw("""
                    UPDATE relay_state SET fanned_seq = (SELECT COALESCE(MAX(event_seq), \(bind: cursor)) FROM outbox) WHERE id = 1
                    """).run()
                return 0
            }
            let rows = try await db.raw("""
                SELECT o.id, o.event_seq, o.topic, o.payload, e.ticket_id, t.center_id, t.created_by FROM outbox o
                JOIN ticket_events e ON e.seq = o.event_seq LEFT JOIN tickets t ON t.id = e.ticket_id
                WHERE o.event_seq > \(bind: cursor) ORDER BY o.event_seq LIMIT \(literal: limit)
                """).all()
            guard let last = rows.last else { return 0 }
            let ticketIds = Array(Set(try rows.compactMap { try $0.decode(column: "ticket_id", as: Int64?.self) }))
            var paths: [Int64: [[Int64]]] = [:]
            if subscriptions.contains(where: { if case .unit = $0.scope { true } else { false } }), !ticketIds.isEmpty {
                for row in try await db.raw("SELECT ticket_id, unit_path FROM ticket_units WHERE ticket_id IN (\(binds: ticketIds))").all() {
                    paths[try row.decode(column: "ticket_id", as: Int64.self), default: []]
                        .append(OrgUnit.parsePath(try row.decode(column: "unit_path", as: String.self)))
                }
            }
            var deliveries: [(subscription: Int64, outbox: Int64, seq: Int64, orderKey: Int64, topic: String)] = []
            for row in rows {
                let ticketId = try row.decode(column: "ticket_id", as: Int64?.self)
                let topic = try row.decode(column: "topic", as: String.self)
                let event: RoutedEvent
                if let ticketId {
                    event = RoutedEvent(topic: topic, centerId: try row.decode(column: "center_id", as: Int64?.self), unitPaths: paths[ticketId] ?? [],
                                        recordedBy: try row.decode(column: "created_by", as: Int64?.self))
                } else {
                    let payload = [String: [String]](json: try row.decode(column: "payload", as: String.self))
                    event = RoutedEvent(topic: topic, centerId: payload["centerId"]?.first.flatMap { Int64($0) },
                                        namedUnits: (payload["units"] ?? []).compactMap { Int64($0) })
                }
                for subscription in subscriptions where subscription.wants(event) {
                    deliveries.append((subscription.id, try row.decode(column: "id", as: Int64.self), try row.decode(column: "event_seq", as: Int64.self),
                                       ticketId ?? 0, topic))
                }
            }
            for chunk in stride(from: 0, to: deliveries.count, by: 400).map({ deliveries[$0..<min($0 + 400, deliveries.count)] }) {
                var insert = db.insert(into: "deliveries").columns(
                    "subscription_id", "outbox_id", "event_seq", "order_key", "topic", "status", "attempts", "next_at", "created_at")
                for d in chunk {
                    insert = insert.values(SQLBind(d.subscription), SQLBind(d.outbox), SQLBind(d.seq), SQLBind(d.orderKey), SQLBind(d.topic),
                                           SQLBind(DeliveryStatus.pending.rawValue), SQLBind(0), SQLBind(at), SQLBind(at))
                }
                try await insert.ignoringConflicts().run()
            }
            try await db.raw("UPDATE relay_state SET fanned_seq = \(bind: try last.decode(column: "event_seq", as: Int64.self)) WHERE id = 1").run()
            return rows.count
        }
    }

    /// Claims up to `limit` deliveries that are due, each the earliest undelivered change of its subscriber and ticket,
    /// for `lease` seconds under `token`. Several nodes claiming at once never get the same delivery (PostgreSQL
    /// `FOR UPDATE SKIP LOCKED`; SQLite has one writer).
    public func claimDeliveries(limit: Int, lease: TimeInterval, token: String) async throws -> [ClaimedDelivery] {
        let at = now.millis
        let until = at + Int64(lease * 1000)
        let skipLocked = dialect == .postgres ? " FOR UPDATE OF d SKIP LOCKED" : ""
        let rows = try await database.transaction { db -> [any SQLRow] in
            let ids = try await db.raw("""
                SELECT d.id FROM deliveries d
                WHERE d.status = 'pending' AND d.next_at <= \(bind: at) AND (d.lease_until IS NULL OR d.lease_until <= \(bind: at))
                  AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.subscription_id = d.subscription_id AND p.order_key = d.order_key
                                  AND p.status = 'pending' AND p.id < d.id)
                ORDER BY d.id LIMIT \(literal: limit)\(unsafeRaw: skipLocked)
                """).all().map { try $0.decode(column: "id", as: Int64.self) }
            guard !ids.isEmpty else { return [] }
            try await db.raw("""
                UPDATE deliveries SET lease_until = \(bind: until), lease_token = \(bind: token) WHERE id IN (\(binds: ids))
                """).run()
            return try await db.raw("""
                SELECT d.id, d.subscription_id, d.topic, d.attempts, s.url, s.secret_enc, o.payload, o.created_at FROM deliveries d
                JOIN subscriptions s ON s.id = d.subscription_id JOIN outbox o ON o.id = d.outbox_id
                WHERE d.id IN (\(binds: ids)) ORDER BY d.id
                """).all()
        }
        return try rows.map { row in
            ClaimedDelivery(
                id: try row.decode(column: "id", as: Int64.self), subscriptionId: try row.decode(column: "subscription_id", as: Int64.self),
                url: try row.decode(column: "url", as: String.self), secret: try cipher.decrypt(try row.decode(column: "secret_enc", as: String.self)),
                topic: try row.decode(column: "topic", as: String.self), event: try row.decode(column: "payload", as: String.self),
                occurredAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)), attempts: try row.decode(column: "attempts", as: Int.self),
                token: token)
        }
    }

    /// Records how each claimed delivery went, in one transaction: delivered; tried again after the policy's wait;
    /// or, its attempts spent, a dead letter. A claim whose lease another node has taken over is left to that node.
    public func completeDeliveries(_ results: [(delivery: ClaimedDelivery, outcome: DeliveryOutcome)], policy: RetryPolicy,
                                   jitter: @Sendable () -> Double = { Double.random(in: 0..<1) }) async throws {
        guard !results.isEmpty else { return }
        let at = now.millis
        var writes: [SQLQueryString] = []
        // Delivered ones in one statement per (status, token): a round of hundreds costs a handful of statements.
        let delivered = Dictionary(grouping: results.compactMap { result -> (ClaimedDelivery, Int)? in
            if case .delivered(let status) = result.outcome { return (result.delivery, status) }
            return nil
        }, by: { "\($0.1) \($0.0.token)" })
        for group in delivered.values {
            guard let first = group.first else { continue }
            for chunk in stride(from: 0, to: group.count, by: 500).map({ group[$0..<min($0 + 500, group.count)] }) {
                writes.append("""
                    UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status = \(bind: first.1), last_error = NULL,
                      last_attempt_at = \(bind: at), delivered_at = \(bind: at), lease_until = NULL, lease_token = NULL
                    WHERE id IN (\(binds: chunk.map(\.0.id))) AND lease_token = \(bind: first.0.token)
                    """)
            }
        }
        for (delivery, outcome) in results {
            guard case .failed(let status, let error) = outcome else { continue }
            let attempts = delivery.attempts + 1
            let dead = policy.isExhausted(attempts)
            let next = at + Int64(policy.delay(afterAttempt: attempts, jitter: jitter()) * 1000)
            writes.append("""
                UPDATE deliveries SET status = \(bind: dead ? DeliveryStatus.dead.rawValue : DeliveryStatus.pending.rawValue),
                  attempts = \(bind: attempts), last_status = \(bind: status), last_error = \(bind: String(error.prefix(500))),
                  last_attempt_at = \(bind: at), next_at = \(bind: next), lease_until = NULL, lease_token = NULL
                WHERE id = \(bind: delivery.id) AND lease_token = \(bind: delivery.token)
                """)
        }
        let statements = writes
        try await database.transaction { db in
            for write in statements { try await db.raw(write).run() }
        }
    }

    /// A subscription's deliveries, newest first, optionally of one status.
    public func deliveries(subscriptionId: Int64, status: DeliveryStatus? = nil, limit: Int = 100, by actor: Actor) async throws -> [DeliveryRecord] {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        return try await database.read { db in
            _ = try await self.ownSubscription(subscriptionId, centerId, db)
            let filter: SQLQueryString = status.map { "AND d.status = \(bind: $0.rawValue)" } ?? ""
            return try await db.raw("""
                SELECT d.*, t.number FROM deliveries d JOIN ticket_events e ON e.seq = d.event_seq LEFT JOIN tickets t ON t.id = e.ticket_id
                WHERE d.subscription_id = \(bind: subscriptionId) \(filter) ORDER BY d.id DESC LIMIT \(literal: max(1, min(limit, 500)))
                """).all().map(Self.deliveryRecord(from:))
        }
    }

    /// Sends a delivery again from its first attempt (a dead letter after the receiver is mended, or one the receiver
    /// lost). It keeps its id, so a receiver that had it already recognises it.
    public func redeliver(deliveryId: Int64, by actor: Actor) async throws -> DeliveryRecord {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        let at = now
        return try await database.transaction { db in
            guard let row = try await db.raw("SELECT subscription_id, status FROM deliveries WHERE id = \(bind: deliveryId)\(unsafeRaw: self.forUpdate)").first()
            else { throw HotlineError.notFound("投递记录") }
            let subscription = try await self.ownSubscription(try row.decode(column: "subscription_id", as: Int64.self), centerId, db)
            guard try row.decode(column: "status", as: String.self) != DeliveryStatus.pending.rawValue else {
                throw HotlineError(.invalidState, "该投递尚在投递中，无需重发 (still being delivered)")
            }
            try await db.raw("""
                UPDATE deliveries SET status = 'pending', attempts = 0, next_at = \(bind: at.millis), lease_until = NULL, lease_token = NULL
                WHERE id = \(bind: deliveryId)
                """).run()
            try await self.recordSubscriptionChange(subscription, change: "redelivered", by: actor, at: at, db, extra: ["deliveryId": [String(deliveryId)]])
            guard let updated = try await db.raw("""
                SELECT d.*, t.number FROM deliveries d JOIN ticket_events e ON e.seq = d.event_seq LEFT JOIN tickets t ON t.id = e.ticket_id
                WHERE d.id = \(bind: deliveryId)
                """).first() else { throw HotlineError.notFound("投递记录") }
            return try Self.deliveryRecord(from: updated)
        }
    }

    /// What is waiting: deliveries pending and dead, and the oldest pending one's creation — of one center's
    /// subscriptions, or of all (the metrics, the benchmark).
    public func deliveryBacklog(centerId: Int64? = nil) async throws -> (pending: Int, dead: Int, oldestPending: Date?) {
        try await database.read { db in
            let center: SQLQueryString = centerId.map { "AND subscription_id IN (SELECT id FROM subscriptions WHERE center_id = \(bind: $0))" } ?? ""
            let row = try await db.raw("""
                SELECT COUNT(CASE WHEN status = 'pending' THEN 1 END) AS pending, COUNT(CASE WHEN status = 'dead' THEN 1 END) AS dead,
                  MIN(CASE WHEN status = 'pending' THEN created_at END) AS oldest
                FROM deliveries WHERE status IN ('pending', 'dead') \(center)
                """).first()
            return (try row?.decode(column: "pending", as: Int.self) ?? 0, try row?.decode(column: "dead", as: Int.self) ?? 0,
                    try row?.decode(column: "oldest", as: Int64?.self).map(Date.init(millis:)))
        }
    }

    static func deliveryRecord(from row: any SQLRow) throws -> DeliveryRecord {
        DeliveryRecord(
            id: try row.decode(column: "id", as: Int64.self), subscriptionId: try row.decode(column: "subscription_id", as: Int64.self),
            eventSeq: try row.decode(column: "event_seq", as: Int64.self), topic: try row.decode(column: "topic", as: String.self),
            ticketNumber: try row.decode(column: "number", as: String?.self),
            status: DeliveryStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .pending,
            attempts: try row.decode(column: "attempts", as: Int.self), lastStatus: try row.decode(column: "last_status", as: Int?.self),
            lastError: try row.decode(column: "last_error", as: String?.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            nextAt: Date(millis: try row.decode(column: "next_at", as: Int64.self)),
            lastAttemptAt: try row.decode(column: "last_attempt_at", as: Int64?.self).map(Date.init(millis:)),
            deliveredAt: try row.decode(column: "delivered_at", as: Int64?.self).map(Date.init(millis:)))
    }
}

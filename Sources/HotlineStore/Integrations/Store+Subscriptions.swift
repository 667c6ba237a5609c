import Foundation
import HotlineCore
import SQLKit

/// Webhook subscriptions (推送订阅): kept per center by its integration administrators. Every change to one is an event
/// of the audit chain (data leaving the center is on the record).
extension Store {
    /// The subscriptions of the actor's center.
    public func subscriptions(by actor: Actor) async throws -> [Subscription] {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        return try await database.read { db in
            try await db.raw("SELECT * FROM subscriptions WHERE center_id = \(bind: centerId) ORDER BY id").all().map(Self.subscription(from:))
        }
    }

    /// One subscription of the actor's center, else 404.
    public func subscription(id: Int64, by actor: Actor) async throws -> Subscription {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        return try await database.read { db in try await self.ownSubscription(id, centerId, db) }
    }

    func ownSubscription(_ id: Int64, _ centerId: Int64, _ db: any SQLDatabase) async throws -> Subscription {
        guard let row = try await db.raw("SELECT * FROM subscriptions WHERE id = \(bind: id) AND center_id = \(bind: centerId)").first() else {
            throw HotlineError.notFound("推送订阅")
        }
        return try Self.subscription(from: row)
    }

    /// Creates a subscription of the actor's center; returns it with its signing secret, shown this once (kept
    /// encrypted, as identity is).
    public func createSubscription(name: String, url: String, topics: [String], scope: SubscriptionScope, by actor: Actor) async throws
        -> (subscription: Subscription, secret: String) {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        let topics = Array(Set(topics.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
        try Subscription.validate(name: name, url: url, topics: topics)
        let secret = WebhookSignature.newSecret()
        let sealed = try cipher.encrypt(secret)
        let at = now
        let subscription = try await database.transaction { db in
            try await self.checkScope(scope, centerId: centerId, db)
            guard let row = try await db.raw("""
                INSERT INTO subscriptions (center_id, name, url, secret_enc, topics, scope, scope_id, active, created_by, created_at, updated_at)
                VALUES (\(bind: centerId), \(bind: name.trimmingCharacters(in: .whitespaces)), \(bind: url), \(bind: sealed),
                  \(bind: Self.json(topics)), \(bind: scope.code), \(bind: scope.subjectId), \(bind: true), \(bind: actor.userId), \(bind: at.millis),
                  \(bind: at.millis))
                RETURNING *
                """).first() else { throw HotlineError(.corruptRow, "订阅未保存") }
            let subscription = try Self.subscription(from: row)
            try await self.recordSubscriptionChange(subscription, change: "created", by: actor, at: at, db)
            return subscription
        }
        return (subscription, secret)
    }

    /// Pauses or resumes a subscription. A paused one is given no new changes; what was already due to it stays due.
    public func setSubscriptionActive(id: Int64, active: Bool, by actor: Actor) async throws -> Subscription {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        let at = now
        return try await database.transaction { db in
            _ = try await self.ownSubscription(id, centerId, db)
            try await db.raw("UPDATE subscriptions SET active = \(bind: active), updated_at = \(bind: at.millis) WHERE id = \(bind: id)").run()
            let subscription = try await self.ownSubscription(id, centerId, db)
            try await self.recordSubscriptionChange(subscription, change: active ? "resumed" : "paused", by: actor, at: at, db)
            return subscription
        }
    }

    /// A unit scope names a unit of the center; a recorder scope an integration account of it.
    func checkScope(_ scope: SubscriptionScope, centerId: Int64, _ db: any SQLDatabase) async throws {
        switch scope {
        case .center: return
        case .unit(let unitId):
            let row = try await db.raw("SELECT center_id FROM units WHERE id = \(bind: unitId)").first()
            guard try row?.decode(column: "center_id", as: Int64?.self) == centerId || unitId == centerId else {
                throw HotlineError(.unknownUnit, "推送范围的单位不属于本中心 (unit not of this center)")
            }
        case .recordedBy(let userId):
            let row = try await db.raw("""
                SELECT s.role, u.center_id FROM users s JOIN units u ON u.id = s.unit_id WHERE s.id = \(bind: userId)
                """).first()
            guard let row, Role(rawValue: try row.decode(column: "role", as: String.self))?.may(.integrate) == true,
                  try row.decode(column: "center_id", as: Int64?.self) == centerId else {
                throw HotlineError(.invalidRequest, "推送范围须为本中心的对接系统账号 (not an integration account of this center)")
            }
        }
    }

    func recordSubscriptionChange(_ subscription: Subscription, change: String, by actor: Actor, at: Date, _ db: any SQLDatabase,
                                  extra: [String: [String]] = [:]) async throws {
        var details: [String: [String]] = [
            // The host only: a URL may carry a token, and this event goes out to every subscriber of the center's changes.
            "subscriptionId": [String(subscription.id)], "centerId": [String(subscription.centerId)],
            "host": [URL(string: subscription.url)?.host ?? ""],
            "change": [change], "topics": subscription.topics, "scope": [subscription.scope.code],
        ]
        if let subject = subscription.scope.subjectId { details["scopeId"] = [String(subject)] }
        details.merge(extra) { _, new in new }
        try await appendEvent(db, ticketId: nil, number: nil, actor: actor, draft: EventDraft(
            action: .changeSubscription, fromStatus: nil, toStatus: nil, note: "\(subscription.name)：\(change)", details: details), at: at)
    }

    static func subscription(from row: any SQLRow) throws -> Subscription {
        let scopeCode = try row.decode(column: "scope", as: String.self)
        return Subscription(
            id: try row.decode(column: "id", as: Int64.self), centerId: try row.decode(column: "center_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), url: try row.decode(column: "url", as: String.self),
            topics: (try? JSONDecoder().decode([String].self, from: Data(try row.decode(column: "topics", as: String.self).utf8))) ?? [],
            scope: SubscriptionScope(code: scopeCode, subjectId: try row.decode(column: "scope_id", as: Int64?.self)) ?? .center,
            active: try row.decode(column: "active", as: Bool.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }
}

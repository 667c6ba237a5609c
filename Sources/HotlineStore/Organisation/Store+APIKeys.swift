import Foundation
import HotlineCore
import SQLKit

/// Integration keys (对接密钥): issued once, stored hashed, revoked at once.
extension Store {
    /// An integration key as admins see it (never the key itself).
    public struct APIKeyInfo: Sendable {
        public var id: Int64
        public var name: String
        public var userId: Int64
        public var username: String
        public var createdAt: Date
        public var revokedAt: Date?
    }

    /// The keys of integration users the actor can see.
    public func apiKeys(visibleTo actor: Actor) async throws -> [APIKeyInfo] {
        try await database.read { db in
            try await db.raw("""
                SELECT k.*, s.username FROM api_keys k JOIN users s ON s.id = k.user_id JOIN units u ON u.id = s.unit_id
                WHERE \(try self.administeredUnits(actor)) ORDER BY k.id
                """).all().map { row in
                APIKeyInfo(
                    id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                    userId: try row.decode(column: "user_id", as: Int64.self), username: try row.decode(column: "username", as: String.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(millis:)))
            }
        }
    }

    /// Revokes a key of a user the actor can see; it stops working at once.
    public func revokeAPIKey(id: Int64, by actor: Actor) async throws {
        try actor.require(.manageIntegrations)
        let at = now.millis
        try await database.transaction { db in
            guard let row = try await db.raw("SELECT user_id FROM api_keys WHERE id = \(bind: id)").first() else { throw HotlineError.notFound("密钥") }
            _ = try await self.administeredUser(try row.decode(column: "user_id", as: Int64.self), by: actor, db)
            try await db.raw("UPDATE api_keys SET revoked_at = \(bind: at) WHERE id = \(bind: id) AND revoked_at IS NULL").run()
        }
        tokens.forgetAll()
    }

    /// Issues an API key for an integration user of the actor's center; the key is shown once and stored hashed.
    public func createAPIKey(userId: Int64, name: String, by actor: Actor) async throws -> String {
        try actor.require(.manageIntegrations)
        let key = Self.newToken(prefix: "hlk_")
        let created = now.millis
        try await database.transaction { db in
            guard try await self.administeredUser(userId, by: actor, db).role.may(.integrate) else {
                throw HotlineError(.notIntegration, "只有对接系统账号可以持有API密钥 (API keys belong to integration clients)")
            }
            try await db.raw("""
                INSERT INTO api_keys (name, key_hash, user_id, created_at) VALUES (\(bind: name), \(bind: Self.tokenHash(key)), \(bind: userId), \(bind: created))
                """).run()
        }
        return key
    }
}

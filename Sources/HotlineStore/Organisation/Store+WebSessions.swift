import Foundation
import HotlineCore
import SQLKit

/// A signed-in browser: who it is and the token its forms must carry.
public struct WebSession: Sendable {
    public var user: User
    public var actor: Actor
    public var csrfToken: String
    public var unitName: String
    /// What the session must do before anything else.
    public var restriction: SessionRestriction?
}

extension Store {
    /// The browser session behind a cookie, unless it expired or sat idle longer than `idleTimeout`.
    /// Activity is recorded at most once a minute, so reading pages does not turn into a write per request.
    /// `touch` false reads the session without counting the request as activity (the console's call stream, which the
    /// browser reopens on its own, must not keep an unattended console signed in).
    public func webSession(token: String, idleTimeout: TimeInterval, touch: Bool = true) async throws -> WebSession? {
        let hash = Self.tokenHash(token)
        let nowMillis = now.millis
        let idleSince = nowMillis - Int64(idleTimeout * 1000)
        let found = try await database.read { db -> (WebSession, Int64)? in
            guard let row = try await db.raw("""
                SELECT u.*, un.path AS unit_path, un.center_id AS unit_center_id, un.name AS unit_name, s.csrf_token, s.last_seen_at, s.restriction
                FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id
                WHERE s.token_hash = \(bind: hash) AND s.kind = 'web' AND s.expires_at > \(bind: nowMillis)
                  AND s.last_seen_at > \(bind: idleSince)
                """).first() else { return nil }
            let user = try Self.user(from: row)
            guard user.active else { return nil }
            let actor = Actor.user(id: user.id, name: user.displayName, role: user.role, unitId: user.unitId,
                                   unitPath: OrgUnit.parsePath(try row.decode(column: "unit_path", as: String.self)),
                                   centerId: try row.decode(column: "unit_center_id", as: Int64?.self))
            let session = WebSession(user: user, actor: actor, csrfToken: try row.decode(column: "csrf_token", as: String.self),
                                     unitName: try row.decode(column: "unit_name", as: String.self),
                                     restriction: try row.decode(column: "restriction", as: String?.self).flatMap(SessionRestriction.init(rawValue:)))
            return (session, try row.decode(column: "last_seen_at", as: Int64.self))
        }
        guard let (session, lastSeen) = found else { return nil }
        if touch, nowMillis - lastSeen > 60_000 {
            try await database.transaction { db in
                try await db.raw("UPDATE sessions SET last_seen_at = \(bind: nowMillis) WHERE token_hash = \(bind: hash)").run()
            }
        }
        return session
    }
}

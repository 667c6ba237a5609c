import Crypto
import Foundation
import HotlineCore
import HummingbirdBcrypt
import SQLKit
import Synchronization

/// Signing in and out, and the actor behind a session token or API key.
extension Store {
    // MARK: Authentication

    static func tokenHash(_ token: String) -> String {
        Hex.encode(SHA256.hash(data: Data(token.utf8)))
    }

    static func newToken(prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return prefix + Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// A signed-in session.
    public struct Session: Sendable {
        public var token: String
        public var expiresAt: Date
        public var user: User
        /// The token every form of a browser session must carry (CSRF protection).
        public var csrfToken: String
    }

    /// Where a session is used: the JSON API (bearer token) or a browser (cookie, with CSRF token and idle timeout).
    public enum SessionKind: String, Sendable {
        case api, web
    }

    /// Checks a password and opens a session; the same error for an unknown user and a wrong password.
    /// After ten failures within fifteen minutes a username is locked out for the rest of that time.
    public func login(username: String, password: String, kind: SessionKind = .api) async throws -> Session {
        guard loginFailures.allowed(username, now: now) else {
            throw HotlineError(.tooManyAttempts, "登录失败次数过多，请15分钟后再试 (too many failed sign-ins; try again in 15 minutes)")
        }
        let row = try await database.read { db in
            try await db.raw("SELECT * FROM users WHERE username = \(bind: username)").first()
        }
        let hash = try row?.decode(column: "password_hash", as: String.self) ?? dummyHash
        let valid = Bcrypt.verify(password, hash: hash)
        guard let row, valid else {
            loginFailures.fail(username, now: now)
            throw HotlineError.badCredentials
        }
        loginFailures.succeed(username)
        let user = try Self.user(from: row)
        guard user.active else { throw HotlineError.badCredentials }
        let token = Self.newToken(prefix: kind == .web ? "hw_" : "hl_")
        let csrf = Self.newToken(prefix: "")
        let expires = now.addingTimeInterval(sessionLifetime)
        let created = now.millis
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO sessions (token_hash, user_id, created_at, expires_at, kind, csrf_token, last_seen_at)
                VALUES (\(bind: Self.tokenHash(token)), \(bind: user.id), \(bind: created), \(bind: expires.millis), \(bind: kind.rawValue),
                  \(bind: csrf), \(bind: created))
                """).run()
        }
        return Session(token: token, expiresAt: expires, user: user, csrfToken: csrf)
    }

    /// A valid bcrypt hash of nothing at the configured cost, checked against when the user is unknown so both paths cost the same.
    var dummyHash: String {
        dummyPasswordHash.withLock { hash in
            if hash == nil { hash = Bcrypt.hash("hotline-no-such-user", cost: bcryptCost) }
            return hash!
        }
    }

    /// Ends a session.
    public func logout(token: String) async throws {
        tokens.forget(Self.tokenHash(token))
        try await database.transaction { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Self.tokenHash(token))").run()
        }
    }

    /// The actor behind a bearer token or API key, or nil when it is unknown, expired or disabled.
    public func actor(forToken token: String) async throws -> Actor? {
        let hash = Self.tokenHash(token)
        let at = now
        if let cached = tokens.actor(hash, now: at) { return cached }
        let nowMillis = at.millis
        let found = try await database.read { db -> (Actor, Date?)? in
            let row: (any SQLRow)?
            if token.hasPrefix("hlk_") {
                row = try await db.raw("""
                    SELECT u.*, un.path AS unit_path, un.center_id AS unit_center_id, NULL AS expires_at FROM api_keys k
                    JOIN users u ON u.id = k.user_id JOIN units un ON un.id = u.unit_id WHERE k.key_hash = \(bind: hash) AND k.revoked_at IS NULL
                    """).first()
            } else {
                row = try await db.raw("""
                    SELECT u.*, un.path AS unit_path, un.center_id AS unit_center_id, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
                    JOIN units un ON un.id = u.unit_id WHERE s.token_hash = \(bind: hash) AND s.expires_at > \(bind: nowMillis)
                      AND s.kind = 'api'
                    """).first()
            }
            guard let row else { return nil }
            let user = try Self.user(from: row)
            guard user.active else { return nil }
            let actor = Actor.user(id: user.id, name: user.displayName, role: user.role, unitId: user.unitId,
                                   unitPath: OrgUnit.parsePath(try row.decode(column: "unit_path", as: String.self)),
                                   centerId: try row.decode(column: "unit_center_id", as: Int64?.self))
            return (actor, try row.decode(column: "expires_at", as: Int64?.self).map(Date.init(millis:)))
        }
        guard let (actor, expires) = found else { return nil }
        tokens.remember(hash, actor, now: at, expiresAt: expires)
        return actor
    }
}

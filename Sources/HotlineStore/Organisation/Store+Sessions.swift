import Crypto
import Foundation
import HotlineCore
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
        /// What a browser session must do before anything else (change the password, enrol a second factor).
        public var restriction: SessionRestriction?
    }

    /// Where a session is used: the JSON API (bearer token) or a browser (cookie, with CSRF token and idle timeout).
    public enum SessionKind: String, Sendable {
        case api, web
    }

    /// Checks a password (and the second factor, when the account has one) and opens a session; the same error for
    /// an unknown user and a wrong password. Failures are counted per client address and per name at that client in
    /// the database (every node sees them; a restart forgets none), with growing delays; a client that has not failed
    /// is never held back. Every attempt is written to the sign-in history.
    ///
    /// An account whose password must change (first sign-in, after a reset, expired) or that must enrol a second
    /// factor gets a browser session restricted to doing that, and no API session at all. Integration accounts sign
    /// in only with their API keys.
    public func login(username: String, password: String, otp: String? = nil, kind: SessionKind = .api, client: String = "local") async throws
        -> Session
    {
        let at = now
        let name = String(username.lowercased().prefix(100))
        let client = String(client.prefix(100))
        let keys = ["ip:" + client, "user:" + name + "|" + client]
        if let wait = try await attemptWait(keys, at: at) {
            try await recordSignIn(userId: nil, username: name, client: client, result: .throttled, at: at)
            throw Self.tooManySignIns(wait)
        }
        let row = try await database.read { db in
            try await db.raw("SELECT * FROM users WHERE username = \(bind: username)").first()
        }
        let hash = try row?.decode(column: "password_hash", as: String.self) ?? dummyHash
        let valid = Self.verifyPassword(password, hash: hash)
        guard let row, valid else {
            try await countFailure(keys, at: at)
            try await recordSignIn(userId: nil, username: name, client: client, result: .badPassword, at: at)
            throw HotlineError.badCredentials
        }
        let user = try Self.user(from: row)
        guard user.active else {
            try await recordSignIn(userId: user.id, username: name, client: client, result: .disabled, at: at)
            throw HotlineError.badCredentials
        }
        guard !user.role.may(.integrate) else {
            try await recordSignIn(userId: user.id, username: name, client: client, result: .apiKeyOnly, at: at)
            throw HotlineError(.apiKeyOnly, "对接系统账号只能使用API密钥访问 (integration accounts use their API key, not a password)")
        }
        if try row.decode(column: "totp_enabled", as: Bool.self) {
            guard let otp, !otp.isEmpty else {
                try await recordSignIn(userId: user.id, username: name, client: client, result: .otpRequired, at: at)
                throw HotlineError(.otpRequired, "请输入动态口令 (enter the code from your authenticator app)")
            }
            guard try await useOneTimeCode(otp, userId: user.id, row: row, at: at) else {
                try await countFailure(keys, at: at)
                try await recordSignIn(userId: user.id, username: name, client: client, result: .badOTP, at: at)
                throw HotlineError(.badOTP, "动态口令错误或已使用 (wrong or already used code)")
            }
        }
        try await clearAttempts(keys[1])
        // A password hashed before pre-hashing is hashed again now that it is known.
        if !hash.hasPrefix(Self.prehashedPrefix) {
            let upgraded = hashPassword(password)
            try await database.transaction { db in
                try await db.raw("UPDATE users SET password_hash = \(bind: upgraded) WHERE id = \(bind: user.id) AND password_hash = \(bind: hash)").run()
            }
        }
        let restriction = try restriction(for: user, row: row, at: at)
        if let restriction, kind == .api {
            try await recordSignIn(userId: user.id, username: name, client: client, result: .restricted, at: at)
            throw restriction == .changePassword
                ? HotlineError(.passwordChangeRequired, "须先修改密码 (the password must be changed first: POST /auth/password)")
                : HotlineError(.secondFactorRequired, "须先在网页上启用动态口令 (enrol a second factor on the web first)")
        }
        let token = Self.newToken(prefix: kind == .web ? "hw_" : "hl_")
        let csrf = Self.newToken(prefix: "")
        let expires = at.addingTimeInterval(sessionLifetime)
        let created = at.millis
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO sessions (token_hash, user_id, created_at, expires_at, kind, csrf_token, last_seen_at, restriction)
                VALUES (\(bind: Self.tokenHash(token)), \(bind: user.id), \(bind: created), \(bind: expires.millis), \(bind: kind.rawValue),
                  \(bind: csrf), \(bind: created), \(bind: restriction?.rawValue))
                """).run()
        }
        try await recordSignIn(userId: user.id, username: name, client: client, result: .success, at: at)
        return Session(token: token, expiresAt: expires, user: user, csrfToken: csrf, restriction: restriction)
    }

    static func tooManySignIns(_ wait: TimeInterval) -> HotlineError {
        let seconds = max(1, Int(wait.rounded(.up)))
        return HotlineError(.tooManyAttempts, "登录失败次数过多，请\(seconds)秒后再试 (too many failed sign-ins; try again in \(seconds) s)")
    }

    /// What the account must do before it may work: change its password (an administrator set it, or it expired),
    /// or enrol a second factor its role requires.
    func restriction(for user: User, row: any SQLRow, at: Date) throws -> SessionRestriction? {
        if try row.decode(column: "must_change_password", as: Bool.self) { return .changePassword }
        if accounts.maxAgeDays > 0 {
            let changed = try row.decode(column: "password_changed_at", as: Int64?.self) ?? row.decode(column: "created_at", as: Int64.self)
            if at.millis - changed > Int64(accounts.maxAgeDays) * 86_400_000 { return .changePassword }
        }
        if accounts.totpRoles.contains(user.role), !(try row.decode(column: "totp_enabled", as: Bool.self)) { return .enrollSecondFactor }
        return nil
    }

    /// A valid bcrypt hash of nothing at the configured cost, checked against when the user is unknown so both paths cost the same.
    var dummyHash: String {
        dummyPasswordHash.withLock { hash in
            if hash == nil { hash = hashPassword("hotline-no-such-user") }
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

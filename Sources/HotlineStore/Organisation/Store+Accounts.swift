import Crypto
import Foundation
import HotlineCore
import HummingbirdBcrypt
import SQLKit

/// Passwords (hashing, policy, history, changing), counted attempts, the sign-in history and the second factor.
extension Store {
    // MARK: Password hashes

    /// Marks a hash of the pre-hashed password: bcrypt reads only 72 bytes, so the password is first reduced to
    /// HMAC-SHA-256 (base64, 44 bytes) and two long passwords never sign in as each other.
    static let prehashedPrefix = "$hl1$"

    static func prehash(_ password: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: Data(password.utf8), using: SymmetricKey(data: Data("hotline-password-v1".utf8))))
            .base64EncodedString()
    }

    func hashPassword(_ password: String) -> String {
        Self.prehashedPrefix + Bcrypt.hash(Self.prehash(password), cost: bcryptCost)
    }

    /// Checks a password against a pre-hashed hash, or against a plain bcrypt hash written before pre-hashing.
    static func verifyPassword(_ password: String, hash: String) -> Bool {
        if hash.hasPrefix(prehashedPrefix) { return Bcrypt.verify(prehash(password), hash: String(hash.dropFirst(prehashedPrefix.count))) }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Refuses a password the policy does not accept, or one of the account's last ones.
    func checkNewPassword(_ password: String, username: String, userId: Int64?, _ db: any SQLDatabase) async throws {
        if let problem = accounts.problem(password: password, username: username) { throw HotlineError(.weakPassword, problem) }
        guard let userId, accounts.historyCount > 0 else { return }
        let recent = try await db.raw("""
            SELECT hash FROM password_history WHERE user_id = \(bind: userId) ORDER BY set_at DESC LIMIT \(bind: max(accounts.historyCount - 1, 0))
            """).all().map { try $0.decode(column: "hash", as: String.self) }
        let current = try await db.raw("SELECT password_hash FROM users WHERE id = \(bind: userId)").first()?.decode(column: "password_hash", as: String.self)
        for hash in recent + [current].compactMap({ $0 }) where Self.verifyPassword(password, hash: hash) {
            throw HotlineError(.reusedPassword, "不能使用最近用过的\(accounts.historyCount)个密码 (one of the last \(accounts.historyCount) passwords)")
        }
    }

    /// Stores a new password hash, keeping the one it replaces in the history, and ends the account's sessions.
    func setPassword(_ password: String, userId: Int64, mustChange: Bool, at: Date, _ db: any SQLDatabase) async throws {
        let hash = hashPassword(password)
        try await db.raw("""
            INSERT INTO password_history (user_id, hash, set_at) SELECT id, password_hash, \(bind: at.millis) FROM users WHERE id = \(bind: userId)
            """).run()
        try await db.raw("""
            UPDATE users SET password_hash = \(bind: hash), must_change_password = \(bind: mustChange), password_changed_at = \(bind: at.millis)
            WHERE id = \(bind: userId)
            """).run()
        try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId)").run()
    }

    /// A person changes their own password, proving the current one (signed in or not: an account that must change
    /// its password has no API session). Throttled like a sign-in; ends every session of the account.
    public func changePassword(username: String, current: String, new: String, client: String = "local") async throws {
        let at = now
        let name = String(username.lowercased().prefix(100))
        let keys = ["ip:" + String(client.prefix(100)), "user:" + name + "|" + String(client.prefix(100))]
        if let wait = try await attemptWait(keys, at: at) { throw Self.tooManySignIns(wait) }
        let row = try await database.read { db in try await db.raw("SELECT * FROM users WHERE username = \(bind: username)").first() }
        let hash = try row?.decode(column: "password_hash", as: String.self) ?? dummyHash
        guard let row, Self.verifyPassword(current, hash: hash), try row.decode(column: "active", as: Bool.self) else {
            try await countFailure(keys, at: at)
            throw HotlineError.badCredentials
        }
        let user = try Self.user(from: row)
        guard !user.role.may(.integrate) else {
            throw HotlineError(.apiKeyOnly, "对接系统账号只能使用API密钥访问 (integration accounts use their API key, not a password)")
        }
        try await database.transaction { db in
            try await self.checkNewPassword(new, username: user.username, userId: user.id, db)
            try await self.setPassword(new, userId: user.id, mustChange: false, at: at, db)
        }
        try await clearAttempts(keys[1])
        tokens.forget(userId: user.id)
    }

    // MARK: Counted attempts

    /// How long the most held-back of `keys` must still wait, or nil when none is held back.
    func attemptWait(_ keys: [String], at: Date) async throws -> TimeInterval? {
        let rows = try await database.read { db in
            try await db.raw("SELECT blocked_until FROM attempt_counters WHERE key IN (\(binds: keys))").all()
        }
        let until = try rows.map { try $0.decode(column: "blocked_until", as: Int64.self) }.max() ?? 0
        return until > at.millis ? TimeInterval(until - at.millis) / 1000 : nil
    }

    /// Counts a failure against each key: a quiet key starts again from one; past its free failures, each failure
    /// holds the key back longer (`SignInThrottle.delay`).
    func countFailure(_ keys: [String], at: Date) async throws {
        let throttle = accounts.throttle
        let forgetBefore = at.millis - Int64(throttle.memory * 1000)
        try await database.transaction { db in
            for key in keys {
                let free = key.hasPrefix("ip:") ? throttle.freePerClient : throttle.freePerName
                let row = try await db.raw("SELECT count, last_at FROM attempt_counters WHERE key = \(bind: key)\(unsafeRaw: self.forUpdate)").first()
                var count = try row?.decode(column: "count", as: Int64.self) ?? 0
                if let last = try row?.decode(column: "last_at", as: Int64.self), last < forgetBefore { count = 0 }
                count += 1
                let blocked = at.millis + Int64(throttle.delay(afterFailures: Int(count), free: free) * 1000)
                try await db.raw("""
                    INSERT INTO attempt_counters (key, count, first_at, last_at, blocked_until)
                    VALUES (\(bind: key), \(bind: count), \(bind: at.millis), \(bind: at.millis), \(bind: blocked))
                    ON CONFLICT (key) DO UPDATE SET count = excluded.count, last_at = excluded.last_at, blocked_until = excluded.blocked_until
                    """).run()
            }
            // Counters nobody touched for a day are dropped, so the table stays the size of the recent attacks.
            try await db.raw("DELETE FROM attempt_counters WHERE last_at < \(bind: at.millis - 86_400_000)").run()
        }
    }

    func clearAttempts(_ key: String) async throws {
        try await database.transaction { db in try await db.raw("DELETE FROM attempt_counters WHERE key = \(bind: key)").run() }
    }

    /// Counts one request for `key` in a fixed window shared by every node; false when the key is over `limit`
    /// (the portal's searches and submissions per client).
    public func countRequest(_ key: String, limit: Int, window: TimeInterval) async throws -> Bool {
        let at = now.millis
        let start = at - at % Int64(window * 1000)
        let name = "rate:" + key
        return try await database.transaction { db in
            let row = try await db.raw("""
                INSERT INTO attempt_counters (key, count, first_at, last_at, blocked_until) VALUES (\(bind: name), 1, \(bind: start), \(bind: at), 0)
                ON CONFLICT (key) DO UPDATE SET
                  count = CASE WHEN attempt_counters.first_at = excluded.first_at THEN attempt_counters.count + 1 ELSE 1 END,
                  first_at = excluded.first_at, last_at = excluded.last_at
                RETURNING count
                """).first()
            return try (row?.decode(column: "count", as: Int64.self) ?? 1) <= Int64(limit)
        }
    }

    // MARK: The sign-in history

    func recordSignIn(userId: Int64?, username: String, client: String, result: SignInResult, at: Date) async throws {
        try await database.transaction { db in
            try await db.raw("""
                INSERT INTO sign_ins (user_id, username, at, address, result)
                VALUES (\(bind: userId), \(bind: username), \(bind: at.millis), \(bind: client), \(bind: result.rawValue))
                """).run()
        }
    }

    /// One sign-in attempt.
    public struct SignIn: Sendable, Equatable {
        public var at: Date
        public var address: String
        public var result: SignInResult
    }

    /// The newest sign-in attempts of an account the actor administers, failed ones under its name included.
    public func signIns(userId: Int64, limit: Int = 200, by actor: Actor) async throws -> [SignIn] {
        try actor.require(.manageOrganisation)
        return try await database.read { db in
            let user = try await self.administeredUser(userId, by: actor, db)
            return try await db.raw("""
                SELECT at, address, result FROM sign_ins WHERE user_id = \(bind: userId) OR (user_id IS NULL AND username = \(bind: user.username.lowercased()))
                ORDER BY at DESC, id DESC LIMIT \(bind: limit)
                """).all().map { row in
                SignIn(at: Date(millis: try row.decode(column: "at", as: Int64.self)), address: try row.decode(column: "address", as: String.self),
                       result: SignInResult(rawValue: try row.decode(column: "result", as: String.self)) ?? .badPassword)
            }
        }
    }

    // MARK: The second factor (TOTP)

    /// Which of the accounts an administrator sees sign in with a second factor.
    public func usersWithSecondFactor(visibleTo actor: Actor) async throws -> Set<Int64> {
        try await database.read { db in
            Set(try await db.raw("""
                SELECT s.id FROM users s JOIN units u ON u.id = s.unit_id WHERE s.totp_enabled = \(bind: true) AND \(try self.administeredUnits(actor))
                """).all().map { try $0.decode(column: "id", as: Int64.self) })
        }
    }

    /// Whether the account has a second factor, and the secret it is enrolling (not yet confirmed).
    public func secondFactor(userId: Int64) async throws -> (enabled: Bool, pending: TOTP?) {
        try await database.read { db in
            guard let row = try await db.raw("SELECT totp_enabled, totp_secret_enc FROM users WHERE id = \(bind: userId)").first() else {
                throw HotlineError.notFound("用户")
            }
            let enabled = try row.decode(column: "totp_enabled", as: Bool.self)
            let secret = try row.decode(column: "totp_secret_enc", as: String?.self).flatMap { try? self.cipher.decrypt($0) }
            return (enabled, enabled ? nil : secret.flatMap(TOTP.init(base32:)))
        }
    }

    /// Starts enrolling a second factor: a new secret, kept encrypted until a code from it confirms it.
    public func beginSecondFactor(userId: Int64) async throws -> TOTP {
        let totp = TOTP.generate()
        let secret = try cipher.encrypt(totp.base32)
        try await database.transaction { db in
            let changed = try await db.raw("""
                UPDATE users SET totp_secret_enc = \(bind: secret), totp_last_step = NULL WHERE id = \(bind: userId) AND totp_enabled = \(bind: false)
                RETURNING id
                """).first()
            guard changed != nil else { throw HotlineError(.invalidState, "已启用动态口令 (a second factor is already enrolled)") }
        }
        return totp
    }

    /// Confirms the pending secret with a code from it: from now on the account signs in with a code; a session
    /// held back for enrolment is freed.
    public func confirmSecondFactor(userId: Int64, code: String) async throws {
        guard let pending = try await secondFactor(userId: userId).pending else {
            throw HotlineError(.invalidState, "请先生成动态口令密钥 (start enrolling first)")
        }
        guard let counter = pending.matchingCounter(code, at: now, after: nil) else {
            throw HotlineError(.badOTP, "动态口令错误 (wrong code)")
        }
        try await database.transaction { db in
            try await db.raw("UPDATE users SET totp_enabled = \(bind: true), totp_last_step = \(bind: counter) WHERE id = \(bind: userId)").run()
            try await db.raw("""
                UPDATE sessions SET restriction = NULL WHERE user_id = \(bind: userId) AND restriction = \(bind: SessionRestriction.enrollSecondFactor.rawValue)
                """).run()
        }
    }

    /// Takes away an account's second factor: the account itself (with a valid code), or an administrator (a lost phone).
    public func removeSecondFactor(userId: Int64, code: String?, by actor: Actor) async throws {
        if actor.userId != userId {
            try actor.require(.manageOrganisation)
            try await database.read { db in _ = try await self.administeredUser(userId, by: actor, db) }
        } else {
            guard let row = try await database.read({ db in try await db.raw("SELECT * FROM users WHERE id = \(bind: userId)").first() }),
                  let code, try await useOneTimeCode(code, userId: userId, row: row, at: now) else {
                throw HotlineError(.badOTP, "动态口令错误 (wrong code)")
            }
        }
        try await database.transaction { db in
            try await db.raw("""
                UPDATE users SET totp_enabled = \(bind: false), totp_secret_enc = NULL, totp_last_step = NULL WHERE id = \(bind: userId)
                """).run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId)").run()
        }
        tokens.forget(userId: userId)
    }

    /// Checks a code against the account's secret and uses it up: a code (its 30-second step) signs in once.
    func useOneTimeCode(_ code: String, userId: Int64, row: any SQLRow, at: Date) async throws -> Bool {
        guard let secret = try row.decode(column: "totp_secret_enc", as: String?.self).flatMap({ try? cipher.decrypt($0) }),
              let totp = TOTP(base32: secret),
              let counter = totp.matchingCounter(code, at: at, after: try row.decode(column: "totp_last_step", as: Int64?.self)) else { return false }
        return try await database.transaction { db in
            try await db.raw("""
                UPDATE users SET totp_last_step = \(bind: counter)
                WHERE id = \(bind: userId) AND (totp_last_step IS NULL OR totp_last_step < \(bind: counter)) RETURNING id
                """).first() != nil
        }
    }
}

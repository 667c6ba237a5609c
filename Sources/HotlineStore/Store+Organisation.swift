import Crypto
import Foundation
import HotlineCore
import HummingbirdBcrypt
import SQLKit
import Synchronization

/// Units, users, sessions and API keys.
extension Store {
    static func unit(from row: any SQLRow) throws -> OrgUnit {
        guard let kind = UnitKind(rawValue: try row.decode(column: "kind", as: String.self)) else {
            throw HotlineError(.corruptRow, "单位数据损坏")
        }
        return OrgUnit(
            id: try row.decode(column: "id", as: Int64.self), parentId: try row.decode(column: "parent_id", as: Int64?.self),
            name: try row.decode(column: "name", as: String.self), kind: kind, code: try row.decode(column: "code", as: String?.self),
            regionCode: try row.decode(column: "region_code", as: String?.self),
            path: OrgUnit.parsePath(try row.decode(column: "path", as: String.self)),
            centerId: try row.decode(column: "center_id", as: Int64?.self), active: try row.decode(column: "active", as: Bool.self))
    }

    func unit(_ id: Int64, _ db: any SQLDatabase) async throws -> OrgUnit? {
        try await db.raw("SELECT * FROM units WHERE id = \(bind: id)").first().map(Self.unit(from:))
    }

    /// One unit.
    public func unit(id: Int64) async throws -> OrgUnit? {
        try await database.read { db in try await self.unit(id, db) }
    }

    // MARK: Administration scope

    /// The SQL condition limiting units `u` to the tree of the center `actor` administers (every unit for the system).
    func administeredUnits(_ actor: Actor, alias: String = "u") throws -> SQLQueryString {
        if actor.kind == .system { return "1 = 1" }
        guard actor.kind == .user, let centerId = actor.centerId, let index = actor.unitPath.firstIndex(of: centerId) else { return "1 = 0" }
        let prefix = OrgUnit.pathText(Array(actor.unitPath[...index]))
        return "\(unsafeRaw: alias).path LIKE \(bind: prefix + "%")"
    }

    /// A unit in the tree `actor` administers, read in `db`: any other unit does not exist for the actor (404).
    func administeredUnit(_ id: Int64, by actor: Actor, _ db: any SQLDatabase, what: String = "单位") async throws -> OrgUnit {
        guard let row = try await db.raw("SELECT u.* FROM units u WHERE u.id = \(bind: id) AND \(try administeredUnits(actor))").first() else {
            throw HotlineError.notFound(what)
        }
        return try Self.unit(from: row)
    }

    /// An account of a unit in the tree `actor` administers, read in `db`; any other is 404.
    func administeredUser(_ id: Int64, by actor: Actor, _ db: any SQLDatabase) async throws -> User {
        guard let row = try await db.raw("""
            SELECT s.* FROM users s JOIN units u ON u.id = s.unit_id WHERE s.id = \(bind: id) AND \(try administeredUnits(actor))
            """).first() else { throw HotlineError.notFound("用户") }
        return try Self.user(from: row)
    }

    // MARK: Units

    /// Adds a unit under `parentId`, which must lie in the actor's center; a new root center is the system's to add.
    public func createUnit(name: String, kind: UnitKind, parentId: Int64?, code: String? = nil, regionCode: String? = nil,
                           by actor: Actor) async throws -> OrgUnit {
        try actor.require(.manageOrganisation)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw HotlineError.invalid("name", "单位名称不能为空且不超过100字") }
        let created = now.millis
        return try await database.transaction { db in
            var parent: OrgUnit?
            if let parentId {
                parent = try await self.administeredUnit(parentId, by: actor, db, what: "上级单位")
            } else if kind != .center {
                throw HotlineError.invalid("parentId", "顶级单位必须是热线中心 (a root unit must be a center)")
            } else if actor.kind != .system {
                throw HotlineError.invalid("parentId", "请选择上级单位；新的热线中心由平台创建 (choose a parent; new centers are created by the platform)")
            }
            guard let row = try await db.raw("""
                INSERT INTO units (parent_id, name, kind, code, region_code, path, center_id, active, created_at)
                VALUES (\(bind: parentId), \(bind: name), \(bind: kind.rawValue), \(bind: code), \(bind: regionCode), '/', \(bind: parent?.centerId),
                  \(bind: true), \(bind: created)) RETURNING id
                """).first() else { throw HotlineError(.insertFailed, "创建单位失败") }
            let id = try row.decode(column: "id", as: Int64.self)
            let path = (parent?.path ?? []) + [id]
            let centerId = kind == .center ? id : parent?.centerId
            try await db.raw("UPDATE units SET path = \(bind: OrgUnit.pathText(path)), center_id = \(bind: centerId) WHERE id = \(bind: id)").run()
            return OrgUnit(id: id, parentId: parentId, name: name, kind: kind, code: code, regionCode: regionCode, path: path,
                        centerId: centerId, active: true)
        }
    }

    /// Enables or disables a unit of the actor's center; a disabled unit takes no new tickets.
    public func setUnitActive(id: Int64, active: Bool, by actor: Actor) async throws {
        try actor.require(.manageOrganisation)
        try await database.transaction { db in
            _ = try await self.administeredUnit(id, by: actor, db)
            try await db.raw("UPDATE units SET active = \(bind: active) WHERE id = \(bind: id)").run()
        }
    }

    /// The units an actor may see: the whole tree of the actor's center (every unit for the system).
    public func units(visibleTo actor: Actor) async throws -> [OrgUnit] {
        try await database.read { db in
            let order = actor.kind == .system ? "u.path" : "u.id"
            return try await db.raw("SELECT u.* FROM units u WHERE \(try self.administeredUnits(actor)) ORDER BY \(unsafeRaw: order)").all()
                .map(Self.unit(from:))
        }
    }

    // MARK: Users

    static func user(from row: any SQLRow) throws -> User {
        guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else {
            throw HotlineError(.corruptRow, "用户数据损坏")
        }
        return User(id: try row.decode(column: "id", as: Int64.self), username: try row.decode(column: "username", as: String.self),
                    displayName: try row.decode(column: "display_name", as: String.self), role: role,
                    unitId: try row.decode(column: "unit_id", as: Int64.self), active: try row.decode(column: "active", as: Bool.self))
    }

    /// Adds an account to a unit of the actor's center; the password is stored only as a bcrypt hash.
    public func createUser(username: String, displayName: String, password: String, role: Role, unitId: Int64, by actor: Actor) async throws -> User {
        try actor.require(.manageOrganisation)
        let username = username.trimmingCharacters(in: .whitespaces)
        guard (3...40).contains(username.count), username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw HotlineError.invalid("username", "用户名须为3到40位字母、数字或._- (3–40 letters, digits or ._-)")
        }
        let displayName = displayName.trimmingCharacters(in: .whitespaces)
        guard !displayName.isEmpty, displayName.count <= 50 else { throw HotlineError.invalid("displayName", "姓名不能为空且不超过50字") }
        guard (8...128).contains(password.count) else { throw HotlineError.invalid("password", "密码长度须为8到128位 (8–128 characters)") }
        let hash = Bcrypt.hash(password, cost: bcryptCost)
        let created = now.millis
        return try await database.transaction { db in
            let unit = try await self.administeredUnit(unitId, by: actor, db)
            // Center work (accepting and dispatching) belongs at a center; unit work (handling) at a handling unit.
            let centerRoles = Role.holding(.dispatchTickets)
            let unitRoles = Role.holding(.handleTickets)
            let atCenter = unit.kind == .center || unit.kind == .subCenter
            if centerRoles.contains(role) && !atCenter {
                throw HotlineError(.roleUnitMismatch, "话务员和中心审核员须属于热线中心 (center roles belong to a center)")
            }
            if unitRoles.contains(role) && unit.kind == .center {
                throw HotlineError(.roleUnitMismatch, "承办角色须属于承办单位 (unit roles belong to a handling unit)")
            }
            if try await db.raw("SELECT id FROM users WHERE username = \(bind: username)").first() != nil {
                throw HotlineError(.usernameTaken, "用户名已存在 (username taken)")
            }
            guard let row = try await db.raw("""
                INSERT INTO users (username, display_name, password_hash, role, unit_id, active, created_at)
                VALUES (\(bind: username), \(bind: displayName), \(bind: hash), \(bind: role.rawValue), \(bind: unitId), \(bind: true), \(bind: created))
                RETURNING id
                """).first() else { throw HotlineError(.insertFailed, "创建用户失败") }
            return User(id: try row.decode(column: "id", as: Int64.self), username: username, displayName: displayName, role: role,
                        unitId: unitId, active: true)
        }
    }

    /// Users of the units an admin can see.
    public func users(visibleTo actor: Actor) async throws -> [User] {
        try await database.read { db in
            try await db.raw("SELECT s.* FROM users s JOIN units u ON u.id = s.unit_id WHERE \(try self.administeredUnits(actor)) ORDER BY s.id")
                .all().map(Self.user(from:))
        }
    }

    /// Disables or enables an account of the actor's center; disabling ends its sessions.
    public func setUserActive(id: Int64, active: Bool, by actor: Actor) async throws {
        try actor.require(.manageOrganisation)
        try await database.transaction { db in
            _ = try await self.administeredUser(id, by: actor, db)
            try await db.raw("UPDATE users SET active = \(bind: active) WHERE id = \(bind: id)").run()
            if !active { try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id)").run() }
        }
        tokens.forget(userId: id)
    }

    /// Sets a new password for an account of the actor's center and ends its sessions.
    public func resetPassword(userId: Int64, password: String, by actor: Actor) async throws {
        try actor.require(.manageOrganisation)
        guard (8...128).contains(password.count) else { throw HotlineError.invalid("password", "密码长度须为8到128位 (8–128 characters)") }
        let hash = Bcrypt.hash(password, cost: bcryptCost)
        try await database.transaction { db in
            _ = try await self.administeredUser(userId, by: actor, db)
            try await db.raw("UPDATE users SET password_hash = \(bind: hash) WHERE id = \(bind: userId)").run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: userId)").run()
        }
        tokens.forget(userId: userId)
    }

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
            guard try await self.administeredUser(userId, by: actor, db).role == .integrationClient else {
                throw HotlineError(.notIntegration, "只有对接系统账号可以持有API密钥 (API keys belong to integration clients)")
            }
            try await db.raw("""
                INSERT INTO api_keys (name, key_hash, user_id, created_at) VALUES (\(bind: name), \(bind: Self.tokenHash(key)), \(bind: userId), \(bind: created))
                """).run()
        }
        return key
    }
}

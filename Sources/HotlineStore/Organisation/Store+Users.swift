import Foundation
import HotlineCore
import SQLKit

/// Accounts: adding them to a unit, disabling them, resetting passwords.
extension Store {
    // MARK: Users

    static func user(from row: any SQLRow) throws -> User {
        guard let role = Role(rawValue: try row.decode(column: "role", as: String.self)) else {
            throw HotlineError(.corruptRow, "用户数据损坏")
        }
        return User(id: try row.decode(column: "id", as: Int64.self), username: try row.decode(column: "username", as: String.self),
                    displayName: try row.decode(column: "display_name", as: String.self), role: role,
                    unitId: try row.decode(column: "unit_id", as: Int64.self), active: try row.decode(column: "active", as: Bool.self))
    }

    /// Adds an account to a unit of the actor's center; the password is stored only as a (pre-hashed) bcrypt hash and
    /// must follow the password policy. An account an administrator creates must change its password at first sign-in.
    public func createUser(username: String, displayName: String, password: String, role: Role, unitId: Int64, by actor: Actor) async throws -> User {
        try actor.require(.manageOrganisation)
        let username = username.trimmingCharacters(in: .whitespaces)
        guard (3...40).contains(username.count), username.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }) else {
            throw HotlineError.invalid("username", "用户名须为3到40位字母、数字或._- (3–40 letters, digits or ._-)")
        }
        let displayName = displayName.trimmingCharacters(in: .whitespaces)
        guard !displayName.isEmpty, displayName.count <= 50 else { throw HotlineError.invalid("displayName", "姓名不能为空且不超过50字") }
        let hash = hashPassword(password)
        let created = now.millis
        let integration = role.may(.integrate)
        return try await database.transaction { db in
            // An integration account never signs in with its password: any password will do (it is never typed).
            if !integration { try await self.checkNewPassword(password, username: username, userId: nil, db) }
            let unit = try await self.administeredUnit(unitId, by: actor, db)
            // Center work (accepting and dispatching) belongs at a center, and so does seeing the whole center (a leader,
            // an auditor, an administrator placed in a bureau would read every unit's tickets); unit work (handling) at a
            // handling unit. Integrations follow only what they record.
            let centerRoles = Role.holding(.dispatchTickets).union(Role.holding(.seeWholeCenter).subtracting(Role.holding(.integrate)))
            let unitRoles = Role.holding(.handleTickets)
            let atCenter = unit.kind == .center || unit.kind == .subCenter
            if centerRoles.contains(role) && !atCenter {
                throw HotlineError(.roleUnitMismatch, "该角色可查看全中心数据，须属于热线中心 (center roles belong to a center)")
            }
            if unitRoles.contains(role) && unit.kind == .center {
                throw HotlineError(.roleUnitMismatch, "承办角色须属于承办单位 (unit roles belong to a handling unit)")
            }
            if try await db.raw("SELECT id FROM users WHERE username = \(bind: username)").first() != nil {
                throw HotlineError(.usernameTaken, "用户名已存在 (username taken)")
            }
            guard let row = try await db.raw("""
                INSERT INTO users (username, display_name, password_hash, role, unit_id, active, created_at, must_change_password, password_changed_at)
                VALUES (\(bind: username), \(bind: displayName), \(bind: hash), \(bind: role.rawValue), \(bind: unitId), \(bind: true), \(bind: created),
                  \(bind: actor.userId != nil && !integration), \(bind: created))
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

    /// Sets a new password for an account of the actor's center and ends its sessions; the account must change it
    /// at its next sign-in (an administrator's reset, not the person's own choice).
    public func resetPassword(userId: Int64, password: String, by actor: Actor) async throws {
        try actor.require(.manageOrganisation)
        let at = now
        try await database.transaction { db in
            let user = try await self.administeredUser(userId, by: actor, db)
            try await self.checkNewPassword(password, username: user.username, userId: userId, db)
            try await self.setPassword(password, userId: userId, mustChange: actor.userId != nil && !user.role.may(.integrate), at: at, db)
        }
        tokens.forget(userId: userId)
    }
}

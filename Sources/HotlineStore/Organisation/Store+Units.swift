import Foundation
import HotlineCore
import SQLKit

/// Units (单位): reading them, the tree an administrator manages, adding and disabling them.
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
            centerId: try row.decode(column: "center_id", as: Int64?.self), active: try row.decode(column: "active", as: Bool.self),
            assessmentGroup: try row.decode(column: "assessment_group", as: String?.self))
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
    func administeredUnits(_ actor: Actor) throws -> SQLQueryString {
        if actor.kind == .system { return "1 = 1" }
        guard actor.kind == .user, let path = actor.centerPath else { return "1 = 0" }
        return "u.path LIKE \(bind: OrgUnit.pathText(path) + "%")"
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
}

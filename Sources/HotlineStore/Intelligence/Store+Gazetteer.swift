import Foundation
import HotlineCore
import SQLKit

/// The gazetteer (地名库) and routing rules (派单规则) the advisor reads.
extension Store {
    // MARK: Gazetteer and routing rules

    func bumpPlacesSeq(_ db: any SQLDatabase) async throws {
        try await db.raw("UPDATE kb_head SET places_seq = places_seq + 1 WHERE id = 1").run()
    }

    func placesSeq() async throws -> Int64 {
        try await database.read { db in
            try await db.raw("SELECT places_seq FROM kb_head WHERE id = 1").first()?.decode(column: "places_seq", as: Int64.self) ?? 0
        }
    }

    /// The places of the actor's center.
    public func places(centerId: Int64?) async throws -> [Place] {
        try await database.read { db in
            try await db.raw("SELECT * FROM places WHERE center_id = \(bind: centerId) ORDER BY id").all().map { row in
                Place(
                    id: try row.decode(column: "id", as: Int64.self), name: try row.decode(column: "name", as: String.self),
                    aliases: [String](json: try row.decode(column: "aliases", as: String.self)),
                    kind: Place.Kind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .estate,
                    unitID: try row.decode(column: "unit_id", as: Int64?.self), parentID: try row.decode(column: "parent_id", as: Int64?.self))
            }
        }
    }

    /// Adds places in one transaction (an admin's form, or the demo city); returns them with their ids.
    @discardableResult
    public func addPlaces(_ places: [Place], centerId: Int64, by actor: Actor) async throws -> [Place] {
        try actor.require(.manageReferenceData).requireActs(forCenter: centerId)
        let cleaned = try places.map { place -> Place in
            var place = place
            place.name = try Lifecycle.required(place.name, "name", max: 60)
            place.aliases = try KnowledgeContent.list(place.aliases, "aliases", count: 10, length: 60)
            return place
        }
        return try await database.transaction { db in
            var saved: [Place] = []
            for var place in cleaned {
                if let unitId = place.unitID {
                    guard let unit = try await self.unit(unitId, db), unit.centerId == centerId else {
                        throw HotlineError(.unknownUnit, "单位不存在 (no such unit)")
                    }
                }
                if let parentId = place.parentID {
                    let parent = try await db.raw("SELECT id FROM places WHERE id = \(bind: parentId) AND center_id = \(bind: centerId)").first()
                    guard parent != nil else { throw HotlineError(.unknownPlace, "上级地名不存在 (no such parent place)") }
                }
                guard let row = try await db.raw("""
                    INSERT INTO places (center_id, name, aliases, kind, parent_id, unit_id)
                    VALUES (\(bind: centerId), \(bind: place.name), \(bind: place.aliases.jsonText), \(bind: place.kind.rawValue),
                      \(bind: place.parentID), \(bind: place.unitID)) RETURNING id
                    """).first() else { throw HotlineError(.insertFailed, "保存失败") }
                place.id = try row.decode(column: "id", as: Int64.self)
                saved.append(place)
            }
            try await self.bumpPlacesSeq(db)
            return saved
        }
    }

    /// Removes a place of the center (and un-parents its children).
    public func deletePlace(id: Int64, by actor: Actor) async throws {
        let centerId = try actor.require(.manageReferenceData).requireCenter()
        try await database.transaction { db in
            guard try await db.raw("DELETE FROM places WHERE id = \(bind: id) AND center_id = \(bind: centerId) RETURNING id").first() != nil else {
                throw HotlineError.notFound("地名")
            }
            try await db.raw("UPDATE places SET parent_id = NULL WHERE parent_id = \(bind: id)").run()
            try await self.bumpPlacesSeq(db)
        }
    }

    /// The routing rules whose units belong to `centerId`.
    public func routingRules(centerId: Int64?) async throws -> [RoutingRule] {
        try await database.read { db in
            try await db.raw("""
                SELECT r.* FROM routing_rules r JOIN units u ON u.id = r.unit_id WHERE u.center_id = \(bind: centerId) ORDER BY r.category_prefix
                """).all().map { row in
                RoutingRule(id: try row.decode(column: "id", as: Int64.self), categoryPrefix: try row.decode(column: "category_prefix", as: String.self),
                            unitId: try row.decode(column: "unit_id", as: Int64.self), note: try row.decode(column: "note", as: String?.self))
            }
        }
    }

    /// Adds a rule: `categoryPrefix` (1–6 digits) goes to `unitId`.
    @discardableResult
    public func addRoutingRule(_ rule: RoutingRule, centerId: Int64, by actor: Actor) async throws -> RoutingRule {
        try actor.require(.manageReferenceData).requireActs(forCenter: centerId)
        guard (1...6).contains(rule.categoryPrefix.count), rule.categoryPrefix.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw HotlineError.invalid("categoryPrefix", "分类编码前缀须为1到6位数字 (1–6 digits)")
        }
        var cleaned = rule
        cleaned.note = rule.note?.trimmingCharacters(in: .whitespacesAndNewlines)
        if cleaned.note?.isEmpty == true { cleaned.note = nil }
        guard (cleaned.note ?? "").count <= 200 else { throw HotlineError.invalid("note", "备注最多200字 (at most 200 characters)") }
        let rule = cleaned
        return try await database.transaction { db in
            guard let unit = try await self.unit(rule.unitId, db), unit.centerId == centerId, unit.kind != .center else {
                throw HotlineError(.unknownUnit, "单位不存在 (no such unit)")
            }
            // The counter first: its row lock makes two admins adding the same prefix at once take turns.
            try await self.bumpPlacesSeq(db)
            let taken = try await db.raw("""
                SELECT r.id FROM routing_rules r JOIN units u ON u.id = r.unit_id
                WHERE u.center_id = \(bind: centerId) AND r.category_prefix = \(bind: rule.categoryPrefix)
                """).first()
            guard taken == nil else {
                throw HotlineError(.duplicateRule, "该分类前缀已有派单规则，请先删除 (a rule for this prefix exists; delete it first)")
            }
            guard let row = try await db.raw("""
                INSERT INTO routing_rules (category_prefix, unit_id, note) VALUES (\(bind: rule.categoryPrefix), \(bind: rule.unitId), \(bind: rule.note))
                RETURNING id
                """).first() else { throw HotlineError(.insertFailed, "保存失败") }
            var saved = rule
            saved.id = try row.decode(column: "id", as: Int64.self)
            return saved
        }
    }

    /// Removes a rule of the center.
    public func deleteRoutingRule(id: Int64, by actor: Actor) async throws {
        let centerId = try actor.require(.manageReferenceData).requireCenter()
        try await database.transaction { db in
            guard try await db.raw("""
                DELETE FROM routing_rules WHERE id = \(bind: id) AND unit_id IN (SELECT id FROM units WHERE center_id = \(bind: centerId)) RETURNING id
                """).first() != nil else { throw HotlineError.notFound("派单规则") }
            try await self.bumpPlacesSeq(db)
        }
    }
}

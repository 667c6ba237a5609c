import Foundation
import HotlineCore
import SQLKit

/// What a classifier predicts.
public enum ModelKind: String, Labelled {
    /// The ticket's category code.
    case category
    /// The main unit to dispatch to.
    case unit

    public var label: String {
        switch self {
        case .category: "诉求分类模型"
        case .unit: "承办单位模型"
        }
    }
}

/// A stored model version and how it measured on held-out tickets.
public struct ModelInfo: Sendable {
    public var id: Int64
    /// The center whose tickets trained it: each center has its own models.
    public var centerId: Int64
    public var kind: ModelKind
    public var version: Int
    public var createdAt: Date
    public var examples: Int
    public var accuracy: Double
    public var macroF1: Double
    public var labels: Int
    public var sizeBytes: Int
    public var active: Bool
    public var note: String?
}

/// A center's model of one kind.
public struct ModelSlot: Sendable, Hashable {
    public var centerId: Int64
    public var kind: ModelKind

    public init(centerId: Int64, kind: ModelKind) {
        self.centerId = centerId
        self.kind = kind
    }
}

/// 分类派单规则: tickets of a category (by code prefix) go to a unit.
public struct RoutingRule: Sendable, Equatable {
    public var id: Int64
    public var categoryPrefix: String
    public var unitId: Int64
    public var note: String?

    public init(id: Int64 = 0, categoryPrefix: String, unitId: Int64, note: String? = nil) {
        self.id = id
        self.categoryPrefix = categoryPrefix
        self.unitId = unitId
        self.note = note
    }
}

/// Classifier versions (train, keep, roll back), the gazetteer and routing rules, and job locks for several nodes.
extension Store {
    // MARK: Training data

    /// Closed tickets of `centerId` as training examples: the text as the classifier reads it, and the label of `kind`.
    public func trainingExamples(_ kind: ModelKind, centerId: Int64) async throws -> [(text: String, label: String)] {
        try await database.read { db in
            let label: SQLQueryString = kind == .category ? "category_code" : "main_unit_id"
            return try await db.raw("""
                SELECT title, content, \(label) AS label FROM tickets
                WHERE center_id = \(bind: centerId) AND status = 'closed' AND \(label) IS NOT NULL AND unreasonable_repeat = \(bind: false)
                ORDER BY id
                """).all().map { row in
                let label = kind == .category
                    ? try row.decode(column: "label", as: String.self) : String(try row.decode(column: "label", as: Int64.self))
                return (TextClassifier.input(title: try row.decode(column: "title", as: String.self),
                                             detail: try row.decode(column: "content", as: String.self)), label)
            }
        }
    }

    /// How many of `centerId`'s tickets have closed since `date` (what decides when to retrain).
    public func closedTickets(since date: Date, centerId: Int64) async throws -> Int {
        try await database.read { db in
            try await db.raw("""
                SELECT COUNT(*) AS n FROM tickets WHERE center_id = \(bind: centerId) AND status = 'closed' AND closed_at >= \(bind: date.millis)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
        }
    }

    // MARK: Models

    static let modelColumns = "id, center_id, kind, version, created_at, examples, metrics, active, note"

    static func modelInfo(from row: any SQLRow) throws -> ModelInfo {
        let metrics = [String: Double](json: try row.decode(column: "metrics", as: String.self))
        return ModelInfo(
            id: try row.decode(column: "id", as: Int64.self), centerId: try row.decode(column: "center_id", as: Int64.self),
            kind: ModelKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .category,
            version: try row.decode(column: "version", as: Int.self), createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            examples: try row.decode(column: "examples", as: Int.self), accuracy: metrics["accuracy"] ?? 0, macroF1: metrics["macroF1"] ?? 0,
            labels: Int(metrics["labels"] ?? 0), sizeBytes: Int(metrics["bytes"] ?? 0), active: try row.decode(column: "active", as: Bool.self),
            note: try row.decode(column: "note", as: String?.self))
    }

    /// Stores a trained model as the next version of `centerId`'s `kind` and makes it the active one.
    @discardableResult
    public func saveModel(_ kind: ModelKind, centerId: Int64, data: Data, examples: Int, accuracy: Double, macroF1: Double, labels: Int,
                          note: String?, by actor: Actor) async throws -> ModelInfo
    {
        try actor.require(.manageModels).requireActs(forCenter: centerId)
        let at = now
        let metrics = ["accuracy": accuracy, "macroF1": macroF1, "labels": Double(labels), "bytes": Double(data.count)]
        return try await database.transaction { db in
            let slot: SQLQueryString = "center_id = \(bind: centerId) AND kind = \(bind: kind.rawValue)"
            let next = (try await db.raw("SELECT MAX(version) AS v FROM models WHERE \(slot)").first()?
                .decode(column: "v", as: Int?.self) ?? 0) + 1
            try await db.raw("UPDATE models SET active = \(bind: false) WHERE \(slot)").run()
            guard let row = try await db.raw("""
                INSERT INTO models (center_id, kind, version, created_at, examples, metrics, data, active, note)
                VALUES (\(bind: centerId), \(bind: kind.rawValue), \(bind: next), \(bind: at.millis), \(bind: examples), \(bind: metrics.jsonText),
                  \(bind: data), \(bind: true), \(bind: note))
                RETURNING \(unsafeRaw: Self.modelColumns)
                """).first() else { throw HotlineError(.insertFailed, "保存模型失败") }
            return try Self.modelInfo(from: row)
        }
    }

    /// Every stored version of `centerId` (of every center when nil), by center and kind, newest first.
    public func models(centerId: Int64?) async throws -> [ModelInfo] {
        try await database.read { db in
            let scope: SQLQueryString = centerId.map { "WHERE center_id = \(bind: $0)" } ?? "WHERE center_id IS NOT NULL"
            return try await db.raw("SELECT \(unsafeRaw: Self.modelColumns) FROM models \(scope) ORDER BY center_id, kind, version DESC")
                .all().map(Self.modelInfo(from:))
        }
    }

    /// Makes a stored version the active one of its center and kind (rolling back a bad model is activating an
    /// earlier one). An account activates only its own center's versions; the system any center's.
    public func activateModel(id: Int64, by actor: Actor) async throws -> ModelInfo {
        try actor.require(.manageModels)
        return try await database.transaction { db in
            guard let row = try await db.raw("SELECT \(unsafeRaw: Self.modelColumns) FROM models WHERE id = \(bind: id)").first()
            else { throw HotlineError.notFound("模型") }
            let info = try Self.modelInfo(from: row)
            guard actor.acts(forCenter: info.centerId) else { throw HotlineError.notFound("模型") }
            // Deactivate the others first: the unique index allows one active model per center and kind at every step.
            try await db.raw("""
                UPDATE models SET active = \(bind: false)
                WHERE center_id = \(bind: info.centerId) AND kind = \(bind: info.kind.rawValue) AND id <> \(bind: id)
                """).run()
            try await db.raw("UPDATE models SET active = \(bind: true) WHERE id = \(bind: id)").run()
            var active = info
            active.active = true
            return active
        }
    }

    /// The active model of `kind` for `centerId`: its id and bytes.
    public func activeModel(_ kind: ModelKind, centerId: Int64) async throws -> (id: Int64, data: Data)? {
        try await database.read { db in
            guard let row = try await db.raw("""
                SELECT id, data FROM models WHERE center_id = \(bind: centerId) AND kind = \(bind: kind.rawValue) AND active = \(bind: true)
                """).first()
            else { return nil }
            return (try row.decode(column: "id", as: Int64.self), try row.decode(column: "data", as: Data.self))
        }
    }

    /// The ids of the active models by center and kind, to notice a newly trained or re-activated one cheaply.
    func activeModelIds() async throws -> [ModelSlot: Int64] {
        try await database.read { db in
            var ids: [ModelSlot: Int64] = [:]
            for row in try await db.raw("SELECT center_id, kind, id FROM models WHERE active = \(bind: true) AND center_id IS NOT NULL").all() {
                guard let kind = ModelKind(rawValue: try row.decode(column: "kind", as: String.self)) else { continue }
                ids[ModelSlot(centerId: try row.decode(column: "center_id", as: Int64.self), kind: kind)] = try row.decode(column: "id", as: Int64.self)
            }
            return ids
        }
    }

    // MARK: Job locks

    /// Takes the named lock for `seconds` unless another holder has it: one node trains, the others skip.
    public func tryLock(_ name: String, holder: String, seconds: TimeInterval) async throws -> Bool {
        let at = now.millis
        let until = at + Int64(seconds * 1000)
        return try await database.transaction { db in
            let row = try await db.raw("""
                INSERT INTO job_locks (name, holder, until_at) VALUES (\(bind: name), \(bind: holder), \(bind: until))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_at = excluded.until_at
                WHERE job_locks.until_at < \(bind: at) OR job_locks.holder = excluded.holder
                RETURNING holder
                """).first()
            return row != nil
        }
    }

    /// Releases a lock this holder took.
    public func unlock(_ name: String, holder: String) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM job_locks WHERE name = \(bind: name) AND holder = \(bind: holder)").run()
        }
    }

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

extension Dictionary where Key == String, Value == Double {
    var jsonText: String { (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "{}" }

    init(json: String) {
        self = (try? JSONDecoder().decode([String: Double].self, from: Data(json.utf8))) ?? [:]
    }
}

extension Array where Element == String {
    var jsonText: String { (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "[]" }

    init(json: String) {
        self = (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}

/// Tickets as duplicate detection follows them: the newly recorded open ones, and those that ended.
struct DuplicateFeed: Sendable {
    struct Opened: Sendable {
        var id: Int64
        var centerId: Int64
        var text: String
        var address: String?
        var createdAt: Date
    }

    var opened: [Opened]
    var closed: [Int64]
    /// The store's time of this read, in milliseconds: the next read asks for what changed after it.
    var scannedAt: Int64
}

extension Store {
    /// How far back each read of the feed looks again: a ticket recorded on another node, or committed later than
    /// its timestamp says (a slow transaction, a clock a little behind), is still seen. Readers skip what they have.
    static let feedOverlapMillis: Int64 = 120_000

    /// Open tickets recorded since `since` (and no earlier than the overlap before `lastScan`), and tickets that
    /// ended since the overlap before `lastScan`. Ids are not used as a cursor: on PostgreSQL they are handed out
    /// before commit, so a smaller id can become visible after a larger one.
    func duplicateFeed(lastScan: Int64, since: Date) async throws -> DuplicateFeed {
        let scannedAt = now.millis
        let from = lastScan == 0 ? since.millis : max(since.millis, lastScan - Self.feedOverlapMillis)
        let terminal = TicketStatus.allCases.filter(\.isTerminal).map(\.rawValue)
        // Written out (not bound) so that the planner sees the partial index `tickets_ended` applies.
        let ended = terminal.map { "'\($0)'" }.joined(separator: ", ")
        return try await database.read { db in
            let opened = try await db.raw("""
                SELECT id, center_id, title, content, address, created_at FROM tickets
                WHERE created_at >= \(bind: from) AND status NOT IN (\(binds: terminal)) ORDER BY id
                """).all().map { row in
                DuplicateFeed.Opened(
                    id: try row.decode(column: "id", as: Int64.self), centerId: try row.decode(column: "center_id", as: Int64.self),
                    text: try row.decode(column: "title", as: String.self) + "\n" + row.decode(column: "content", as: String.self),
                    address: try row.decode(column: "address", as: String?.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
            }
            // On the first read nothing is held yet, so nothing can have ended.
            let closed = lastScan == 0 ? [] : try await db.raw("""
                SELECT id FROM tickets WHERE updated_at >= \(bind: lastScan - Self.feedOverlapMillis) AND status IN (\(unsafeRaw: ended))
                """).all().map { try $0.decode(column: "id", as: Int64.self) }
            return DuplicateFeed(opened: opened, closed: closed, scannedAt: scannedAt)
        }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Stored classifier versions (模型): saving, listing, activating and rolling back.
extension Store {
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
}

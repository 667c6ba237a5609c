import Foundation
import HotlineCore
import SQLKit

/// Error reports on entries (纠错): filed by staff, resolved by editors.
extension Store {
    // MARK: Error reports

    /// Reports an error in a live entry (查漏纠错); any staff member who can see it may.
    public func reportKnowledgeError(id: Int64, text: String, by actor: Actor) async throws -> KnowledgeReport {
        let text = try Lifecycle.required(text, "text", max: 2000)
        let entry = try await knowledge(id: id, for: actor)
        let at = now
        return try await database.transaction { db in
            guard let row = try await db.raw("""
                INSERT INTO kb_reports (entry_id, reporter_id, reporter_name, text, status, created_at)
                VALUES (\(bind: id), \(bind: actor.userId), \(bind: actor.name), \(bind: text), 'open', \(bind: at.millis)) RETURNING id
                """).first() else { throw HotlineError(.insertFailed, "保存失败") }
            return KnowledgeReport(id: try row.decode(column: "id", as: Int64.self), entryId: id, question: entry.content.question,
                                   reporterName: actor.name, text: text, status: .open, createdAt: at)
        }
    }

    /// Reports on entries the actor writes or verifies, open ones first.
    public func knowledgeReports(status: KnowledgeReport.Status?, for actor: Actor) async throws -> [KnowledgeReport] {
        try await database.read { db in
            let filter: SQLQueryString = status.map { "AND r.status = \(bind: $0.rawValue)" } ?? ""
            // Reports go to whoever writes or verifies the entry: editors and admins all, a unit's staff their unit's.
            let source: SQLQueryString
            if actor.role?.may(.editKnowledge) == true {
                source = ""
            } else if actor.role?.may(.handleTickets) == true {
                source = "AND e.source_unit_id = \(bind: actor.unitId ?? -1)"
            } else {
                return []
            }
            let rows = try await db.raw("""
                SELECT r.*, e.question FROM kb_reports r JOIN kb_entries e ON e.id = r.entry_id
                WHERE e.center_id = \(bind: actor.centerId) \(filter) \(source) ORDER BY CASE WHEN r.status = 'open' THEN 0 ELSE 1 END, r.id DESC LIMIT 200
                """).all()
            return try rows.map { row in
                KnowledgeReport(
                    id: try row.decode(column: "id", as: Int64.self), entryId: try row.decode(column: "entry_id", as: Int64.self),
                    question: try row.decode(column: "question", as: String.self), reporterName: try row.decode(column: "reporter_name", as: String.self),
                    text: try row.decode(column: "text", as: String.self),
                    status: KnowledgeReport.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
                    resolution: try row.decode(column: "resolution", as: String?.self),
                    resolvedByName: try row.decode(column: "resolved_by_name", as: String?.self),
                    createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
                    resolvedAt: try row.decode(column: "resolved_at", as: Int64?.self).map(Date.init(millis:)))
            }
        }
    }

    /// Closes a report: corrected (the entry was or will be edited) or dismissed, with the reason.
    public func resolveKnowledgeReport(id: Int64, dismiss: Bool, resolution: String, by actor: Actor) async throws {
        let resolution = try Lifecycle.required(resolution, "resolution", max: 2000)
        let at = now
        try await database.transaction { db in
            guard let row = try await db.raw("""
                SELECT r.status, e.source_unit_id FROM kb_reports r JOIN kb_entries e ON e.id = r.entry_id
                WHERE r.id = \(bind: id) AND e.center_id = \(bind: actor.centerId)\(unsafeRaw: self.forUpdate)
                """).first() else { throw HotlineError.notFound("纠错报告") }
            let source = try row.decode(column: "source_unit_id", as: Int64?.self)
            guard KnowledgeWorkflow.mayWrite(sourceUnitId: source, by: actor) || KnowledgeWorkflow.mayVerify(sourceUnitId: source, by: actor) else {
                throw HotlineError.notFound("纠错报告")
            }
            guard try row.decode(column: "status", as: String.self) == "open" else {
                throw HotlineError(.invalidState, "该报告已处理 (already handled)")
            }
            try await db.raw("""
                UPDATE kb_reports SET status = \(bind: dismiss ? "dismissed" : "resolved"), resolution = \(bind: resolution),
                  resolved_by_name = \(bind: actor.name), resolved_at = \(bind: at.millis) WHERE id = \(bind: id)
                """).run()
        }
    }
}

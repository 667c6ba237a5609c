import Foundation
import HotlineCore
import SQLKit

/// A file uploaded with a ticket or one of its actions.
public struct StoredFile: Sendable, Hashable {
    public var id: Int64
    public var ticketId: Int64
    /// The history event the file came with (nil for files recorded with the ticket itself).
    public var eventSeq: Int64?
    public var name: String
    public var contentType: String
    public var size: Int
    public var sha256: String
    /// Who attached it: `citizen`, `center` or `unit`.
    public var source: String
    public var createdAt: Date

    public var isImage: Bool { contentType.hasPrefix("image/") }
}

/// A file written to the vault whose row the current transaction will insert.
struct StagedFile: Sendable {
    let upload: CheckedUpload
    let key: String
    let sha256: String
}

extension Store {
    /// Writes uploads to disk, runs `body` (one transaction that records them), and removes the files again if it fails.
    func withStagedFiles<R: Sendable>(_ uploads: [CheckedUpload], _ body: ([StagedFile]) async throws -> R) async throws -> R {
        guard !uploads.isEmpty else { return try await body([]) }
        guard let files else { throw HotlineError(.uploadsDisabled, "未配置附件存储 (file uploads are not configured)") }
        var staged: [StagedFile] = []
        do {
            for upload in uploads {
                let (key, sha) = try files.save(upload.data)
                staged.append(StagedFile(upload: upload, key: key, sha256: sha))
            }
            return try await body(staged)
        } catch {
            for file in staged { files.delete(file.key) }
            throw error
        }
    }

    /// Records staged files against a ticket (and the event they came with) inside the caller's transaction.
    func attach(_ staged: [StagedFile], ticketId: Int64, eventSeq: Int64?, actor: Actor, at: Date, _ db: any SQLDatabase) async throws {
        let source = actor.kind == .citizen ? "citizen" : (actor.role?.may(.seeWholeCenter) == true ? "center" : "unit")
        for file in staged {
            try await db.raw("""
                INSERT INTO attachments (ticket_id, event_seq, name, content_type, size, sha256, storage_key, source, uploaded_by, created_at)
                VALUES (\(bind: ticketId), \(bind: eventSeq), \(bind: file.upload.name), \(bind: file.upload.kind.contentType),
                  \(bind: file.upload.data.count), \(bind: file.sha256), \(bind: file.key), \(bind: source), \(bind: actor.userId), \(bind: at.millis))
                """).run()
        }
    }

    static func storedFile(from row: any SQLRow) throws -> StoredFile {
        StoredFile(
            id: try row.decode(column: "id", as: Int64.self), ticketId: try row.decode(column: "ticket_id", as: Int64.self),
            eventSeq: try row.decode(column: "event_seq", as: Int64?.self), name: try row.decode(column: "name", as: String.self),
            contentType: try row.decode(column: "content_type", as: String.self), size: try row.decode(column: "size", as: Int.self),
            sha256: try row.decode(column: "sha256", as: String.self), source: try row.decode(column: "source", as: String.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
    }

    /// The files of a ticket the actor may see, oldest first — not an appeal's evidence, which is the appealing unit's
    /// and the center's assessors' only (`appealFiles`).
    public func files(ticketId: Int64, for actor: Actor) async throws -> [StoredFile] {
        try await database.read { db in
            _ = try await self.visibleRow(ticketId, actor, db)
            return try await db.raw("""
                SELECT * FROM attachments a WHERE a.ticket_id = \(bind: ticketId)
                  AND NOT EXISTS (SELECT 1 FROM assessment_appeals p WHERE p.event_seq = a.event_seq) ORDER BY a.id
                """).all().map(Self.storedFile(from:))
        }
    }

    /// One file and its bytes, when the actor may see its ticket; otherwise 404.
    public func file(id: Int64, for actor: Actor) async throws -> (StoredFile, Data) {
        let (file, key) = try await database.read { db -> (StoredFile, String) in
            guard let row = try await db.raw("SELECT * FROM attachments WHERE id = \(bind: id)").first() else {
                throw HotlineError.notFound("附件")
            }
            let file = try Self.storedFile(from: row)
            // An appeal's evidence: the center's assessors and the unit that appealed, whoever holds the ticket now.
            if let seq = file.eventSeq, let appeal = try await db.raw("""
                SELECT center_id, unit_id FROM assessment_appeals WHERE event_seq = \(bind: seq)
                """).first() {
                let (center, unit) = (try appeal.decode(column: "center_id", as: Int64.self), try appeal.decode(column: "unit_id", as: Int64.self))
                guard actor.centerId == center, actor.may(.viewAssessment) || (actor.may(.appealAssessment) && actor.unitId == unit) else {
                    throw HotlineError.notFound("附件")
                }
            } else {
                _ = try await self.visibleRow(file.ticketId, actor, db)
            }
            return (file, try row.decode(column: "storage_key", as: String.self))
        }
        guard let files else { throw HotlineError.notFound("附件") }
        return (file, try files.read(key))
    }
}

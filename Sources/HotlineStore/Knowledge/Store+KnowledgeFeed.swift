import Foundation
import HotlineCore
import SQLKit

/// The change feed each node's in-memory search index follows.
extension Store {
    // MARK: Change feed for the index

    /// The change counters: entries and synonyms.
    func knowledgeHead() async throws -> (seq: Int64, synonymsSeq: Int64) {
        try await database.read { db in
            guard let row = try await db.raw("SELECT seq, synonyms_seq FROM kb_head WHERE id = 1").first() else { return (0, 0) }
            return (try row.decode(column: "seq", as: Int64.self), try row.decode(column: "synonyms_seq", as: Int64.self))
        }
    }

    /// Entries changed after `seq`, with their change numbers and centers.
    func knowledgeChanges(after seq: Int64) async throws -> [(entry: KnowledgeEntry, centerId: Int64?, changeSeq: Int64)] {
        try await database.read { db in
            try await db.raw("SELECT * FROM kb_entries WHERE change_seq > \(bind: seq) ORDER BY change_seq").all().map { row in
                (try Self.knowledgeEntry(from: row), try row.decode(column: "center_id", as: Int64?.self),
                 try row.decode(column: "change_seq", as: Int64.self))
            }
        }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Each center's synonym groups (同义词表) for search.
extension Store {
    // MARK: Synonyms

    /// `centerId`'s synonym groups (同义词表), each a list of equivalent terms: each center keeps its own.
    public func synonymGroups(centerId: Int64) async throws -> [[String]] {
        try await database.read { db in
            try await db.raw("SELECT terms FROM kb_synonyms WHERE center_id = \(bind: centerId) ORDER BY id").all().map { row in
                try row.decode(column: "terms", as: String.self).split(separator: ",").map(String.init)
            }
        }
    }

    /// Every center's synonym groups, for the search index.
    func synonymGroupsByCenter() async throws -> [Int64: [[String]]] {
        try await database.read { db in
            var groups: [Int64: [[String]]] = [:]
            for row in try await db.raw("SELECT center_id, terms FROM kb_synonyms WHERE center_id IS NOT NULL ORDER BY id").all() {
                groups[try row.decode(column: "center_id", as: Int64.self), default: []]
                    .append(try row.decode(column: "terms", as: String.self).split(separator: ",").map(String.init))
            }
            return groups
        }
    }

    /// Replaces the synonym table of the actor's center; every node's search picks it up with its next refresh.
    public func setSynonymGroups(_ groups: [[String]], by actor: Actor) async throws {
        guard actor.role?.may(.editKnowledge) == true else { throw HotlineError.forbidden("当前角色无权维护同义词 (your role may not edit synonyms)") }
        let centerId = try actor.requireCenter()
        let cleaned = try groups.map { group in
            try KnowledgeContent.list(group.map { $0.replacingOccurrences(of: ",", with: "") }, "synonyms", count: 20, length: 30)
        }.filter { $0.count >= 2 }
        guard cleaned.count <= 2000 else { throw HotlineError.invalid("synonyms", "最多2000组 (at most 2000 groups)") }
        try await database.transaction { db in
            // The counter first: its row lock makes two saves at once take turns instead of merging.
            _ = try await self.bumpKnowledgeSeq(db, synonyms: true)
            try await db.raw("DELETE FROM kb_synonyms WHERE center_id = \(bind: centerId)").run()
            for group in cleaned {
                try await db.raw("INSERT INTO kb_synonyms (center_id, terms) VALUES (\(bind: centerId), \(bind: group.joined(separator: ",")))").run()
            }
        }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// The category tree (诉求分类): imported from a spreadsheet, read by intake and reports.
extension Store {
    /// The result of a category import.
    public struct CategoryImportResult: Sendable {
        public var inserted: Int
        public var updated: Int
        public var problems: [CategoryImport.Problem]
    }

    /// Writes the parsed tree in one transaction: new codes are added, existing ones renamed in place.
    public func importCategories(_ parsed: CategoryImport, by actor: Actor) async throws -> CategoryImportResult {
        try actor.require(.manageReferenceData)
        let nodes = parsed.nodes
        let (inserted, updated) = try await database.transaction { db in
            var inserted = 0
            var updated = 0
            for node in nodes {
                let exists = try await db.raw("SELECT code FROM categories WHERE code = \(bind: node.code)").first() != nil
                if exists {
                    try await db.raw("""
                        UPDATE categories SET name = \(bind: node.name), level = \(bind: node.level), parent_code = \(bind: node.parentCode),
                          description = \(bind: node.description), active = \(bind: true) WHERE code = \(bind: node.code)
                        """).run()
                    updated += 1
                } else {
                    try await db.raw("""
                        INSERT INTO categories (code, name, level, parent_code, description, active)
                        VALUES (\(bind: node.code), \(bind: node.name), \(bind: node.level), \(bind: node.parentCode), \(bind: node.description), \(bind: true))
                        """).run()
                    inserted += 1
                }
            }
            return (inserted, updated)
        }
        return CategoryImportResult(inserted: inserted, updated: updated, problems: parsed.problems)
    }

    /// Every active category, parents before children.
    public func categories() async throws -> [CategoryNode] {
        try await database.read { db in
            try await db.raw("SELECT code, name, level, parent_code, description FROM categories WHERE active = \(bind: true) ORDER BY code")
                .all().map { row in
                    CategoryNode(code: try row.decode(column: "code", as: String.self), name: try row.decode(column: "name", as: String.self),
                                 level: try row.decode(column: "level", as: Int.self),
                                 parentCode: try row.decode(column: "parent_code", as: String?.self),
                                 description: try row.decode(column: "description", as: String?.self))
                }
        }
    }

    /// Whether `code` names an active category.
    func categoryExists(_ code: String, _ db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT code FROM categories WHERE code = \(bind: code) AND active = \(bind: true)").first() != nil
    }
}

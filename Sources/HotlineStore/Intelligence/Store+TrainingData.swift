import Foundation
import HotlineCore
import SQLKit

/// What classifiers learn from: a center's closed tickets.
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
}

import Foundation
import HotlineCore
import SQLKit

/// The deadline scanner's queries: find tickets whose deadlines came due and mark each exactly once.
extension Store {
    /// How many tickets one scan marked.
    public struct ScanResult: Sendable, Equatable {
        public var dueSoon = 0
        public var overdue = 0
        public var signOverdue = 0
        public init() {}
    }

    /// Marks due-soon, overdue and sign-overdue tickets, opening automatic supervision for the overdue.
    /// Safe on several nodes: rows are claimed with `SKIP LOCKED` on PostgreSQL and each mark is guarded by its flag.
    public func scanDeadlines(batchSize: Int = 200) async throws -> ScanResult {
        var result = ScanResult()
        let running = TicketStatus.allCases.filter(\.isWithUnit).map(\.rawValue)
        let scans: [(TicketAction, @Sendable (Int64) -> SQLQueryString, WritableKeyPath<ScanResult, Int>)] = [
            (.markOverdue, { "status IN (\(binds: running)) AND overdue_marked = \(bind: false) AND reply_due_at <= \(bind: $0)" }, \.overdue),
            (.markDueSoon, { "status IN (\(binds: running)) AND due_soon_marked = \(bind: false) AND due_soon_at <= \(bind: $0)" }, \.dueSoon),
            (.markSignOverdue, { "status = 'pendingSign' AND sign_overdue_marked = \(bind: false) AND sign_due_at <= \(bind: $0)" }, \.signOverdue),
        ]
        for (action, condition, counter) in scans {
            while true {
                let at = now
                let claimed = try await database.transaction { db in
                    let skipLocked = self.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
                    let rows = try await db.raw("""
                        SELECT * FROM tickets WHERE \(condition(at.millis)) ORDER BY id LIMIT \(literal: batchSize)\(unsafeRaw: skipLocked)
                        """).all().map { try TicketRow(row: $0) }
                    var marked = 0
                    for row in rows {
                        do {
                            _ = try await self.transition(row, action: action, actor: .system, at: at, db)
                            marked += 1
                        } catch let error as HotlineError where error.kind == .conflict {
                            continue
                        }
                    }
                    return (rows.count, marked)
                }
                result[keyPath: counter] += claimed.1
                if claimed.0 < batchSize || claimed.1 == 0 { break }
            }
        }
        return result
    }
}

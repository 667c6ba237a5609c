import Foundation
import HotlineCore
import SQLKit

/// Deadlines in SQL: which tickets are due soon or overdue, and the scanner that marks each exactly once.
extension Store {
    /// The SQL twin of `DueState.of` (DueState.swift, the one definition): tickets whose deadline state at `now` is
    /// `state` — `.overdue` or `.dueSoon` — or, with `orLater`, that state or a later one. `alias` names the tickets
    /// table in the query (`t` in lists, none in the scanner).
    static func dueCondition(_ state: DueState, at now: Date, alias: String? = "t", orLater: Bool = false) -> SQLQueryString {
        let column = { (name: String) -> SQLQueryString in "\(unsafeRaw: alias.map { $0 + "." } ?? "")\(unsafeRaw: name)" }
        let running: SQLQueryString = "\(column("status")) IN (\(binds: DueState.running.map(\.rawValue).sorted()))"
        let millis = now.millis
        switch state {
        case .overdue:
            return "\(running) AND \(column("reply_due_at")) <= \(bind: millis)"
        case .dueSoon where orLater:
            return "\(running) AND (\(column("due_soon_at")) <= \(bind: millis) OR \(column("reply_due_at")) <= \(bind: millis))"
        case .dueSoon:
            return "\(running) AND \(column("due_soon_at")) <= \(bind: millis) AND \(column("reply_due_at")) > \(bind: millis)"
        case .normal, .none:
            preconditionFailure("only due-soon and overdue are listed")
        }
    }

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
        let signing = ActionRule.from(.sign).map(\.rawValue).sorted()
        let scans: [(TicketAction, @Sendable (Date) -> SQLQueryString, WritableKeyPath<ScanResult, Int>)] = [
            (.markOverdue, { "overdue_marked = \(bind: false) AND \(Self.dueCondition(.overdue, at: $0, alias: nil))" }, \.overdue),
            // Due soon once the warning moment has come, overdue or not: the mark is a fact about the ticket's past.
            (.markDueSoon, { "due_soon_marked = \(bind: false) AND \(Self.dueCondition(.dueSoon, at: $0, alias: nil, orLater: true))" }, \.dueSoon),
            (.markSignOverdue, {
                "status IN (\(binds: signing)) AND sign_overdue_marked = \(bind: false) AND sign_due_at <= \(bind: $0.millis)"
            }, \.signOverdue),
        ]
        for (action, condition, counter) in scans {
            while true {
                let at = now
                let claimed = try await database.transaction { db in
                    let skipLocked = self.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
                    let rows = try await db.raw("""
                        SELECT * FROM tickets WHERE \(condition(at)) AND source_user_id IS NULL ORDER BY id LIMIT \(literal: batchSize)\(unsafeRaw: skipLocked)
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

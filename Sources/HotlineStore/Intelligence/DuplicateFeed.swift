import Foundation
import HotlineCore
import SQLKit

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

import Foundation
import HotlineCore
import SQLKit

/// One change waiting in the outbox for the systems that follow Hotline (written with the change itself).
public struct OutboxMessage: Sendable, Equatable {
    public let id: Int64
    /// The history event's sequence number.
    public let eventSeq: Int64
    /// `ticket.<action>`.
    public let topic: String
    /// The event as canonical JSON.
    public let payload: String
    public let createdAt: Date
}

/// The outbox: read by the relay in the integrations target.
extension Store {
    /// Claims up to `limit` undelivered messages in commit order, hands them to `deliver`, and marks the ones it
    /// returns as delivered — all in one transaction, so a crash mid-way delivers them again (at least once). On
    /// PostgreSQL the rows are claimed `FOR UPDATE SKIP LOCKED`: several nodes never hand out the same message at once.
    @discardableResult
    public func relayOutbox(limit: Int, _ deliver: @escaping @Sendable ([OutboxMessage]) async throws -> [Int64]) async throws -> Int {
        let at = now.millis
        return try await database.transaction { db in
            let skipLocked = self.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            let messages = try await db.raw("""
                SELECT id, event_seq, topic, payload, created_at FROM outbox WHERE delivered_at IS NULL
                ORDER BY id LIMIT \(literal: limit)\(unsafeRaw: skipLocked)
                """).all().map { row in
                OutboxMessage(id: try row.decode(column: "id", as: Int64.self), eventSeq: try row.decode(column: "event_seq", as: Int64.self),
                              topic: try row.decode(column: "topic", as: String.self), payload: try row.decode(column: "payload", as: String.self),
                              createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)))
            }
            guard !messages.isEmpty else { return 0 }
            let delivered = Set(try await deliver(messages)).intersection(messages.map(\.id))
            guard !delivered.isEmpty else { return 0 }
            try await db.raw("UPDATE outbox SET delivered_at = \(bind: at) WHERE id IN (\(binds: Array(delivered)))").run()
            return delivered.count
        }
    }
}

import Crypto
import Foundation

/// One history event as it is chained: every field that must not change after the fact.
public struct AuditRecord: Sendable, Equatable {
    public var seq: Int64
    public var ticketId: Int64?
    public var at: Int64
    public var actorId: Int64?
    public var actorName: String
    public var action: String
    public var fromStatus: String?
    public var toStatus: String?
    public var note: String?
    public var details: String
    public var prevHash: String
    public var hash: String

    public init(seq: Int64, ticketId: Int64?, at: Int64, actorId: Int64?, actorName: String, action: String, fromStatus: String?,
                toStatus: String?, note: String?, details: String, prevHash: String, hash: String) {
        self.seq = seq
        self.ticketId = ticketId
        self.at = at
        self.actorId = actorId
        self.actorName = actorName
        self.action = action
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.note = note
        self.details = details
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// The tamper-evident chain over history events: each hash covers the event and the hash before it.
public enum AuditChain {
    /// The hash before the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of `record` chained to `prevHash`.
    public static func hash(_ record: AuditRecord, prevHash: String) -> String {
        let fields: [String] = [
            prevHash, String(record.seq), record.ticketId.map { String($0) } ?? "", String(record.at),
            record.actorId.map { String($0) } ?? "", record.actorName, record.action, record.fromStatus ?? "",
            record.toStatus ?? "", record.note ?? "", record.details,
        ]
        // Length-prefix each field so that no two different events serialize alike.
        let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
        return Hex.encode(SHA256.hash(data: Data(canonical.utf8)))
    }

    /// A problem found while verifying.
    public struct Break: Sendable, Equatable, CustomStringConvertible {
        public let seq: Int64
        public let reason: String

        public init(seq: Int64, reason: String) {
            self.seq = seq
            self.reason = reason
        }
        public var description: String { "event #\(seq): \(reason)" }
    }

    /// Walks records in `seq` order from `prevHash`; returns the first broken link, if any.
    public static func verify(_ records: some Sequence<AuditRecord>, startingAfter prevHash: String = genesis,
                              expectedSeq: Int64 = 1) -> Break? {
        var previous = prevHash
        var seq = expectedSeq
        for record in records {
            if record.seq != seq { return Break(seq: seq, reason: "missing event (found #\(record.seq) instead)") }
            if record.prevHash != previous { return Break(seq: record.seq, reason: "link to the previous event is broken") }
            if hash(record, prevHash: previous) != record.hash { return Break(seq: record.seq, reason: "event content was altered") }
            previous = record.hash
            seq += 1
        }
        return nil
    }
}

@preconcurrency import Crypto
import Foundation

/// One history event as it is chained: every column of it, so none can change after the fact.
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
    /// Whether the citizen sees the event.
    public var isPublic: Bool
    /// The audit key that sealed it; nil for an event sealed before the chain was keyed (plain SHA-256).
    public var keyId: Int64?
    /// The ticket's row as the event left it (`AuditChain.digest`); nil for an event of the center.
    public var ticketDigest: String?
    public var prevHash: String
    public var hash: String

    public init(seq: Int64, ticketId: Int64?, at: Int64, actorId: Int64?, actorName: String, action: String, fromStatus: String?,
                toStatus: String?, note: String?, details: String, isPublic: Bool = false, keyId: Int64? = nil, ticketDigest: String? = nil,
                prevHash: String, hash: String) {
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
        self.isPublic = isPublic
        self.keyId = keyId
        self.ticketDigest = ticketDigest
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// The keys that seal the audit chain, kept outside the database (a database administrator can rewrite rows but not
/// forge their seals). Keys are numbered; the newest seals new events, the older ones still verify old events.
public struct AuditKeyring: Sendable {
    public let keys: [Int64: SymmetricKey]

    /// The newest key's number.
    public var current: Int64 { keys.keys.max() ?? 0 }

    public init(keys: [Int64: SymmetricKey]) {
        self.keys = keys
    }

    /// Reads a key file: one `<number> <base64 of 32 bytes>` per line (`#` starts a comment).
    public init(fileText: String) throws(HotlineError) {
        var keys: [Int64: SymmetricKey] = [:]
        for line in fileText.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, let id = Int64(parts[0]), id > 0, let secret = Data(base64Encoded: String(parts[1])), secret.count == 32 else {
                throw HotlineError(.badKey, "审计密钥文件格式错误 (each line of the audit key file is `<number> <base64 of 32 bytes>`)")
            }
            guard keys[id] == nil else { throw HotlineError(.badKey, "审计密钥编号重复 (audit key #\(id) appears twice)") }
            keys[id] = SymmetricKey(data: secret)
        }
        guard !keys.isEmpty else { throw HotlineError(.badKey, "审计密钥文件为空 (the audit key file holds no key)") }
        self.keys = keys
    }

    /// A new key file line numbered `id`, with a fresh random key.
    public static func newLine(id: Int64) -> String {
        "\(id) " + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }

    /// The Ed25519 key that signs checkpoints under key `id`, derived from it (a witness keeps only its public half).
    public func signingKey(_ id: Int64) -> Curve25519.Signing.PrivateKey? {
        guard let key = keys[id] else { return nil }
        let seed = HKDF<SHA256>.deriveKey(inputKeyMaterial: key, info: Data("hotline-audit-checkpoint".utf8), outputByteCount: 32)
        return seed.withUnsafeBytes { try? Curve25519.Signing.PrivateKey(rawRepresentation: Data($0)) }
    }

    /// The base64 public key a witness checks checkpoints of key `id` with.
    public func publicKey(_ id: Int64) -> String? {
        signingKey(id)?.publicKey.rawRepresentation.base64EncodedString()
    }
}

/// The tamper-evident chain over history events: each seal is an HMAC, under a key kept outside the database, of
/// every column of the event, the ticket's row after it, and the seal before it.
public enum AuditChain {
    /// The hash before the first event.
    public static let genesis = String(repeating: "0", count: 64)

    /// The details key of a key rotation event naming the new key.
    public static let rotatedKey = "key"

    /// Length-prefixed fields, so that no two different records serialize alike (nil is not "").
    static func canonical(_ fields: [String?]) -> Data {
        var text = ""
        for field in fields {
            if let field { text += "\(field.utf8.count):\(field)|" } else { text += "-|" }
        }
        return Data(text.utf8)
    }

    /// The seal of `record` chained to `prevHash`: HMAC-SHA256 under `key` for a keyed record; for an event sealed
    /// before keys (no `keyId`), the plain SHA-256 of the fields it then covered.
    public static func hash(_ record: AuditRecord, prevHash: String, key: SymmetricKey?) -> String {
        guard let keyId = record.keyId, let key else {
            let fields: [String] = [
                prevHash, String(record.seq), record.ticketId.map { String($0) } ?? "", String(record.at),
                record.actorId.map { String($0) } ?? "", record.actorName, record.action, record.fromStatus ?? "",
                record.toStatus ?? "", record.note ?? "", record.details,
            ]
            let canonical = fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|")
            return Hex.encode(SHA256.hash(data: Data(canonical.utf8)))
        }
        let fields: [String?] = [
            "v2", prevHash, String(record.seq), record.ticketId.map { String($0) }, String(record.at), record.actorId.map { String($0) },
            record.actorName, record.action, record.fromStatus, record.toStatus, record.note, record.details, record.isPublic ? "1" : "0",
            String(keyId), record.ticketDigest,
        ]
        return Hex.encode(HMAC<SHA256>.authenticationCode(for: canonical(fields), using: key))
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

    /// Walks the chain one record at a time, in `seq` order, across as many pages as it takes.
    public struct Walker: Sendable {
        public private(set) var previous: String
        public private(set) var expectedSeq: Int64
        /// Records checked and found intact.
        public private(set) var intact: Int64 = 0
        /// The key the chain is sealed with at this point (nil until the first keyed record).
        public private(set) var currentKey: Int64?
        let keyring: AuditKeyring

        public init(keyring: AuditKeyring, startingAfter prevHash: String = genesis, expectedSeq: Int64 = 1, currentKey: Int64? = nil) {
            self.keyring = keyring
            previous = prevHash
            self.expectedSeq = expectedSeq
            self.currentKey = currentKey
        }

        /// Checks the next record; the break it shows, if any (the walk should stop there).
        public mutating func check(_ record: AuditRecord) -> Break? {
            if record.seq != expectedSeq {
                return Break(seq: expectedSeq, reason: "missing event (found #\(record.seq) instead)")
            }
            if record.prevHash != previous { return Break(seq: record.seq, reason: "link to the previous event is broken") }
            var key: SymmetricKey?
            if let keyId = record.keyId {
                guard let found = keyring.keys[keyId] else { return Break(seq: record.seq, reason: "sealed with unknown audit key #\(keyId)") }
                if let currentKey, keyId != currentKey {
                    return Break(seq: record.seq, reason: "sealed with audit key #\(keyId) where the chain uses #\(currentKey)")
                }
                key = found
            } else if currentKey != nil {
                return Break(seq: record.seq, reason: "an unkeyed event after keyed ones (the seal was stripped)")
            }
            if AuditChain.hash(record, prevHash: previous, key: key) != record.hash {
                return Break(seq: record.seq, reason: "event content was altered")
            }
            if let keyId = record.keyId {
                currentKey = keyId
                if record.action == ActionCode.rotateAuditKey.rawValue {
                    let details = (try? JSONDecoder().decode([String: [String]].self, from: Data(record.details.utf8))) ?? [:]
                    guard let next = details[AuditChain.rotatedKey]?.first.flatMap({ Int64($0) }), keyring.keys[next] != nil else {
                        return Break(seq: record.seq, reason: "a key rotation names no known key")
                    }
                    currentKey = next
                }
            }
            previous = record.hash
            expectedSeq += 1
            intact += 1
            return nil
        }
    }

    /// Walks records in `seq` order from `prevHash`; returns the first broken link, if any.
    public static func verify(_ records: some Sequence<AuditRecord>, keyring: AuditKeyring, startingAfter prevHash: String = genesis,
                              expectedSeq: Int64 = 1) -> Break? {
        var walker = Walker(keyring: keyring, startingAfter: prevHash, expectedSeq: expectedSeq)
        for record in records {
            if let broken = walker.check(record) { return broken }
        }
        return nil
    }
}

/// A signed statement of the chain's head at a moment, kept outside the database (an append-only file, a witness):
/// a chain cut short or rolled back no longer reaches the head a checkpoint saw.
public struct AuditCheckpoint: Codable, Sendable, Equatable {
    public var seq: Int64
    public var head: String
    /// Milliseconds since 1970.
    public var at: Int64
    public var key: Int64
    /// Base64 Ed25519 signature of `signedText`.
    public var signature: String

    public init(seq: Int64, head: String, at: Int64, key: Int64, signature: String = "") {
        self.seq = seq
        self.head = head
        self.at = at
        self.key = key
        self.signature = signature
    }

    var signedText: Data { Data("hotline-checkpoint-v1|\(seq)|\(head)|\(at)|\(key)".utf8) }

    /// The checkpoint of `seq` and `head`, signed with the keyring's current key.
    public static func signed(seq: Int64, head: String, at: Date, keyring: AuditKeyring) throws(HotlineError) -> AuditCheckpoint {
        var checkpoint = AuditCheckpoint(seq: seq, head: head, at: Int64((at.timeIntervalSince1970 * 1000).rounded()), key: keyring.current)
        guard let signer = keyring.signingKey(keyring.current), let signature = try? signer.signature(for: checkpoint.signedText) else {
            throw HotlineError(.badKey, "无法签署审计存证 (cannot sign the checkpoint)")
        }
        checkpoint.signature = signature.base64EncodedString()
        return checkpoint
    }

    /// Whether the signature is the keyring's.
    public func isSigned(by keyring: AuditKeyring) -> Bool {
        guard let signer = keyring.signingKey(key), let signature = Data(base64Encoded: signature) else { return false }
        return signer.publicKey.isValidSignature(signature, for: signedText)
    }

    /// Whether the signature is that of the base64 Ed25519 `publicKey` (what a witness holds; it has no audit key).
    public func isValid(publicKey: String) -> Bool {
        guard let raw = Data(base64Encoded: publicKey), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
              let signature = Data(base64Encoded: signature) else { return false }
        return key.isValidSignature(signature, for: signedText)
    }

    /// One line of the checkpoint file.
    public var line: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// The checkpoints of a file's text; a line that is not one is reported, not skipped silently.
    public static func parse(_ text: String) -> (checkpoints: [AuditCheckpoint], unreadable: Int) {
        var checkpoints: [AuditCheckpoint] = []
        var unreadable = 0
        for line in text.split(whereSeparator: \.isNewline) where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            if let checkpoint = try? JSONDecoder().decode(AuditCheckpoint.self, from: Data(line.utf8)) {
                checkpoints.append(checkpoint)
            } else {
                unreadable += 1
            }
        }
        return (checkpoints, unreadable)
    }
}

/// What `audit verify` found: the chain, the tickets bound to it, the checkpoints outside it.
public struct AuditReport: Sendable {
    /// Events checked and intact before the first break (all of them when there is none).
    public var intactEvents: Int64 = 0
    /// The head the walk went to.
    public var headSeq: Int64 = 0
    public var broken: AuditChain.Break?
    /// Tickets whose row was checked against their last event, and those that differ.
    public var ticketsChecked: Int64 = 0
    public var alteredTickets: [(id: Int64, number: String)] = []
    /// Tickets whose last event predates keyed seals (not checkable).
    public var unsealedTickets: Int64 = 0
    /// Checkpoints read, the newest one the chain still matches, and the first one it does not.
    public var checkpoints = 0
    public var lastGoodCheckpoint: AuditCheckpoint?
    public var failedCheckpoint: (checkpoint: AuditCheckpoint, reason: String)?

    public init() {}

    public var isIntact: Bool { broken == nil && alteredTickets.isEmpty && failedCheckpoint == nil }

    /// The findings, one per line, for the command line and the admin page.
    public var lines: [String] {
        var lines: [String] = []
        if let broken {
            lines.append("audit chain BROKEN at \(broken): \(intactEvents) events before it are intact")
        } else {
            lines.append("audit chain intact: \(intactEvents) events verified up to #\(headSeq)")
        }
        if let failedCheckpoint {
            let time = Date(timeIntervalSince1970: Double(failedCheckpoint.checkpoint.at) / 1000)
            lines.append("checkpoint of #\(failedCheckpoint.checkpoint.seq) (\(time)) FAILS: \(failedCheckpoint.reason)")
        }
        if let lastGoodCheckpoint {
            lines.append("last good checkpoint: #\(lastGoodCheckpoint.seq) at \(Date(timeIntervalSince1970: Double(lastGoodCheckpoint.at) / 1000)) (\(checkpoints) read)")
        } else {
            lines.append("no good checkpoint (\(checkpoints) read)")
        }
        if alteredTickets.isEmpty {
            lines.append("tickets intact: \(ticketsChecked) rows match their last event" + (unsealedTickets > 0 ? " (\(unsealedTickets) sealed before keys, not checked)" : ""))
        } else {
            let named = alteredTickets.prefix(20).map { "\($0.number) (#\($0.id))" }.joined(separator: ", ")
            lines.append("tickets ALTERED: \(alteredTickets.count) of \(ticketsChecked) differ from their last event: \(named)")
        }
        return lines
    }
}

extension AuditReport {
    /// Checks the checkpoints against the chain's seals: each must be signed by the keyring, and the chain must still
    /// reach it with the same head. `hashes` are the seals of the checkpointed events the chain still has.
    public mutating func check(checkpoints list: [AuditCheckpoint], unreadable: Int, keyring: AuditKeyring, hashes: [Int64: String]) {
        checkpoints = list.count
        if unreadable > 0, let last = list.last {
            failedCheckpoint = (last, "\(unreadable) lines of the checkpoint file are not checkpoints")
        }
        for checkpoint in list.sorted(by: { $0.seq < $1.seq }) {
            guard checkpoint.isSigned(by: keyring) else {
                failedCheckpoint = failedCheckpoint ?? (checkpoint, "its signature is not the audit key's")
                continue
            }
            if checkpoint.seq == 0 {
                if checkpoint.head == AuditChain.genesis { lastGoodCheckpoint = checkpoint }
                continue
            }
            if checkpoint.seq > headSeq || hashes[checkpoint.seq] == nil {
                failedCheckpoint = failedCheckpoint ?? (checkpoint,
                    "event #\(checkpoint.seq) was checkpointed but is not in the chain any more (truncated or rolled back to #\(headSeq))")
            } else if hashes[checkpoint.seq] != checkpoint.head {
                failedCheckpoint = failedCheckpoint ?? (checkpoint, "event #\(checkpoint.seq) is not the one checkpointed (the chain was rewritten)")
            } else if failedCheckpoint == nil && (broken.map { checkpoint.seq < $0.seq } ?? true) {
                lastGoodCheckpoint = checkpoint
            }
        }
    }
}

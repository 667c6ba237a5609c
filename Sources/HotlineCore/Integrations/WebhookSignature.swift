import Crypto
import Foundation

/// How a webhook delivery is signed, and how a receiver checks it.
///
/// The sender puts the moment it signed, in Unix seconds, in `X-Hotline-Timestamp`. It puts
/// `v1=` + hex(HMAC-SHA256(secret, "<timestamp>.<body>")) in `X-Hotline-Signature`. A receiver recomputes the code over the
/// bytes it received and compares in constant time. It rejects a timestamp more than `tolerance` away from its own
/// clock, so a recorded delivery cannot be replayed later. It de-duplicates on `X-Hotline-Delivery`.
public enum WebhookSignature {
    public static let timestampHeader = "X-Hotline-Timestamp"
    public static let signatureHeader = "X-Hotline-Signature"
    public static let deliveryHeader = "X-Hotline-Delivery"
    public static let topicHeader = "X-Hotline-Topic"
    /// How far a delivery's timestamp may be from the receiver's clock: 5 minutes.
    public static let tolerance: TimeInterval = 300

    /// Why a receiver refuses a delivery.
    public enum Rejection: String, Error, Sendable, Equatable {
        /// A header is missing or not in the documented form.
        case malformed
        /// The timestamp is more than `tolerance` from now: a replay, or a clock far off.
        case stale
        /// The code does not match: another secret, or a changed body.
        case mismatch
    }

    /// The `X-Hotline-Signature` value for `body` signed at `timestamp` (Unix seconds).
    public static func sign(body: some DataProtocol, timestamp: Int64, secret: String) -> String {
        "v1=" + Hex.encode(code(body: body, timestamp: timestamp, secret: secret))
    }

    /// Checks a delivery as a receiver does; throws the reason it is refused.
    public static func verify(body: some DataProtocol, timestamp: String?, signature: String?, secret: String, now: Date) throws(Rejection) {
        guard let timestamp, let seconds = Int64(timestamp), let signature else { throw .malformed }
        guard abs(now.timeIntervalSince1970 - TimeInterval(seconds)) <= tolerance else { throw .stale }
        // Several `v1=` codes may be sent while a secret is rotated; any one matching is enough.
        let expected = code(body: body, timestamp: seconds, secret: secret)
        let offered = signature.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.compactMap { part -> [UInt8]? in
            guard part.hasPrefix("v1=") else { return nil }
            return Hex.decode(String(part.dropFirst(3)))
        }
        guard !offered.isEmpty else { throw .malformed }
        guard offered.contains(where: { Self.constantTimeEqual($0, expected) }) else { throw .mismatch }
    }

    static func code(body: some DataProtocol, timestamp: Int64, secret: String) -> [UInt8] {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: Data(secret.utf8)))
        mac.update(data: Data("\(timestamp).".utf8))
        mac.update(data: Data(body))
        return Array(mac.finalize())
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }

    /// A new secret for a subscription: 32 random bytes as hex, prefixed so it is recognisable in a config file.
    public static func newSecret() -> String {
        "whsec_" + Hex.random(bytes: 32)
    }
}

extension Hex {
    /// `"0fa0"` → `[0x0f, 0xa0]`; nil for anything but an even count of hex digits.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(utf8[index]), let low = value(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}

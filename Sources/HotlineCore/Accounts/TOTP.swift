@preconcurrency import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP): HMAC-SHA1, 30-second steps, 6 digits — what every
/// authenticator app reads from an `otpauth://` address.
public struct TOTP: Sendable, Equatable {
    public let secret: Data
    public static let step: TimeInterval = 30
    public static let digits = 6

    public init(secret: Data) {
        self.secret = secret
    }

    /// A fresh 20-byte secret.
    public static func generate() -> TOTP {
        var generator = SystemRandomNumberGenerator()
        return TOTP(secret: Data((0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }

    /// The step number of a moment.
    public static func counter(at date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 / step).rounded(.down))
    }

    /// The code of step `counter` (RFC 4226 dynamic truncation), zero-padded.
    public func code(counter: Int64, digits: Int = TOTP.digits) -> String {
        var big = UInt64(bitPattern: counter).bigEndian
        let message = withUnsafeBytes(of: &big) { Data($0) }
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let value = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16) | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(value % modulus)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    /// The step `code` belongs to, within one step of `date` either way (a phone's clock drifts), and later than
    /// `after` (a code is used once); nil when it is none of them.
    public func matchingCounter(_ code: String, at date: Date, after: Int64?) -> Int64? {
        let code = code.filter { !$0.isWhitespace }
        guard code.count == Self.digits, code.allSatisfy(\.isNumber) else { return nil }
        let now = Self.counter(at: date)
        for counter in [now, now - 1, now + 1] where counter > (after ?? Int64.min) {
            if self.code(counter: counter) == code { return counter }
        }
        return nil
    }

    /// The secret in base32 (RFC 4648, no padding), as people type it into an app.
    public var base32: String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var out = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in secret {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return out
    }

    /// Reads base32 (case and spaces ignored).
    public init?(base32 text: String) {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var bytes: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased() where !character.isWhitespace && character != "=" {
            guard let index = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(index)
            bits += 5
            if bits >= 8 {
                bytes.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        guard !bytes.isEmpty else { return nil }
        self.init(secret: Data(bytes))
    }

    /// The address an authenticator app scans: `otpauth://totp/Issuer:account?secret=…&issuer=…`.
    public func provisioningURI(account: String, issuer: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let label = (issuer + ":" + account).addingPercentEncoding(withAllowedCharacters: allowed) ?? account
        let issued = issuer.addingPercentEncoding(withAllowedCharacters: allowed) ?? issuer
        return "otpauth://totp/\(label)?secret=\(base32)&issuer=\(issued)&algorithm=SHA1&digits=\(Self.digits)&period=\(Int(Self.step))"
    }
}

@preconcurrency import Crypto
import Foundation

/// Encrypts identity fields (AES-GCM) and makes keyed hashes of them (HMAC-SHA256) for exact look-ups.
public struct FieldCipher: Sendable {
    private let encryptionKey: SymmetricKey
    private let hashKey: SymmetricKey

    /// Derives separate encryption and hashing keys from one 32-byte master key.
    public init(masterKey: Data) throws {
        guard masterKey.count == 32 else {
            throw HotlineError(.badKey, "加密密钥须为32字节 (the field key must be 32 bytes, base64)")
        }
        let master = SymmetricKey(data: masterKey)
        encryptionKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("hotline-field-encryption".utf8), outputByteCount: 32)
        hashKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: master, info: Data("hotline-field-hash".utf8), outputByteCount: 32)
    }

    /// A fresh random master key, base64-encoded.
    public static func generateKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
    }

    /// The base64 of nonce, ciphertext and tag.
    public func encrypt(_ text: String) throws -> String {
        let box = try AES.GCM.seal(Data(text.utf8), using: encryptionKey)
        guard let combined = box.combined else { throw HotlineError(.encryptionFailed, "加密失败") }
        return combined.base64EncodedString()
    }

    /// The text sealed by `encrypt`.
    public func decrypt(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw HotlineError(.decryptionFailed, "解密失败") }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: encryptionKey), as: UTF8.self)
    }

    /// A keyed hash for finding records by an exact value without storing it.
    public func blindIndex(_ text: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: hashKey)
        return Hex.encode(mac)
    }
}

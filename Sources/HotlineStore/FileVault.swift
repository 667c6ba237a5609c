import Crypto
import HotlineCore
import Foundation

/// Uploaded files on disk, under random names the store chooses: nothing a user typed ever becomes a path.
public struct FileVault: Sendable {
    public let directory: URL

    public init(directory: String) throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        // The uploads are citizens' photos and documents: the server's own, whatever the umask of whoever created the folder.
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: self.directory.path)
    }

    /// Writes `data` under a new random key and returns the key and the SHA-256 of the bytes.
    func save(_ data: Data) throws -> (key: String, sha256: String) {
        let key = Hex.random(bytes: 16)
        let url = directory.appendingPathComponent(String(key.prefix(2)), isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let file = url.appendingPathComponent(key)
        try data.write(to: file, options: .withoutOverwriting)
        try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        let digest = Hex.encode(SHA256.hash(data: data))
        return (key, digest)
    }

    /// The bytes stored under `key`.
    func read(_ key: String) throws -> Data {
        try Data(contentsOf: try path(key))
    }

    /// Removes a file (after a transaction that would have referenced it failed).
    func delete(_ key: String) {
        if let url = try? path(key) { try? FileManager.default.removeItem(at: url) }
    }

    private func path(_ key: String) throws -> URL {
        guard key.count == 32, key.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw HotlineError(.notFound, "附件不存在 (no such file)")
        }
        return directory.appendingPathComponent(String(key.prefix(2)), isDirectory: true).appendingPathComponent(key)
    }
}

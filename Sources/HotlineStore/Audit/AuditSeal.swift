import Crypto
import Foundation
import HotlineCore
import Synchronization

/// What seals the audit chain from outside the database: the key file (read again when the chain names a key this
/// node has not loaded, as after a rotation on another node) and the append-only checkpoint file.
public final class AuditSeal: Sendable {
    private let keyring: Mutex<AuditKeyring>
    private let keyFile: String?
    /// Where signed checkpoints are appended; nil keeps none.
    public let checkpointFile: String?

    public init(keyring: AuditKeyring, keyFile: String? = nil, checkpointFile: String? = nil) {
        self.keyring = Mutex(keyring)
        self.keyFile = keyFile
        self.checkpointFile = checkpointFile
    }

    /// A keyring of one random key and no files: for benchmarks and throw-away stores.
    public static func ephemeral() -> AuditSeal {
        AuditSeal(keyring: AuditKeyring(keys: [1: SymmetricKey(size: .bits256)]))
    }

    /// Reads `keyFile`, creating it with key #1 (0600) when it does not exist.
    public static func loadKeyring(keyFile: String) throws -> AuditKeyring {
        let url = URL(fileURLWithPath: keyFile)
        if !FileManager.default.fileExists(atPath: keyFile) {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let text = "# Hotline audit keys: <number> <base64>. Keep a copy apart from the database backups; never edit a line.\n"
                + AuditKeyring.newLine(id: 1) + "\n"
            try Data(text.utf8).write(to: url, options: .withoutOverwriting)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        }
        return try AuditKeyring(fileText: try String(contentsOf: url, encoding: .utf8))
    }

    public var current: AuditKeyring { keyring.withLock { $0 } }

    /// The key numbered `id`, reading the key file again if this node does not have it yet.
    func key(_ id: Int64) throws -> SymmetricKey {
        if let key = keyring.withLock({ $0.keys[id] }) { return key }
        if let keyFile, let fresh = try? Self.loadKeyring(keyFile: keyFile) {
            keyring.withLock { $0 = fresh }
            if let key = fresh.keys[id] { return key }
        }
        throw HotlineError(.badKey, "本节点缺少审计密钥 #\(id)，请同步密钥文件 (this node lacks audit key #\(id): copy the audit key file)")
    }

    /// Reads the key file again (keys added on another node, by hand).
    func refresh() {
        if let keyFile, let fresh = try? Self.loadKeyring(keyFile: keyFile) { keyring.withLock { $0 = fresh } }
    }

    /// Adds a new key to the key file and the keyring; returns its number. The chain starts using it once
    /// `Store.rotateAuditKey` records the rotation.
    public func addKey() throws -> Int64 {
        guard let keyFile else { throw HotlineError(.badKey, "未配置审计密钥文件 (no audit key file)") }
        let fresh = try Self.loadKeyring(keyFile: keyFile)
        let id = fresh.current + 1
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: keyFile))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((AuditKeyring.newLine(id: id) + "\n").utf8))
        try handle.synchronize()
        let loaded = try Self.loadKeyring(keyFile: keyFile)
        keyring.withLock { $0 = loaded }
        return id
    }

    /// Appends a checkpoint line to the checkpoint file (created 0600), flushed to disk before it returns.
    func append(_ checkpoint: AuditCheckpoint) throws {
        guard let checkpointFile else { return }
        let fd = open(checkpointFile, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard fd >= 0 else { throw HotlineError(.internalError, "无法写入审计存证文件 \(checkpointFile) (cannot open the checkpoint file)") }
        defer { close(fd) }
        let bytes = Array((checkpoint.line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw HotlineError(.internalError, "审计存证写入失败 (cannot write the checkpoint file)")
        }
    }

    /// The checkpoints written so far (none without a file).
    func checkpoints() throws -> (checkpoints: [AuditCheckpoint], unreadable: Int) {
        guard let checkpointFile, FileManager.default.fileExists(atPath: checkpointFile) else { return ([], 0) }
        return AuditCheckpoint.parse(try String(contentsOfFile: checkpointFile, encoding: .utf8))
    }
}

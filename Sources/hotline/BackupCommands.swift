import ArgumentParser
import Foundation
import HotlineCore
import HotlineServer
import HotlineStore
import Logging

/// What a backup holds besides the database and the files: when it was made, and the audit chain's head then.
struct BackupManifest: Codable {
    var format = "hotline-backup-1"
    var createdAt: Date
    var headSeq: Int64
    var headHash: String
    var tickets: Int64
}

/// `hotline backup FILE`: a consistent online copy of the SQLite database and the uploaded files, with a manifest.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the SQLite database and uploaded files while the server runs (备份); PostgreSQL: see docs/operations.md",
        discussion: "The key files (crypto.keyFile, crypto.auditKeyFile) are not in the backup: keep them apart, as a restore needs them.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file to write (.tar)") var file: String

    func run() async throws {
        let configuration = global.configuration()
        guard !configuration.usesPostgres else {
            throw ValidationError("PostgreSQL is backed up with pg_dump and a copy of files.directory (docs/operations.md)")
        }
        guard !FileManager.default.fileExists(atPath: file) else { throw ValidationError("\(file) exists already") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-backup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("hotline.sqlite").path
        let manifest = try await global.withRuntime(configuration) { runtime, _ in
            // A checkpoint first: the live chain is anchored at least as far as the copy reaches.
            try await runtime.store.writeAuditCheckpoint()
            try await runtime.database.copySQLite(to: copy)
            let head = try await Self.head(ofCopy: copy, configuration: configuration)
            return BackupManifest(createdAt: Date(), headSeq: head.seq, headHash: head.hash, tickets: head.tickets)
        }
        let files = URL(fileURLWithPath: configuration.filesDirectory)
        if FileManager.default.fileExists(atPath: files.path) {
            try FileManager.default.copyItem(at: files, to: folder.appendingPathComponent("files"))
        } else {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("files"), withIntermediateDirectories: true)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: folder.appendingPathComponent("manifest.json"))
        try Self.tar(["-cf", URL(fileURLWithPath: file).path, "-C", folder.path, "manifest.json", "hotline.sqlite", "files"])
        print("backup written: \(file) — audit head #\(manifest.headSeq), \(manifest.tickets) tickets")
    }

    /// The audit head and ticket count of a database copy.
    static func head(ofCopy path: String, configuration: AppConfiguration) async throws -> (seq: Int64, hash: String, tickets: Int64) {
        let database = try await Database.open(url: path, logger: Logger(label: "hotline-backup"))
        do {
            let facts = try await Store.headAndCount(of: database)
            await database.close()
            return facts
        } catch {
            await database.close()
            throw error
        }
    }

    static func tar(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar"] + arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("tar \(arguments.first ?? "") failed (\(process.terminationStatus))") }
    }
}

/// `hotline restore FILE`: puts a backup back, after verifying its audit chain with this installation's keys.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup made by `hotline backup` (恢复); refuses one whose audit chain does not verify",
        discussion: """
            Stop the server first. The database file and files folder in use are moved aside (…before-restore-<time>), never deleted;
            so is this node's checkpoint file, whose later checkpoints the restored chain cannot reach.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file (.tar)") var file: String
    @Flag(help: "Replace an existing database (it is moved aside, not deleted)") var force = false

    func run() async throws {
        let configuration = global.configuration()
        guard !configuration.usesPostgres else { throw ValidationError("PostgreSQL is restored with pg_restore (docs/operations.md)") }
        let target = configuration.databaseURL.hasPrefix("sqlite://") ? String(configuration.databaseURL.dropFirst(9)) : configuration.databaseURL
        if FileManager.default.fileExists(atPath: target) && !force {
            throw ValidationError("\(target) exists: stop the server and pass --force to replace it (it is kept beside, not deleted)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-restore-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try BackupCommand.tar(["-xf", URL(fileURLWithPath: file).path, "-C", folder.path])
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let data = try? Data(contentsOf: folder.appendingPathComponent("manifest.json")),
              let manifest = try? decoder.decode(BackupManifest.self, from: data), manifest.format == "hotline-backup-1" else {
            throw ValidationError("\(file) is not a Hotline backup (no manifest)")
        }
        // The copy's chain, checked with this installation's audit keys, must reach exactly the manifest's head.
        let copy = folder.appendingPathComponent("hotline.sqlite").path
        var check = configuration
        check.databaseURL = copy
        check.audit.checkpointFile = folder.appendingPathComponent("none.log").path
        check.filesDirectory = folder.appendingPathComponent("files").path
        let report = try await global.withRuntime(check, prepareSchema: false) { runtime, _ in try await runtime.store.auditReport() }
        let head = try await BackupCommand.head(ofCopy: copy, configuration: check)
        for line in report.lines { print(line) }
        guard report.isIntact, head.seq == manifest.headSeq, head.hash == manifest.headHash else {
            print("REFUSED: the backup's audit chain does not verify (or does not reach the head its manifest names)")
            throw ExitCode(2)
        }
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let manager = FileManager.default
        try manager.createDirectory(at: URL(fileURLWithPath: target).deletingLastPathComponent(), withIntermediateDirectories: true)
        for path in [target, target + "-wal", target + "-shm", configuration.filesDirectory, configuration.audit.checkpointFile]
        where manager.fileExists(atPath: path) {
            try manager.moveItem(atPath: path, toPath: path + ".before-restore-" + stamp)
        }
        try manager.copyItem(atPath: copy, toPath: target)
        try manager.copyItem(atPath: folder.appendingPathComponent("files").path, toPath: configuration.filesDirectory)
        // A new checkpoint file starts from the restored head.
        try await global.withRuntime(configuration, prepareSchema: true) { runtime, _ in try await runtime.store.writeAuditCheckpoint() }
        print("restored \(file): audit head #\(manifest.headSeq), \(manifest.tickets) tickets, from \(manifest.createdAt)")
    }
}

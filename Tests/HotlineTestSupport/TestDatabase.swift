import Foundation
import HotlineCore
import HotlineStore
import Logging
import SQLKit
import Synchronization

/// The databases the store and API suites run on: SQLite always, PostgreSQL when `HOTLINE_TEST_POSTGRES_URL` is set.
public enum Backend: String, Sendable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// The server URL for PostgreSQL tests, e.g. `postgres://postgres:postgres@127.0.0.1:5432/postgres`.
    public static var postgresURL: String? { ProcessInfo.processInfo.environment["HOTLINE_TEST_POSTGRES_URL"] }

    public static var available: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
}

/// A fresh, migrated database for one test, removed again by `close()`.
public final class TestDatabase: Sendable {
    public let backend: Backend
    public let url: String
    public let database: Database
    public let clock: ManualClock
    public let cipher: FieldCipher
    public let store: Store
    let pool: Task<Void, Never>
    let cleanup: @Sendable () async -> Void

    public static let start = CivilDate("2026-11-23")!.instant(atMinute: 10 * 60)

    /// Where this test's uploaded files go.
    public let filesDirectory: URL
    /// The audit key file and checkpoint file of this test's store.
    public let auditKeyFile: String
    public let checkpointFile: String
    /// Set by a test that tampers with the database on purpose: its audit trail is not checked when it ends.
    let tampered = Mutex(false)

    /// Says the test tampers with the database on purpose.
    public func markTampered() { tampered.withLock { $0 = true } }

    init(backend: Backend, url: String, database: Database, cleanup: @escaping @Sendable () async -> Void) throws {
        self.backend = backend
        self.url = url
        self.database = database
        let files = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-files-\(UUID().uuidString.prefix(8))")
        filesDirectory = files
        self.cleanup = {
            await cleanup()
            try? FileManager.default.removeItem(at: files)
        }
        clock = ManualClock(Self.start)
        cipher = try FieldCipher(masterKey: Data(repeating: 42, count: 32))
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        auditKeyFile = files.appendingPathComponent("audit.keys").path
        checkpointFile = files.appendingPathComponent("audit-checkpoints.log").path
        let audit = AuditSeal(keyring: try AuditSeal.loadKeyring(keyFile: auditKeyFile), keyFile: auditKeyFile, checkpointFile: checkpointFile)
        store = Store(database: database, cipher: cipher, clock: clock.wallClock, bcryptCost: 4, files: try FileVault(directory: files.path),
                      audit: audit)
        pool = Task { await database.run() }
    }

    static var logger: Logger {
        var logger = Logger(label: "hotline-test")
        logger.logLevel = .error
        return logger
    }

    /// A new empty database of `backend`, migrated and with reference data.
    public static func make(_ backend: Backend) async throws -> TestDatabase {
        let name = "hotline_test_\(UUID().uuidString.prefix(8).lowercased())"
        let test: TestDatabase
        switch backend {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(name)
            let path = folder.appendingPathComponent("hotline.sqlite").path
            let database = try await Database.open(url: path, logger: logger)
            test = try TestDatabase(backend: backend, url: path, database: database) {
                try? FileManager.default.removeItem(at: folder)
            }
        case .postgres:
            guard let adminURL = Backend.postgresURL, var components = URLComponents(string: adminURL) else {
                throw HotlineStoreError.badURL("HOTLINE_TEST_POSTGRES_URL")
            }
            try await withAdmin(adminURL) { admin in try await admin.read { db in try await db.raw("CREATE DATABASE \(unsafeRaw: name)").run() } }
            components.path = "/" + name
            let url = components.string!
            let database = try await Database.open(url: url, logger: logger)
            test = try TestDatabase(backend: backend, url: url, database: database) {
                try? await withAdmin(adminURL) { admin in
                    try await admin.read { db in try await db.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
                }
            }
        }
        do {
            try await test.store.migrate()
            try await test.store.seedReferenceData()
        } catch {
            // Closed before it is dropped, or the connection's deinit stops the whole test run instead of this test.
            await test.close()
            throw error
        }
        return test
    }

    static func withAdmin(_ url: String, _ body: @Sendable (Database) async throws -> Void) async throws {
        let admin = try await Database.open(url: url, logger: logger)
        let pool = Task { await admin.run() }
        defer { pool.cancel() }
        try await body(admin)
    }

    /// Closes the database and deletes it.
    public func close() async {
        await database.close()
        pool.cancel()
        await cleanup()
    }
}

/// Runs `body` with a fresh database, always cleaning up.
public func withTestDatabase(_ backend: Backend, _ body: (TestDatabase) async throws -> Void) async throws {
    let test = try await TestDatabase.make(backend)
    do {
        try await body(test)
        // Whatever a test did through the store, the audit trail still verifies: every event sealed, every ticket row
        // the one its last event sealed.
        if !test.tampered.withLock({ $0 }) {
            let report = try await test.store.auditReport()
            if !report.isIntact { throw AuditTrailBroken(lines: report.lines) }
        }
        await test.close()
    } catch {
        await test.close()
        throw error
    }
}

/// A test left an audit trail that does not verify.
public struct AuditTrailBroken: Error, CustomStringConvertible {
    public let lines: [String]
    public var description: String { "the audit trail does not verify after the test:\n" + lines.joined(separator: "\n") }
}

/// The HTTP status an operation fails with, nil when it succeeds, -1 for an error that is not Hotline's.
public func statusOf(_ operation: () async throws -> Void) async -> Int? {
    do {
        try await operation()
        return nil
    } catch let error as HotlineError {
        return error.httpStatus
    } catch {
        return -1
    }
}

/// A logger that says nothing below critical: for services and relays the tests run.
public var quietLogger: Logger {
    var logger = Logger(label: "hotline-test-quiet")
    logger.logLevel = .critical
    return logger
}


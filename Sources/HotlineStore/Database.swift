import Foundation
import HotlineCore
import Logging
import PostgresKit
import SQLKit
import SQLiteKit
import Synchronization

/// The SQL dialects Hotline runs on.
public enum Dialect: String, Sendable {
    case sqlite, postgres
}

/// A database connection source: one embedded SQLite file, or a PostgreSQL server.
///
/// SQLite is used through one writer and one reader connection in WAL mode, each serialized;
/// PostgreSQL through PostgresNIO's connection pool, which must be running as a service.
public final class Database: Sendable {
    public let dialect: Dialect
    public let logger: Logger
    private let backend: Backend
    private let nextReader = Atomic<UInt64>(0)
    /// Rung after every committed transaction that appended history events: the relay wakes at once instead of waiting for its next look.
    public let commits = Doorbell()

    private enum Backend: Sendable {
        case sqlite(writer: SQLiteConnection, writerLock: AsyncLock, readers: [(SQLiteConnection, AsyncLock)])
        case postgres(PostgresClient)
    }

    private init(dialect: Dialect, backend: Backend, logger: Logger) {
        self.dialect = dialect
        self.backend = backend
        self.logger = logger
    }

    /// Opens `url`: a `postgres://` URL, or a SQLite file path (`sqlite://path` or a bare path).
    public static func open(url: String, logger: Logger) async throws -> Database {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try openPostgres(url: url, logger: logger)
        }
        var path = url
        if path.hasPrefix("sqlite://") { path.removeFirst("sqlite://".count) }
        return try await openSQLite(path: path, logger: logger)
    }

    /// Read connections kept open on a SQLite file.
    static let readerCount = 4

    private static func openSQLite(path: String, logger: Logger) async throws -> Database {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger).get()
        for pragma in ["PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000"] {
            _ = try await writer.query(pragma).get()
        }
        // The database and its journal hold citizens' requests: readable by the server's account only, even when an
        // older version or another tool created them with looser modes.
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        }
        // WAL lets readers run beside the writer and beside each other: a few read connections, used in turn.
        var readers: [(SQLiteConnection, AsyncLock)] = []
        for _ in 0..<readerCount {
            let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger).get()
            for pragma in ["PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000", "PRAGMA query_only=ON"] {
                _ = try await reader.query(pragma).get()
            }
            readers.append((reader, AsyncLock()))
        }
        return Database(dialect: .sqlite, backend: .sqlite(writer: writer, writerLock: AsyncLock(), readers: readers), logger: logger)
    }

    private static func openPostgres(url: String, logger: Logger) throws -> Database {
        guard let components = URLComponents(string: url), let host = components.host else {
            throw HotlineStoreError.badURL(url)
        }
        let database = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        // sslmode=require|prefer|disable, as libpq spells it (verify-full is require with the system's trust roots).
        let mode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS = switch mode {
        case "require", "verify-ca", "verify-full": .require(.makeClientConfiguration())
        case "prefer", "allow": .prefer(.makeClientConfiguration())
        default: .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = 20
        // A loaded machine can take longer than the default 10 s to open a connection; waiting beats failing a request.
        configuration.options.connectTimeout = .seconds(60)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return Database(dialect: .postgres, backend: .postgres(client), logger: logger)
    }

    /// Runs the PostgreSQL pool until cancelled; returns at once for SQLite.
    public func run() async {
        if case .postgres(let client) = backend { await client.run() }
    }

    /// Runs `body` in one transaction: all of it commits, or none of it.
    public func transaction<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(let writer, let lock, _):
            return try await lock.withLock {
                let db = writer.sql(queryLogLevel: nil)
                try await db.raw("BEGIN IMMEDIATE").run()
                return try await self.finish(db, body)
            }
        case .postgres(let client):
            return try await client.withConnection { connection in
                let db = connection.sql(queryLogLevel: nil)
                try await db.raw("BEGIN").run()
                return try await self.finish(db, body)
            }
        }
    }

    /// Runs read-only work; on SQLite it does not wait for writers.
    public func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(_, _, let readers):
            let (reader, lock) = readers[Int(nextReader.add(1, ordering: .relaxed).oldValue % UInt64(readers.count))]
            return try await lock.withLock { try await body(reader.sql(queryLogLevel: nil)) }
        case .postgres(let client):
            return try await client.withConnection { connection in try await body(connection.sql(queryLogLevel: nil)) }
        }
    }

    private func finish<R>(_ db: any SQLDatabase, _ body: (any SQLDatabase) async throws -> R) async throws -> R {
        do {
            let changes = Doorbell()
            let result = try await Doorbell.$changesOfTransaction.withValue(changes) { try await body(db) }
            try await db.raw("COMMIT").run()
            // Only a transaction that wrote changes wakes the relay (its own bookkeeping does not).
            if changes.isRung { commits.ring() }
            return result
        } catch let error as PSQLError where ["40P01", "40001"].contains(error.serverInfo?[.sqlState] ?? "") {
            // A deadlock or serialization failure: someone else changed the same rows first.
            try? await db.raw("ROLLBACK").run()
            throw HotlineError.concurrentUpdate
        } catch {
            try? await db.raw("ROLLBACK").run()
            throw error
        }
    }

    /// Writes a consistent copy of a SQLite database to `path` while it runs (`VACUUM INTO`: one read transaction,
    /// so the copy is the database at one moment). PostgreSQL is copied with `pg_dump` instead.
    public func copySQLite(to path: String) async throws {
        guard case .sqlite(let writer, let lock, _) = backend else {
            throw HotlineError.invalid("database", "PostgreSQL 请使用 pg_dump 备份 (use pg_dump for PostgreSQL)")
        }
        try await lock.withLock {
            try await writer.sql(queryLogLevel: nil).raw("VACUUM INTO \(bind: path)").run()
        }
    }

    /// Closes SQLite connections (PostgreSQL closes when its run task is cancelled).
    public func close() async {
        if case .sqlite(let writer, _, let readers) = backend {
            try? await writer.close().get()
            for (reader, _) in readers { try? await reader.close().get() }
        }
    }
}

/// Store-level failures that are not domain errors.
public enum HotlineStoreError: Error, CustomStringConvertible {
    case badURL(String)
    case migration(String)

    public var description: String {
        switch self {
        case .badURL(let url): "cannot read the database URL \(url)"
        case .migration(let message): "migration failed: \(message)"
        }
    }
}

extension Database {
    /// Whether `error` is a unique-constraint violation (SQLite's `UNIQUE constraint failed`, PostgreSQL's 23505).
    static func isUniqueViolation(_ error: any Error) -> Bool {
        let text = String(reflecting: error)
        return text.contains("UNIQUE constraint failed") || text.contains("23505") || text.contains("duplicate key value")
    }

    /// A transaction that numbers a new version as one more than the highest: when another transaction took that
    /// number first (the unique index refuses the second), it runs again and takes the next one.
    public func versionedTransaction<R: Sendable>(attempts: Int = 5, _ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await transaction(body)
            } catch where attempt < attempts && Self.isUniqueViolation(error) {
                continue
            }
        }
    }
}

import ArgumentParser
import Configuration
import HotlineServer
import HotlineCore
import HotlineStore
import Logging

/// Options every command shares; each may also come from the environment (`DB_URL`, `CRYPTO_KEY_FILE`…).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "SQLite file path or postgres://user:pass@host:5432/db (config db.url)")
    var databaseURL: String?

    @Option(name: .customLong("key-file"), help: "Field-encryption key file, created on first run (config crypto.keyFile)")
    var keyFile: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error")
    var logLevel: String?

    /// Command-line values first, then environment variables, then defaults.
    func configuration(extra: [String: ConfigContent] = [:]) -> AppConfiguration {
        var overrides = extra
        if let databaseURL { overrides["db.url"] = .string(databaseURL) }
        if let keyFile { overrides["crypto.keyFile"] = .string(keyFile) }
        if let logLevel { overrides["log.level"] = .string(logLevel) }
        return AppConfiguration(reader: AppConfiguration.reader(overrides: overrides))
    }

    func logger(_ configuration: AppConfiguration) -> Logger {
        var logger = Logger(label: "hotline")
        logger.logLevel = configuration.logLevel
        return logger
    }

    /// Opens the database (running PostgreSQL's pool meanwhile), prepares it, runs `body`, and closes it.
    func withRuntime<R: Sendable>(
        _ configuration: AppConfiguration? = nil, prepareSchema: Bool = true, _ body: @Sendable (HotlineRuntime, Logger) async throws -> R
    ) async throws -> R {
        let configuration = configuration ?? self.configuration()
        var logger = logger(configuration)
        if configuration.logLevel == .info { logger.logLevel = .warning }
        let runtime = try await openRuntime(configuration, logger: logger)
        let pool = Task { await runtime.database.run() }
        defer { pool.cancel() }
        do {
            if prepareSchema { try await prepare(runtime, logger: logger) }
            let result = try await body(runtime, logger)
            await runtime.database.close()
            return result
        } catch {
            await runtime.database.close()
            throw error
        }
    }
}

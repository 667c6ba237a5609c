import Configuration
import Foundation
import HotlineCore
import HotlineWeb
import Logging

/// Hotline's settings, read from the command line, then the environment, then these defaults.
public struct AppConfiguration: Sendable {
    /// `http.host`: the address to listen on.
    public var host = "127.0.0.1"
    /// `http.port`.
    public var port = 8080
    /// `db.url`: a SQLite file path, or `postgres://user:pass@host:5432/db`.
    public var databaseURL = "data/hotline.sqlite"
    /// `crypto.key`: base64 of the 32-byte field-encryption key; when absent, `crypto.keyFile` is read or created.
    public var fieldKey: String?
    /// `crypto.keyFile`.
    public var keyFile = "data/hotline.key"
    /// `auth.bcryptCost`.
    public var bcryptCost = 10
    /// `auth.sessionHours`.
    public var sessionHours = 12
    /// `scanner.intervalSeconds`: how often the deadline scanner runs; 0 turns it off.
    public var scanIntervalSeconds = 60
    /// `log.level`.
    public var logLevel = Logger.Level.info
    /// `search.refreshSeconds`: how often a node follows knowledge-base, model and gazetteer changes made on any node.
    public var refreshSeconds = 5.0
    /// `models.retrainAfter`: closed tickets since the active model that make the server train a new one (0: never).
    public var retrainAfter = 500
    /// `models.checkMinutes`: how often the server looks whether to retrain.
    public var retrainCheckMinutes = 30
    /// `files.directory`: where uploaded photos and documents are kept.
    public var filesDirectory = "data/files"
    /// `web.idleMinutes`, `web.secureCookies`, `portal.centerId`, `portal.submissionsPerHour`, `http.trustedProxies`.
    public var web = WebSettings()

    public init() {}

    /// Reads every key from `reader`, keeping defaults for what it lacks.
    public init(reader: ConfigReader) {
        host = reader.string(forKey: "http.host", default: host)
        port = reader.int(forKey: "http.port", default: port)
        databaseURL = reader.string(forKey: "db.url", default: databaseURL)
        fieldKey = reader.string(forKey: "crypto.key", isSecret: true)
        keyFile = reader.string(forKey: "crypto.keyFile", default: keyFile)
        bcryptCost = reader.int(forKey: "auth.bcryptCost", default: bcryptCost)
        sessionHours = reader.int(forKey: "auth.sessionHours", default: sessionHours)
        scanIntervalSeconds = reader.int(forKey: "scanner.intervalSeconds", default: scanIntervalSeconds)
        logLevel = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) ?? logLevel
        filesDirectory = reader.string(forKey: "files.directory", default: filesDirectory)
        refreshSeconds = reader.double(forKey: "search.refreshSeconds", default: refreshSeconds)
        retrainAfter = reader.int(forKey: "models.retrainAfter", default: retrainAfter)
        retrainCheckMinutes = reader.int(forKey: "models.checkMinutes", default: retrainCheckMinutes)
        web.idleMinutes = reader.int(forKey: "web.idleMinutes", default: web.idleMinutes)
        web.secureCookies = reader.bool(forKey: "web.secureCookies", default: web.secureCookies)
        web.portalCenterId = reader.int(forKey: "portal.centerId").map { Int64($0) }
        web.portalSubmissionsPerHour = reader.int(forKey: "portal.submissionsPerHour", default: web.portalSubmissionsPerHour)
        web.trustedProxies = Set((reader.string(forKey: "http.trustedProxies") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty })
    }

    /// The standard reader: explicit overrides first (from command-line flags), then environment variables (`DB_URL`…).
    public static func reader(overrides: [String: ConfigContent] = [:]) -> ConfigReader {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in overrides { values[AbsoluteConfigKey(stringLiteral: key)] = .init(value, isSecret: false) }
        return ConfigReader(providers: [InMemoryProvider(name: "flags", values: values), EnvironmentVariablesProvider()])
    }

    /// Whether the database is PostgreSQL.
    public var usesPostgres: Bool { databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") }

    /// The field key: configured, read from the key file, or generated into it on first run.
    public func loadFieldKey(logger: Logger) throws -> Data {
        if let fieldKey {
            guard let data = Data(base64Encoded: fieldKey) else { throw ConfigurationProblem("crypto.key is not base64") }
            return data
        }
        let url = URL(fileURLWithPath: keyFile)
        if let text = try? String(contentsOf: url, encoding: .utf8) {
            guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw ConfigurationProblem("\(keyFile) does not hold a base64 key")
            }
            return data
        }
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let key = FieldCipher.generateKey()
        try Data((key + "\n").utf8).write(to: url, options: .withoutOverwriting)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keyFile)
        logger.warning("Generated a new field-encryption key in \(keyFile). Back it up: without it, identity fields cannot be read.")
        return Data(base64Encoded: key) ?? Data()
    }
}

/// A configuration value that cannot be used.
public struct ConfigurationProblem: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

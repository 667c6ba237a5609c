import Configuration
import Foundation
import HotlineCore
import HotlineIntegrations
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
    /// `crypto.auditKeyFile`: the keys that seal the audit chain (created with key #1 on first run; kept apart from
    /// the database, like the field key, and the same file on every node).
    public var auditKeyFile = "data/hotline-audit.keys"
    /// `audit.checkpointFile`, `audit.checkpointMinutes`, `audit.verifyHours`: where this node appends signed
    /// checkpoints of the chain's head, how often, and how often the whole chain is verified in the background.
    public var audit = AuditSettings()
    /// `auth.passwordMinLength`, `auth.passwordClasses`, `auth.passwordMaxAgeDays`, `auth.passwordHistory`,
    /// `auth.requireTOTP` (roles, comma-separated, or `identity` for every role that may reveal identity).
    public var accounts = AccountPolicy()
    /// `http.maxBodyBytes`: the largest JSON body the API reads (bigger ones are answered 413 before decoding).
    public var maxBodyBytes = 1 << 20
    /// `metrics.token`: the bearer token `/metrics` asks for; without one, `/metrics` answers only on loopback.
    public var metricsToken: String?
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
    /// `models.retrainAfter`: a center's tickets closed since its newest model that make the server train a new one (0: never).
    public var retrainAfter = 500
    /// `models.checkMinutes`: how often the server looks whether to retrain.
    public var retrainCheckMinutes = 30
    /// `files.directory`: where uploaded photos and documents are kept.
    public var filesDirectory = "data/files"
    /// `relay.intervalSeconds`, `relay.maxAttempts`, `relay.firstRetrySeconds`, `relay.maxRetrySeconds`,
    /// `relay.concurrency`, `relay.batchSize`, `relay.timeoutSeconds`, `relay.leaseSeconds`: the webhook relay (it wakes at once for changes of its own node;
    /// the interval is how soon it sees another node's and a retry coming due).
    public var relay = WebhookRelay.Settings()
    /// `notify.gatewayUrl`, `notify.gatewaySecret`: the SMS/WeChat gateway notices are posted to (none: written to the
    /// log only); `notify.portalUrl`: the public address citizens' links start with.
    public var notifyGatewayURL: String?
    public var notifyGatewaySecret: String?
    public var notifyPortalURL = "http://127.0.0.1:8080"
    /// `analysis.intervalMinutes`: how often warnings are raised and due reports generated.
    public var analysisIntervalMinutes = 15
    /// `services.*`: which background services this node runs.
    public var services = BackgroundServices()
    /// `upstream.*`: how this city's link to its province runs (how often, batch size, heartbeat, reconciliation).
    public var upstream = UpstreamSync.Settings()
    /// `kbshare.intervalSeconds`: how often the followed knowledge bases are read.
    public var knowledgeSyncSeconds = 10.0
    /// `web.idleMinutes`, `web.secureCookies`, `portal.centerId`, `portal.submissionsPerHour`, `portal.publicStats`, `http.trustedProxies`.
    public var web = WebSettings()

    /// The text of `auth.requireTOTP`, kept to name it when it does not read.
    var totpRolesText = ""

    public init() {}

    /// Whether a listening address is this machine only.
    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Roles from `auth.requireTOTP`: codes separated by commas, or `identity` for every role that may reveal identity.
    static func roles(_ text: String) -> Set<Role>? {
        var roles: Set<Role> = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            if part == "identity" {
                roles.formUnion(Role.allCases.filter { $0.may(.revealIdentity) && !$0.may(.integrate) })
            } else if let role = Role(rawValue: part) {
                roles.insert(role)
            } else {
                return nil
            }
        }
        return roles
    }

    /// Reads every key from `reader`, keeping defaults for what it lacks.
    public init(reader: ConfigReader) {
        host = reader.string(forKey: "http.host", default: host)
        port = reader.int(forKey: "http.port", default: port)
        databaseURL = reader.string(forKey: "db.url", default: databaseURL)
        fieldKey = reader.string(forKey: "crypto.key", isSecret: true)
        keyFile = reader.string(forKey: "crypto.keyFile", default: keyFile)
        auditKeyFile = reader.string(forKey: "crypto.auditKeyFile", default: auditKeyFile)
        audit.checkpointFile = reader.string(forKey: "audit.checkpointFile", default: audit.checkpointFile)
        audit.checkpointMinutes = reader.int(forKey: "audit.checkpointMinutes", default: audit.checkpointMinutes)
        audit.verifyHours = reader.int(forKey: "audit.verifyHours", default: audit.verifyHours)
        accounts.minimumLength = reader.int(forKey: "auth.passwordMinLength", default: accounts.minimumLength)
        accounts.requiredClasses = reader.int(forKey: "auth.passwordClasses", default: accounts.requiredClasses)
        accounts.maxAgeDays = reader.int(forKey: "auth.passwordMaxAgeDays", default: accounts.maxAgeDays)
        accounts.historyCount = reader.int(forKey: "auth.passwordHistory", default: accounts.historyCount)
        totpRolesText = reader.string(forKey: "auth.requireTOTP") ?? ""
        accounts.totpRoles = Self.roles(totpRolesText) ?? []
        maxBodyBytes = reader.int(forKey: "http.maxBodyBytes", default: maxBodyBytes)
        metricsToken = reader.string(forKey: "metrics.token", isSecret: true).flatMap { $0.isEmpty ? nil : $0 }
        bcryptCost = reader.int(forKey: "auth.bcryptCost", default: bcryptCost)
        sessionHours = reader.int(forKey: "auth.sessionHours", default: sessionHours)
        scanIntervalSeconds = reader.int(forKey: "scanner.intervalSeconds", default: scanIntervalSeconds)
        logLevel = reader.string(forKey: "log.level").flatMap(Logger.Level.init(rawValue:)) ?? logLevel
        filesDirectory = reader.string(forKey: "files.directory", default: filesDirectory)
        refreshSeconds = reader.double(forKey: "search.refreshSeconds", default: refreshSeconds)
        retrainAfter = reader.int(forKey: "models.retrainAfter", default: retrainAfter)
        retrainCheckMinutes = reader.int(forKey: "models.checkMinutes", default: retrainCheckMinutes)
        relay.interval = .milliseconds(Int64(reader.double(forKey: "relay.intervalSeconds", default: 1) * 1000))
        relay.policy.maxAttempts = reader.int(forKey: "relay.maxAttempts", default: relay.policy.maxAttempts)
        relay.policy.firstDelay = reader.double(forKey: "relay.firstRetrySeconds", default: relay.policy.firstDelay)
        relay.policy.maxDelay = reader.double(forKey: "relay.maxRetrySeconds", default: relay.policy.maxDelay)
        relay.concurrency = reader.int(forKey: "relay.concurrency", default: relay.concurrency)
        relay.lease = reader.double(forKey: "relay.leaseSeconds", default: relay.lease)
        relay.batchSize = reader.int(forKey: "relay.batchSize", default: relay.batchSize)
        relay.timeout = .milliseconds(Int64(reader.double(forKey: "relay.timeoutSeconds", default: 10) * 1000))
        notifyGatewayURL = reader.string(forKey: "notify.gatewayUrl").flatMap { $0.isEmpty ? nil : $0 }
        notifyGatewaySecret = reader.string(forKey: "notify.gatewaySecret", isSecret: true)
        notifyPortalURL = reader.string(forKey: "notify.portalUrl", default: notifyPortalURL)
        analysisIntervalMinutes = reader.int(forKey: "analysis.intervalMinutes", default: analysisIntervalMinutes)
        upstream.interval = .milliseconds(Int64(reader.double(forKey: "upstream.intervalSeconds", default: 2) * 1000))
        upstream.batchSize = reader.int(forKey: "upstream.batchSize", default: upstream.batchSize)
        upstream.timeout = .seconds(reader.int(forKey: "upstream.timeoutSeconds", default: 30))
        upstream.heartbeat = reader.double(forKey: "upstream.heartbeatSeconds", default: upstream.heartbeat)
        upstream.reconcileInterval = reader.double(forKey: "upstream.reconcileMinutes", default: upstream.reconcileInterval / 60) * 60
        upstream.reconcileDays = reader.int(forKey: "upstream.reconcileDays", default: upstream.reconcileDays)
        knowledgeSyncSeconds = reader.double(forKey: "kbshare.intervalSeconds", default: knowledgeSyncSeconds)
        services = BackgroundServices(reader: reader)
        web.idleMinutes = reader.int(forKey: "web.idleMinutes", default: web.idleMinutes)
        // Cookies are Secure unless the server listens only on this machine (a developer's plain http).
        web.secureCookies = reader.bool(forKey: "web.secureCookies", default: !Self.isLoopback(host))
        web.portalCenterId = reader.int(forKey: "portal.centerId").map { Int64($0) }
        web.portalSubmissionsPerHour = reader.int(forKey: "portal.submissionsPerHour", default: web.portalSubmissionsPerHour)
        web.portalSearchesPerMinute = reader.int(forKey: "portal.searchesPerMinute", default: web.portalSearchesPerMinute)
        web.publicStats = reader.bool(forKey: "portal.publicStats", default: web.publicStats)
        web.trustedProxies = Set((reader.string(forKey: "http.trustedProxies") ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty })
    }

    /// Refuses values that would make the server misbehave (a zero refresh interval spinning, a port out of range),
    /// naming the key, so a typo stops the start instead of surfacing later.
    public func validate() throws {
        func check(_ ok: Bool, _ key: String, _ rule: String) throws {
            guard ok else { throw ConfigurationProblem("\(key) \(rule)") }
        }
        try check((0...65535).contains(port), "http.port", "must be 0–65535")
        try check((4...31).contains(bcryptCost), "auth.bcryptCost", "must be 4–31")
        try check(sessionHours >= 1, "auth.sessionHours", "must be at least 1")
        try check(scanIntervalSeconds >= 0, "scanner.intervalSeconds", "must be 0 (off) or more")
        try check(refreshSeconds >= 0.5 && refreshSeconds <= 3600, "search.refreshSeconds", "must be 0.5–3600")
        try check(retrainAfter >= 0, "models.retrainAfter", "must be 0 (never) or more")
        try check(retrainCheckMinutes >= 1, "models.checkMinutes", "must be at least 1")
        try check(relay.interval >= .milliseconds(100) && relay.interval <= .seconds(3600), "relay.intervalSeconds", "must be 0.1–3600")
        try check((1...100).contains(relay.policy.maxAttempts), "relay.maxAttempts", "must be 1–100")
        try check(relay.policy.firstDelay >= 0.1 && relay.policy.firstDelay <= relay.policy.maxDelay, "relay.firstRetrySeconds",
                  "must be at least 0.1 and at most relay.maxRetrySeconds")
        try check((1...1000).contains(relay.concurrency), "relay.concurrency", "must be 1–1000")
        try check((1...5000).contains(relay.batchSize), "relay.batchSize", "must be 1–5000")
        try check(relay.timeout >= .seconds(1) && relay.timeout <= .seconds(120), "relay.timeoutSeconds", "must be 1–120")
        try check(relay.lease >= relay.minimumLease, "relay.leaseSeconds",
                  "must be at least \(Int(relay.minimumLease.rounded(.up))) (a whole batch's posts at relay.concurrency, 10 s each, and a margin)")
        try check(notifyGatewayURL.map(WebAddress.isValid) ?? true, "notify.gatewayUrl", "must be an http(s) URL without credentials")
        try check(notifyGatewayURL == nil || !(notifyGatewaySecret ?? "").isEmpty, "notify.gatewaySecret", "is required with notify.gatewayUrl")
        try check(analysisIntervalMinutes >= 1, "analysis.intervalMinutes", "must be at least 1")
        try check(upstream.interval >= .milliseconds(100) && upstream.interval <= .seconds(3600), "upstream.intervalSeconds", "must be 0.1–3600")
        try check((1...5000).contains(upstream.batchSize), "upstream.batchSize", "must be 1–5000")
        try check(upstream.timeout >= .seconds(1) && upstream.timeout <= .seconds(300), "upstream.timeoutSeconds", "must be 1–300")
        try check(upstream.heartbeat >= 1, "upstream.heartbeatSeconds", "must be at least 1")
        try check(upstream.reconcileInterval >= 60, "upstream.reconcileMinutes", "must be at least 1")
        try check((1...31).contains(upstream.reconcileDays), "upstream.reconcileDays", "must be 1–31")
        try check(knowledgeSyncSeconds >= 0.5 && knowledgeSyncSeconds <= 86_400, "kbshare.intervalSeconds", "must be 0.5–86400")
        try check(web.idleMinutes >= 1, "web.idleMinutes", "must be at least 1")
        try check(web.portalSubmissionsPerHour >= 1, "portal.submissionsPerHour", "must be at least 1")
        try check(web.portalSearchesPerMinute >= 1, "portal.searchesPerMinute", "must be at least 1")
        try check(!databaseURL.isEmpty, "db.url", "must not be empty")
        try check(Self.roles(totpRolesText) != nil, "auth.requireTOTP", "must be role codes separated by commas, or identity")
        try check((8...64).contains(accounts.minimumLength), "auth.passwordMinLength", "must be 8–64")
        try check((1...4).contains(accounts.requiredClasses), "auth.passwordClasses", "must be 1–4")
        try check(accounts.maxAgeDays >= 0, "auth.passwordMaxAgeDays", "must be 0 (never) or more")
        try check((0...24).contains(accounts.historyCount), "auth.passwordHistory", "must be 0–24")
        try check(maxBodyBytes >= 4096 && maxBodyBytes <= 64 << 20, "http.maxBodyBytes", "must be 4096–67108864")
        try check(audit.checkpointMinutes >= 1, "audit.checkpointMinutes", "must be at least 1")
        try check(audit.verifyHours >= 1, "audit.verifyHours", "must be at least 1")
    }

    /// The standard reader: explicit overrides first (from command-line flags), then environment variables (`DB_URL`…).
    public static func reader(overrides: [String: ConfigContent] = [:]) -> ConfigReader {
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, value) in overrides { values[AbsoluteConfigKey(stringLiteral: key)] = .init(value, isSecret: false) }
        return ConfigReader(providers: [InMemoryProvider(name: "flags", values: values), EnvironmentVariablesProvider()])
    }

    /// Where people reach this server: `http://host:port` (the port it listens on, when known).
    public func baseURL(port actual: Int?) -> String {
        "http://\(host):\(actual ?? port)"
    }

    /// The database URL with any password hidden, for start-up messages and logs.
    public var databaseDescription: String {
        guard usesPostgres, var components = URLComponents(string: databaseURL), components.password != nil else { return databaseURL }
        components.password = "***"
        return components.string ?? "postgres://…"
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

/// How the audit chain is anchored and checked in the background.
public struct AuditSettings: Sendable {
    public var checkpointFile = "data/audit-checkpoints.log"
    public var checkpointMinutes = 10
    public var verifyHours = 24
    public init() {}
}

/// A configuration value that cannot be used.
public struct ConfigurationProblem: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

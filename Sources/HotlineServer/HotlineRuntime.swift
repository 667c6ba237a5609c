import Foundation
import HotlineCore
import HotlineStore
import Logging

/// The pieces of a running Hotline that commands and tests reach into.
public struct HotlineRuntime: Sendable {
    public let store: Store
    public let database: Database
    public let configuration: AppConfiguration

    public init(store: Store, database: Database, configuration: AppConfiguration) {
        self.store = store
        self.database = database
        self.configuration = configuration
    }
}

/// Opens the database (PostgreSQL's pool is not run here: `DatabaseService` runs it, once) and builds the store.
public func openRuntime(_ configuration: AppConfiguration, clock: WallClock = .system, logger: Logger) async throws -> HotlineRuntime {
    try configuration.validate()
    let database = try await Database.open(url: configuration.databaseURL, logger: logger)
    let cipher = try FieldCipher(masterKey: try configuration.loadFieldKey(logger: logger))
    let audit = AuditSeal(keyring: try AuditSeal.loadKeyring(keyFile: configuration.auditKeyFile), keyFile: configuration.auditKeyFile,
                          checkpointFile: configuration.audit.checkpointFile)
    let store = Store(database: database, cipher: cipher, clock: clock, bcryptCost: UInt8(clamping: configuration.bcryptCost),
                      sessionLifetime: TimeInterval(configuration.sessionHours * 3600), files: try FileVault(directory: configuration.filesDirectory),
                      audit: audit, accounts: configuration.accounts)
    return HotlineRuntime(store: store, database: database, configuration: configuration)
}

/// Prepares the schema and the default reference data; PostgreSQL's pool must be running.
public func prepare(_ runtime: HotlineRuntime, logger: Logger) async throws {
    let applied = try await runtime.store.migrate()
    for migration in applied { logger.info("migrated: \(migration)") }
    try await runtime.store.seedReferenceData()
}

import Foundation
import HotlineCore
import HotlineStore
import Hummingbird
import Logging
import Metrics
import OpenAPIHummingbird
import Prometheus
import HotlineWeb
import ServiceLifecycle

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

/// Opens the database, migrates it and loads reference data on first run.
public func openRuntime(_ configuration: AppConfiguration, clock: WallClock = .system, logger: Logger) async throws -> HotlineRuntime {
    try configuration.validate()
    let database = try await Database.open(url: configuration.databaseURL, logger: logger)
    let cipher = try FieldCipher(masterKey: try configuration.loadFieldKey(logger: logger))
    let store = Store(database: database, cipher: cipher, clock: clock, bcryptCost: UInt8(clamping: configuration.bcryptCost),
                      sessionLifetime: TimeInterval(configuration.sessionHours * 3600), files: try FileVault(directory: configuration.filesDirectory))
    return HotlineRuntime(store: store, database: database, configuration: configuration)
}

/// Prepares the schema and the default reference data; PostgreSQL's pool must be running.
public func prepare(_ runtime: HotlineRuntime, logger: Logger) async throws {
    let applied = try await runtime.store.migrate()
    for migration in applied { logger.info("migrated: \(migration)") }
    try await runtime.store.seedReferenceData()
}

/// Builds the router: the web pages, the JSON API under /api/v1, health, hello (for benchmarks) and, when given,
/// Prometheus metrics.
public func buildRouter(store: Store, clock: WallClock, logger: Logger, web: WebSettings = WebSettings(), advisor: Advisor? = nil,
                        metrics: PrometheusCollectorRegistry? = nil) throws -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    if metrics != nil { router.add(middleware: MetricsMiddleware()) }
    router.get("/health") { _, _ in "ok" }
    router.get("/hello") { _, _ in "Hello, 12345!" }
    if let metrics {
        router.get("/metrics") { _, _ in metrics.emitToString() }
    }
    let advisor = advisor ?? Advisor(store: store)
    try WebApp(store: store, clock: clock, advisor: advisor, settings: web).register(on: router)
    let api = router.group("api/v1").add(middleware: AuthenticationMiddleware(store: store, trustedProxies: web.trustedProxies))
    try APIService(store: store, clock: clock, advisor: advisor, portalCenterId: web.portalCenterId).registerHandlers(
        on: api, serverURL: URL(string: "/")!, middlewares: [OpenAPIErrorMiddleware(logger: logger)])
    return router
}

/// The whole application from a configuration: `hotline serve` and the tests both call this.
public func buildApplication(
    runtime: HotlineRuntime, clock: WallClock = .system, logger: Logger, metrics: PrometheusCollectorRegistry? = nil,
    runScanner: Bool = true, runDatabase: Bool = true, onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let config = runtime.configuration
    let advisor = Advisor(store: runtime.store, refreshInterval: config.refreshSeconds)
    let router = try buildRouter(store: runtime.store, clock: clock, logger: logger, web: config.web, advisor: advisor, metrics: metrics)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Hotline"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger)
    // Tests own their database pool and pass `runDatabase: false`.
    if runDatabase { app.addServices(DatabaseService(database: runtime.database)) }
    if runScanner { app.addServices(Warmup(advisor: advisor, logger: logger)) }
    if runScanner && config.scanIntervalSeconds > 0 {
        app.addServices(DeadlineScanner(store: runtime.store, interval: .seconds(config.scanIntervalSeconds), logger: logger))
    }
    if runScanner && config.retrainAfter > 0 {
        app.addServices(ModelTrainer(store: runtime.store, advisor: advisor, retrainAfter: config.retrainAfter,
                                     interval: .seconds(config.retrainCheckMinutes * 60), logger: logger))
    }
    return app
}

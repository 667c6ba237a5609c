import Foundation
import HotlineAPI
import HotlineCore
import HotlineHTTP
import HotlineIntegrations
import HotlineStore
import HotlineWeb
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Builds the router: the web pages, the JSON API under /api/v1, health, hello (for benchmarks) and, when given,
/// Prometheus metrics.
public func buildRouter(store: Store, clock: WallClock, logger: Logger, web: WebSettings = WebSettings(), advisor: Advisor? = nil,
                        metrics: PrometheusCollectorRegistry? = nil, metricsToken: String? = nil, maxBodyBytes: Int = 1 << 20) throws
    -> Router<AppRequestContext>
{
    let router = Router(context: AppRequestContext.self)
    if metrics != nil { router.add(middleware: MetricsMiddleware()) }
    router.get("/health") { _, _ in "ok" }
    router.get("/hello") { _, _ in "Hello, 12345!" }
    if let metrics {
        // The server's inner numbers are for the monitoring system: with `metrics.token` it must send that token; without
        // one, only a client on this machine (not one forwarded by a proxy) is answered.
        router.get("/metrics") { request, context -> Response in
            let allowed: Bool
            if let metricsToken {
                let sent = request.headers[.authorization].map { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : "" } ?? ""
                allowed = ConstantTime.equal(sent, metricsToken)
            } else {
                let peer = context.remoteAddress ?? ""
                allowed = (peer == "::1" || peer.hasPrefix("127.")) && request.headers[HTTPField.Name("X-Forwarded-For")!] == nil
            }
            guard allowed else { return ErrorResponder.response(for: HotlineError(.forbidden, "需要监控令牌 (metrics need metrics.token)")) }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: metrics.emitToString())))
        }
    }
    let advisor = advisor ?? Advisor(store: store)
    try WebApp(store: store, clock: clock, advisor: advisor, settings: web).register(on: router)
    try JSONAPI.register(on: router, store: store, clock: clock, advisor: advisor, portalCenterId: web.portalCenterId,
                         trustedProxies: web.trustedProxies, maxBodyBytes: maxBodyBytes,
                         publicSearchesPerMinute: web.portalSearchesPerMinute, logger: logger)
    return router
}

/// How the application is started, beyond its configuration.
public struct StartOptions: Sendable {
    /// Run the database pool as a service. Tests that own their pool turn it off.
    public var runsDatabase = true
    /// Migrate and load reference data before the server listens.
    public var preparesDatabase = true
    /// Work to do once the database is prepared and before the server listens (the demo city's seeding).
    public var afterPreparation: (@Sendable (HotlineRuntime) async throws -> Void)?
    /// Called with the port once the server listens.
    public var onServerRunning: @Sendable (Int?) async -> Void = { _ in }

    public init(runsDatabase: Bool = true, preparesDatabase: Bool = true,
                afterPreparation: (@Sendable (HotlineRuntime) async throws -> Void)? = nil,
                onServerRunning: @escaping @Sendable (Int?) async -> Void = { _ in }) {
        self.runsDatabase = runsDatabase
        self.preparesDatabase = preparesDatabase
        self.afterPreparation = afterPreparation
        self.onServerRunning = onServerRunning
    }
}

/// The whole application from a configuration: `hotline serve`, the benchmarks and the tests all call this.
///
/// The database pool is one service, started once and stopped last; the schema is prepared before the server
/// listens (`beforeServerStarts`); each background service has its own switch (`services.*`) and starts its work only
/// once the database is prepared.
public func buildApplication(
    runtime: HotlineRuntime, clock: WallClock = .system, logger: Logger, metrics: PrometheusCollectorRegistry? = nil,
    options: StartOptions = StartOptions()
) throws -> some ApplicationProtocol {
    let config = runtime.configuration
    let advisor = Advisor(store: runtime.store, refreshInterval: config.refreshSeconds)
    let router = try buildRouter(store: runtime.store, clock: clock, logger: logger, web: config.web, advisor: advisor, metrics: metrics,
                                 metricsToken: config.metricsToken, maxBodyBytes: config.maxBodyBytes)
    let onServerRunning = options.onServerRunning
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "Hotline"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port) },
        logger: logger)
    let prepared = ReadinessGate()
    if options.runsDatabase { app.addServices(DatabaseService(database: runtime.database)) }
    let afterPreparation = options.afterPreparation
    let preparesDatabase = options.preparesDatabase
    app.beforeServerStarts {
        if preparesDatabase { try await prepare(runtime, logger: logger) }
        try await afterPreparation?(runtime)
        prepared.open()
    }
    let services = config.services
    if services.warmup {
        app.addServices(AfterReadiness(gate: prepared, service: Warmup(advisor: advisor, logger: logger)))
    }
    if services.deadlineScanner && config.scanIntervalSeconds > 0 {
        app.addServices(AfterReadiness(gate: prepared, service: DeadlineScanner(
            store: runtime.store, interval: .seconds(config.scanIntervalSeconds), logger: logger)))
    }
    if services.modelTrainer && config.retrainAfter > 0 {
        app.addServices(AfterReadiness(gate: prepared, service: ModelTrainer(
            store: runtime.store, advisor: advisor, retrainAfter: config.retrainAfter, interval: .seconds(config.retrainCheckMinutes * 60),
            logger: logger)))
    }
    if services.analysis {
        app.addServices(AfterReadiness(gate: prepared, service: AnalysisScheduler(
            store: runtime.store, interval: .seconds(config.analysisIntervalMinutes * 60), logger: logger)))
    }
    if services.notifier {
        let gateway: any NoticeGateway = config.notifyGatewayURL.map { HTTPGateway(url: $0, secret: config.notifyGatewaySecret ?? "") }
            ?? LogGateway(logger: logger)
        app.addServices(AfterReadiness(gate: prepared, service: Notifier(
            store: runtime.store, gateway: gateway, portalURL: config.notifyPortalURL, policy: config.relay.policy, logger: logger)))
    }
    if services.upstreamSync {
        app.addServices(AfterReadiness(gate: prepared, service: UpstreamSync(
            store: runtime.store, settings: config.upstream, logger: logger)))
    }
    if services.knowledgeSync {
        app.addServices(AfterReadiness(gate: prepared, service: KnowledgeSync(
            store: runtime.store, interval: .milliseconds(Int64(config.knowledgeSyncSeconds * 1000)), logger: logger)))
    }
    if services.auditWatch {
        app.addServices(AfterReadiness(gate: prepared, service: AuditWatch(
            store: runtime.store, checkpointInterval: .seconds(config.audit.checkpointMinutes * 60),
            verifyInterval: TimeInterval(config.audit.verifyHours * 3600), logger: logger)))
    }
    if services.outboxRelay {
        app.addServices(AfterReadiness(gate: prepared, service: WebhookRelay(
            store: runtime.store, settings: config.relay, logger: logger)))
    }
    return app
}

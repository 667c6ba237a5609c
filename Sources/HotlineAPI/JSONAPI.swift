import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore
import Hummingbird
import Logging
import OpenAPIHummingbird

/// The JSON API under `/api/v1`, described by `openapi.yaml`: what the composition root mounts.
public enum JSONAPI {
    /// Adds the API's routes to `router` under `api/v1`, behind bearer-token and API-key authentication.
    public static func register(
        on router: Router<AppRequestContext>, store: Store, clock: WallClock, advisor: Advisor, portalCenterId: Int64?,
        trustedProxies: Set<String>, maxBodyBytes: Int = 1 << 20, publicSearchesPerMinute: Int = 60, logger: Logger
    ) throws {
        // The contract itself, for integrators and their tools.
        router.get("api/v1/openapi.yaml") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: contract)))
        }
        let api = router.group("api/v1")
            .add(middleware: APIGuardMiddleware(limit: maxBodyBytes, bulkLimit: max(maxBodyBytes, bulkBodyBytes), bulkPaths: bulkPaths))
            .add(middleware: AuthenticationMiddleware(store: store, trustedProxies: trustedProxies))
        try APIService(store: store, clock: clock, advisor: advisor, portalCenterId: portalCenterId,
                       publicSearchesPerMinute: publicSearchesPerMinute).registerHandlers(
            on: api, serverURL: URL(string: "/")!, middlewares: [OpenAPIErrorMiddleware(logger: logger)])
    }

    /// Endpoints that take whole files or batches: a knowledge import, a city's batch of tickets, a day's versions.
    static let bulkPaths: Set<String> = ["/api/v1/kb/import", "/api/v1/federation/tickets", "/api/v1/federation/reconcile"]
    static let bulkBodyBytes = 64 << 20

    /// `openapi.yaml` as bundled.
    static let contract: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }()
}

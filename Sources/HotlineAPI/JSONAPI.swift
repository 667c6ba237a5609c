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
        trustedProxies: Set<String>, logger: Logger
    ) throws {
        let api = router.group("api/v1").add(middleware: AuthenticationMiddleware(store: store, trustedProxies: trustedProxies))
        try APIService(store: store, clock: clock, advisor: advisor, portalCenterId: portalCenterId).registerHandlers(
            on: api, serverURL: URL(string: "/")!, middlewares: [OpenAPIErrorMiddleware(logger: logger)])
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HotlineCore
import HotlineStore

/// Resolves a bearer token or API key into an `Actor` for the rest of the request.
/// A request without credentials passes through anonymous; one with bad credentials gets 401.
public struct AuthenticationMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let store: Store
    let trustedProxies: Set<String>

    public init(store: Store, trustedProxies: Set<String>) {
        self.store = store
        self.trustedProxies = trustedProxies
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await RequestIdentity.$client.withValue(context.clientAddress(request, trustedProxies: trustedProxies)) {
            try await authenticate(request, context: context, next: next)
        }
    }

    private func authenticate(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = Self.credential(request.headers) else { return try await next(request, context) }
        guard let actor = try await store.actor(forToken: token) else {
            return ErrorResponder.response(for: HotlineError(.invalidToken, "登录已失效，请重新登录 (invalid or expired token)"))
        }
        return try await RequestIdentity.$actor.withValue(actor) {
            try await RequestIdentity.$token.withValue(token) { try await next(request, context) }
        }
    }

    static func credential(_ headers: HTTPFields) -> String? {
        if let auth = headers[.authorization] {
            let parts = auth.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]).trimmingCharacters(in: .whitespaces) }
        }
        if let name = HTTPField.Name("X-API-Key"), let key = headers[name] { return key }
        return nil
    }
}

import Foundation
import HTTPTypes
import Hummingbird
import HotlineCore

/// The JSON API's outer guard: a body larger than its limit is answered 413 before anything reads it (a bulk
/// endpoint — a knowledge import, a city's batch — has a larger limit), and every answer is marked
/// `Cache-Control: no-store` (an identity reveal must not sit in a proxy's or browser's cache) and `nosniff`.
public struct APIGuardMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext
    let limit: Int
    let bulkLimit: Int
    let bulkPaths: Set<String>

    public init(limit: Int, bulkLimit: Int, bulkPaths: Set<String>) {
        self.limit = limit
        self.bulkLimit = bulkLimit
        self.bulkPaths = bulkPaths
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await guarded(request, context: context, next: next)
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        return response
    }

    private func guarded(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let maximum = bulkPaths.contains(request.uri.path) ? bulkLimit : limit
        let tooLarge = HotlineError(.bodyTooLarge, "请求体超过\(maximum / 1024)KB (the body is larger than \(maximum) bytes)")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maximum {
            return ErrorResponder.response(for: tooLarge)
        }
        guard request.method == .post || request.method == .put || request.method == .patch else { return try await next(request, context) }
        var request = request
        do {
            _ = try await request.collectBody(upTo: maximum)
        } catch {
            return ErrorResponder.response(for: tooLarge)
        }
        return try await next(request, context)
    }
}

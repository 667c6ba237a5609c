import Foundation
import HTTPTypes
import HotlineCore
import HotlineHTTP
import Logging
import OpenAPIRuntime

/// The OpenAPI middleware that maps handler and decoding errors to the error shape.
public struct OpenAPIErrorMiddleware: ServerMiddleware {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let mapped = map(error, operationID: operationID)
            let (status, data) = ErrorResponder.json(for: mapped)
            var response = HTTPResponse(status: status)
            response.headerFields[.contentType] = "application/json; charset=utf-8"
            return (response, HTTPBody(data))
        }
    }

    func map(_ error: any Error, operationID: String) -> HotlineError {
        if let domain = error as? HotlineError { return domain }
        if let server = error as? ServerError {
            if let domain = server.underlyingError as? HotlineError { return domain }
            if server.operationInput == nil {
                // The request never became valid input: malformed JSON, a missing field, a bad enum or parameter.
                return HotlineError(.invalidRequest, "请求格式不正确 (malformed request): \(Self.describe(server.underlyingError))")
            }
            logger.error("\(operationID) failed: \(String(reflecting: server.underlyingError))")
            return ErrorResponder.internalError
        }
        logger.error("\(operationID) failed: \(String(reflecting: error))")
        return ErrorResponder.internalError
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "missing field \(key.stringValue)"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.dataCorrupted(let context):
            // The decoder's own words ("Expected to decode Dictionary<String, Any>…") name its internals, not the mistake.
            let path = context.codingPath.map(\.stringValue).filter { !$0.isEmpty }.joined(separator: ".")
            return path.isEmpty ? "the body is not the JSON this operation takes" : "bad value at \(path)"
        default:
            return "a parameter or the body is not what this operation takes"
        }
    }
}

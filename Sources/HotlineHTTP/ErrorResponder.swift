import Foundation
import HTTPTypes
import Hummingbird
import HotlineCore

/// Turns any error into `{"error": {"code", "message"}}` with the right status; internals never leak.
public enum ErrorResponder {
    struct Body: Encodable {
        struct Inner: Encodable {
            let code: String
            let message: String
        }
        let error: Inner
    }

    public static func json(for error: HotlineError) -> (HTTPResponse.Status, Data) {
        let data = (try? JSONEncoder().encode(Body(error: .init(code: error.code.rawValue, message: error.message)))) ?? Data()
        return (HTTPResponse.Status(code: error.httpStatus), data)
    }

    public static func response(for error: HotlineError) -> Response {
        let (status, data) = json(for: error)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    public static let internalError = HotlineError(.internalError, "服务器内部错误，请稍后重试 (internal error)")
}

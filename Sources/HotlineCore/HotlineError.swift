/// The one error vocabulary of Hotline: each code maps to an HTTP status and a stable machine code, listed in
/// `openapi.yaml`'s `ErrorCode` schema.
public struct HotlineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad kind of failure, which decides the HTTP status.
    public enum Kind: Sendable, Equatable {
        case invalid, unauthenticated, forbidden, notFound, conflict, tooLarge, unprocessable, rateLimited, internalFailure
    }

    /// The stable code, such as `invalid_state`.
    public let code: ErrorCode
    /// A message a person can read, in Chinese first.
    public let message: String

    public init(_ code: ErrorCode, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The broad kind of failure.
    public var kind: Kind { code.kind }

    /// The HTTP status this error answers with.
    public var httpStatus: Int {
        switch kind {
        case .invalid: 400
        case .unauthenticated: 401
        case .forbidden: 403
        case .notFound: 404
        case .conflict: 409
        case .tooLarge: 413
        case .unprocessable: 422
        case .rateLimited: 429
        case .internalFailure: 500
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }

    /// A request field failed validation.
    public static func invalid(_ field: String, _ message: String) -> HotlineError {
        HotlineError(.invalidRequest, "\(field): \(message)")
    }

    /// The thing asked for does not exist, or is outside the caller's data scope.
    public static func notFound(_ what: String) -> HotlineError {
        HotlineError(.notFound, "\(what)不存在或无权查看 (not found)")
    }

    public static let unauthenticated = HotlineError(.unauthenticated, "请先登录 (authentication required)")
    public static let badCredentials = HotlineError(.badCredentials, "用户名或密码错误 (wrong username or password)")

    /// The caller's role or unit may not do this.
    public static func forbidden(_ message: String) -> HotlineError {
        HotlineError(.forbidden, message)
    }

    /// Someone else changed the ticket first.
    public static let concurrentUpdate = HotlineError(.concurrentUpdate, "工单已被他人处理，请刷新后重试 (the ticket was changed by someone else)")
}

import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore
import Hummingbird
import HTTPTypes
import NIOCore

/// The Open311 GeoReport v2 endpoint (`/open311/v2/`, discovery at `/open311/discovery.{json,xml}`): mobile and
/// third-party apps list the center's services, file requests with an integration key, and follow requests' status.
/// Every answer is JSON or XML by the file's extension; every error is the spec's `errors` list.
struct Open311Routes {
    let app: WebApp

    /// When this endpoint's behaviour last changed (the discovery document's `changeset`).
    static let changeset = Date(timeIntervalSince1970: 1_796_342_400)  // 2026-12-04

    func register(on router: Router<AppRequestContext>) {
        router.get("/open311/:file") { request, context in
            try await answer(request, context, file: "file") { name, _ in
                guard name == "discovery" else { throw Open311.Failure.notFound }
                return Open311.discoveryDocument(endpoint: endpoint(request), contact: "12345政务服务便民热线", changeset: Self.changeset)
            }
        }
        router.get("/open311/v2/:file") { request, context in
            try await answer(request, context, file: "file") { name, _ in
                switch name {
                case "services": return Open311.servicesDocument(try await app.store.open311Services())
                case "requests":
                    let query = try Open311.Query.parse(Self.fields(request.uri.queryParameters), now: app.now)
                    return Open311.requestsDocument(try await app.store.open311Requests(centerId: try await center(), query))
                default: throw Open311.Failure.notFound
                }
            }
        }
        router.get("/open311/v2/services/:file") { request, context in
            try await answer(request, context, file: "file") { code, _ in
                guard let service = try await app.store.open311Services().first(where: { $0.code == code }) else { throw Open311.Failure.notFound }
                return Open311.definitionDocument(service)
            }
        }
        router.get("/open311/v2/requests/:file") { request, context in
            try await answer(request, context, file: "file") { id, _ in
                try await oneRequest(id, token: false)
            }
        }
        router.get("/open311/v2/tokens/:file") { request, context in
            try await answer(request, context, file: "file") { token, _ in
                try await oneRequest(token, token: true)
            }
        }
        router.post("/open311/v2/:file") { request, context in
            try await answer(request, context, file: "file") { name, _ in
                guard name == "requests" else { throw Open311.Failure.notFound }
                return try await file(request)
            }
        }
    }

    /// Files a request: the key may come in the form or the query string (clients differ), the form's fields win.
    func file(_ request: Request) async throws -> Open311.Document {
        let form = try await Form.read(request, limit: 64 * 1024)
        var fields = Self.fields(request.uri.queryParameters)
        for (name, values) in form.fields { if let value = values.first { fields[name] = value } }
        guard let key = fields["api_key"], key.hasPrefix("hlk_"), let actor = try await app.store.actor(forToken: key) else {
            throw Open311.Failure(403, "api_key无效 (api_key is missing or not valid)")
        }
        let submission = try Open311.Submission.parse(fields)
        let idempotencyKey = HTTPField.Name("Idempotency-Key").flatMap { request.headers[$0] }
        let created = try await app.store.fileOpen311Request(submission, by: actor, idempotencyKey: idempotencyKey)
        return Open311.createdDocument(id: created.ticket.number, notice: "已收到，待甄别后受理 (received; it will be screened and accepted)")
    }

    func oneRequest(_ id: String, token: Bool) async throws -> Open311.Document {
        let found = try await app.store.open311Requests(centerId: try await center(), .ids([id]))
        guard let request = found.first else { throw Open311.Failure.notFound }
        return token ? Open311.tokenDocument(id: request.id) : Open311.requestsDocument([request])
    }

    func center() async throws -> Int64 { try await PortalPages(app: app).portalCenter() }

    /// The v2 endpoint's address as the client reached it.
    func endpoint(_ request: Request) -> String {
        let host = request.head.authority ?? "localhost"
        let scheme = HTTPField.Name("X-Forwarded-Proto").flatMap { request.headers[$0] } == "https" || app.settings.secureCookies ? "https" : "http"
        return "\(scheme)://\(host)/open311/v2/"
    }

    static func fields(_ parameters: Parameters) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in parameters { fields[String(name)] = String(value) }
        return fields
    }

    /// Runs `body` with the file's name and format and writes its document, or the error, in that format.
    func answer(_ request: Request, _ context: AppRequestContext, file parameter: String,
                _ body: (String, Open311.Format) async throws -> Open311.Document) async throws -> Response {
        let file = context.parameters.get(parameter) ?? ""
        guard let (name, format) = Open311.Format.split(file) else {
            return Self.response(Open311.errorsDocument(.badRequest("须以.json或.xml结尾 (ask for .json or .xml)")), .json, status: 400)
        }
        do {
            return Self.response(try await body(name, format), format, status: 200)
        } catch let failure as Open311.Failure {
            return Self.response(Open311.errorsDocument(failure), format, status: failure.status)
        } catch let error as HotlineError {
            let status = error.httpStatus == 401 ? 403 : error.httpStatus
            return Self.response(Open311.errorsDocument(Open311.Failure(status, error.message)), format, status: status)
        }
    }

    static func response(_ document: Open311.Document, _ format: Open311.Format, status: Int) -> Response {
        Response(status: .init(code: status), headers: [.contentType: format.contentType, .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: document.rendered(format))))
    }
}

import Foundation
import HTTPTypes
import HotlineServer
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// The real application, in-process, over a fresh test database holding the test city.
struct APIClient: Sendable {
    let client: any TestClientProtocol
    let t: TestDatabase
    let city: TestCity

    /// The answer to one request: status and parsed JSON (`.null` when the body is empty or not JSON).
    struct Reply: Sendable {
        let status: Int
        let json: JSON
        let headers: HTTPFields
        let text: String
    }

    /// Sends a request with an optional bearer token and a raw body.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, body: String? = nil,
              headers extra: [String: String] = [:]) async throws -> Reply {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            let json = (try? JSONDecoder().decode(JSON.self, from: Data(text.utf8))) ?? .null
            return Reply(status: Int(response.status.code), json: json, headers: response.headers, text: text)
        }
    }

    /// Sends `body` encoded as JSON.
    @discardableResult
    func send(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json body: [String: JSON],
              headers: [String: String] = [:]) async throws -> Reply {
        let data = try JSONEncoder().encode(JSON.object(body))
        return try await send(method, uri, token: token, body: String(decoding: data, as: UTF8.self), headers: headers)
    }

    /// Signs in as one of the test city's users and returns the bearer token.
    func login(_ username: String) async throws -> String {
        let reply = try await send(.post, "/api/v1/auth/login", json: ["username": .string(username), "password": .string(TestCity.password)])
        guard reply.status == 200, let token = reply.json["token"].string else {
            throw HotlineError(.unauthenticated, "login as \(username) failed: \(reply.status) \(reply.text)")
        }
        return token
    }

    /// Records the standard test complaint and returns the `TicketCreated` body.
    func createTicket(token: String, title: String = "小区路灯不亮", channel: String = "phone", confidential: Bool = false,
                      key: String? = nil) async throws -> Reply {
        try await send(.post, "/api/v1/tickets", token: token, json: [
            "channel": .string(channel), "type": "complaint", "title": .string(title),
            "content": "滨江花园北门路灯连续一周不亮，夜间出行不安全。", "categoryCode": "030599",
            "location": ["address": "东湖区滨江花园"],
            "requester": ["name": "王小明", "phone": "13812341234", "idNumber": "11010519491231002X"],
            "confidential": .bool(confidential),
        ], headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    /// Takes a lifecycle action.
    @discardableResult
    func act(_ id: Int64, token: String, _ body: [String: JSON]) async throws -> Reply {
        try await send(.post, "/api/v1/tickets/\(id)/actions", token: token, json: body)
    }
}

/// Runs `body` against the in-process app on a fresh database of `backend`.
func withAPI(_ backend: Backend, configure: @Sendable (inout AppConfiguration) -> Void = { _ in },
             _ body: @escaping @Sendable (APIClient) async throws -> Void) async throws {
    try await withTestDatabase(backend) { t in
        let city = try await TestCity.make(t.store)
        var configuration = AppConfiguration()
        configuration.scanIntervalSeconds = 0
        configuration.refreshSeconds = 0
        configuration.services = .none
        configure(&configuration)
        let store = configuration.accounts == AccountPolicy() ? t.store : t.store.with(accounts: configuration.accounts)
        let runtime = HotlineRuntime(store: store, database: t.database, configuration: configuration)
        var logger = Logger(label: "hotline-api-test")
        logger.logLevel = .critical
        let app = try buildApplication(runtime: runtime, clock: t.clock.wallClock, logger: logger,
                                       options: StartOptions(runsDatabase: false, preparesDatabase: false))
        try await app.test(.router) { client in
            try await body(APIClient(client: client, t: t, city: city))
        }
    }
}

import Foundation
import HTTPTypes
import HotlineCore
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization

/// A subscriber's server on a real port: it checks each post's signature against the secret of its path
/// (`/hook/<name>`), answers 401 to a bad one, answers the status it is told to (to fail on purpose), and keeps what
/// it accepted.
final class WebhookReceiver: Sendable {
    struct Received: Sendable, Equatable {
        let path: String
        let deliveryId: String
        let topic: String
        let event: [String: [String]]
        let body: String
    }

    let accepted = Mutex<[Received]>([])
    /// Posts refused because the signature did not hold, by reason.
    let refused = Mutex<[WebhookSignature.Rejection]>([])
    /// Every post that reached the server, accepted or not.
    let hits = Mutex(0)
    let secrets = Mutex<[String: String]>([:])
    /// The status to answer instead of 200, per path.
    let failing = Mutex<[String: Int]>([:])
    let clock: @Sendable () -> Date

    init(clock: @escaping @Sendable () -> Date) {
        self.clock = clock
    }

    var all: [Received] { accepted.withLock { $0 } }

    func received(_ path: String) -> [Received] { all.filter { $0.path == path } }

    /// Runs the server for the length of `body`, passing its base URL (`http://127.0.0.1:<port>`).
    func run(_ body: @escaping @Sendable (String) async throws -> Void) async throws {
        let router = Router()
        router.post("/hook/:name") { request, context -> Response in
            let name = try context.parameters.require("name")
            self.hits.withLock { $0 += 1 }
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let bytes = Array(buffer.readableBytesView)
            do {
                try WebhookSignature.verify(body: bytes, timestamp: request.headers[HTTPField.Name("X-Hotline-Timestamp")!],
                                            signature: request.headers[HTTPField.Name("X-Hotline-Signature")!],
                                            secret: self.secrets.withLock { $0[name] } ?? "", now: self.clock())
            } catch let rejection as WebhookSignature.Rejection {
                self.refused.withLock { $0.append(rejection) }
                return Response(status: .unauthorized)
            }
            if let status = self.failing.withLock({ $0[name] }) { return Response(status: .init(code: status)) }
            struct Body: Decodable { let deliveryId: String; let topic: String; let event: [String: [String]] }
            let delivery = request.headers[HTTPField.Name("X-Hotline-Delivery")!] ?? ""
            // A webhook carries its delivery id in the body too; anything else (a notice to the gateway) is kept as it came.
            let decoded = try? JSONDecoder().decode(Body.self, from: Data(bytes))
            guard decoded == nil || decoded?.deliveryId == delivery else { return Response(status: .badRequest) }
            self.accepted.withLock {
                $0.append(Received(path: name, deliveryId: delivery, topic: decoded?.topic ?? "", event: decoded?.event ?? [:],
                                   body: String(decoding: bytes, as: UTF8.self)))
            }
            return Response(status: .ok)
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        try await app.test(.live) { client in
            guard let port = client.port else { throw CancellationError() }
            try await body("http://127.0.0.1:\(port)")
        }
    }
}

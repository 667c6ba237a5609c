import AsyncHTTPClient
import Foundation
import HotlineCore
import HotlineStore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Where notices go: the center's SMS/WeChat gateway (统一消息平台).
public protocol NoticeGateway: Sendable {
    func send(_ notice: ClaimedNotice) async -> DeliveryOutcome
}

/// The default without a gateway: each notice is written to the log (recipient masked) and counts as sent.
public struct LogGateway: NoticeGateway {
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func send(_ notice: ClaimedNotice) async -> DeliveryOutcome {
        logger.info("notice \(notice.id) (\(notice.kind.rawValue)) to \(notice.maskedTo): \(notice.text.count) characters, log-only gateway")
        return .delivered(status: 200)
    }
}

/// A generic HTTP gateway: posts `{"id", "kind", "channel": "sms", "to": {"phone" | "userId", "username"}, "text"}`, signed
/// like the webhooks (`X-Hotline-Timestamp`, `X-Hotline-Signature` under the gateway's secret). The citizen's phone
/// leaves the server only here.
public struct HTTPGateway: NoticeGateway {
    let url: String
    let secret: String
    let client: HTTPClient
    let clock: @Sendable () -> Date

    public init(url: String, secret: String, client: HTTPClient = .shared, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.url = url
        self.secret = secret
        self.client = client
        self.clock = clock
    }

    struct Body: Encodable {
        struct To: Encodable {
            let phone: String?
            let userId: Int64?
            let username: String?
        }

        let id: String
        let kind: String
        let channel = "sms"
        let to: To
        let text: String
    }

    public func send(_ notice: ClaimedNotice) async -> DeliveryOutcome {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let body = Array(try encoder.encode(Body(id: String(notice.id), kind: notice.kind.rawValue,
                                                     to: .init(phone: notice.phone, userId: notice.userId, username: notice.username), text: notice.text)))
            let timestamp = Int64(clock().timeIntervalSince1970)
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            request.headers.add(name: WebhookSignature.deliveryHeader, value: "notice-\(notice.id)")
            request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
            request.headers.add(name: WebhookSignature.signatureHeader, value: WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try? await response.body.collect(upTo: 2048)
            let status = Int(response.status.code)
            return (200..<300).contains(status) ? .delivered(status: status) : .failed(status: status, error: "HTTP \(status)")
        } catch {
            return .failed(status: nil, error: String(describing: error))
        }
    }
}

/// Plans notices from the history and sends them through the gateway: at least once per event, kind and recipient
/// (the gateway de-duplicates on `X-Hotline-Delivery`), retried like webhooks, safe on several nodes.
public struct Notifier: Service {
    let store: Store
    let gateway: any NoticeGateway
    /// The citizen's link: the portal's tracking page for a number and query code.
    let link: @Sendable (String, String) -> String
    let policy: RetryPolicy
    let interval: Duration
    let logger: Logger

    public init(store: Store, gateway: any NoticeGateway, portalURL: String, policy: RetryPolicy = RetryPolicy(), interval: Duration = .seconds(2),
                logger: Logger) {
        self.store = store
        self.gateway = gateway
        let base = portalURL.hasSuffix("/") ? String(portalURL.dropLast()) : portalURL
        link = { number, code in "\(base)/portal/track?number=\(number)&code=\(code)" }
        self.policy = policy
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = store.database.commits.rings
                do {
                    try await notifyOnce()
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("notifier failed: \(error)")
                }
                do { try await store.database.commits.wait(upTo: interval, since: seen) } catch { return }
            }
        }
    }

    /// Plans what was committed and sends one batch; returns how many notices were sent.
    @discardableResult
    public func notifyOnce() async throws -> Int {
        while try await store.planNotices(link: link) == 500 {}
        // Sent one after another, each in at most 10 s: 20 at a time fit well inside the 5-minute claim.
        let claimed = try await store.claimNotices(limit: 20, lease: 300, token: "notifier-" + Hex.random(bytes: 6))
        var results: [(notice: ClaimedNotice, outcome: DeliveryOutcome)] = []
        for notice in claimed { results.append((notice, await gateway.send(notice))) }
        try await store.completeNotices(results, policy: policy)
        return results.filter { if case .delivered = $0.outcome { true } else { false } }.count
    }
}

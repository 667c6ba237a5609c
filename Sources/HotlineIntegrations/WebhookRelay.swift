import AsyncHTTPClient
import Foundation
import HotlineCore
import HotlineStore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// Delivers every change to the subscriptions that want it, as signed webhooks (DESIGN.md §6): at least once, in order
/// per subscriber and ticket, tried again with exponential backoff and jitter, given up as a dead letter after the
/// policy's attempts. Several nodes may run it on one PostgreSQL: each delivery is claimed by one node at a time, and a
/// node that dies mid-delivery leaves a lease that runs out, so another node sends again.
public struct WebhookRelay: Service {
    public struct Settings: Sendable {
        /// How long the relay waits for a new change before it looks anyway (a change on another node, a retry coming due).
        public var interval: Duration = .seconds(1)
        /// Deliveries claimed per round.
        public var batchSize = 200
        /// Posts in flight at once.
        public var concurrency = 32
        /// How long a claim holds before another node may send the delivery again: longer than a whole batch may
        /// take (`minimumLease`), so a slow round is never sent twice by another node.
        public var lease: TimeInterval = 120
        /// How long one post may take.
        public var timeout: Duration = .seconds(10)
        public var policy = RetryPolicy()

        public init() {}

        /// The longest a round of posts may take: every wave of `concurrency` posts running to `timeout`, plus a margin.
        public var minimumLease: TimeInterval {
            let waves = (batchSize + concurrency - 1) / max(concurrency, 1)
            return Double(waves) * (Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18) + 10
        }
    }

    let store: Store
    let client: HTTPClient
    let settings: Settings
    /// This node's name in its claims.
    let node: String
    let logger: Logger

    public init(store: Store, client: HTTPClient = .shared, settings: Settings = Settings(), node: String = "node-" + Hex.random(bytes: 4),
                logger: Logger) {
        self.store = store
        self.client = client
        self.settings = settings
        self.node = node
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var busy = false
                let seen = store.database.commits.rings
                do {
                    busy = try await relayOnce().claimed == settings.batchSize
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("webhook relay failed: \(error)")
                }
                if !busy {
                    do { try await store.database.commits.wait(upTo: settings.interval, since: seen) } catch { return }
                }
            }
        }
    }

    /// What one round did.
    public struct Round: Sendable, Equatable {
        public var fanned = 0
        public var claimed = 0
        public var delivered = 0
        public var failed = 0
    }

    /// Fans out what was committed, then claims one batch of due deliveries and posts them; returns what it did.
    @discardableResult
    public func relayOnce() async throws -> Round {
        var round = Round()
        while true {
            let read = try await store.fanOut()
            round.fanned += read
            if read < 500 { break }
        }
        let claimed = try await store.claimDeliveries(limit: settings.batchSize, lease: settings.lease, token: node + "-" + Hex.random(bytes: 6))
        round.claimed = claimed.count
        guard !claimed.isEmpty else { return round }
        let results = await withTaskGroup(of: (ClaimedDelivery, DeliveryOutcome).self) { group in
            var results: [(delivery: ClaimedDelivery, outcome: DeliveryOutcome)] = []
            var next = claimed.makeIterator()
            for _ in 0..<min(settings.concurrency, claimed.count) {
                guard let delivery = next.next() else { break }
                group.addTask { (delivery, await self.post(delivery)) }
            }
            while let result = await group.next() {
                results.append(result)
                if let delivery = next.next() { group.addTask { (delivery, await self.post(delivery)) } }
            }
            return results
        }
        for (delivery, outcome) in results {
            if case .failed(let status, let error) = outcome {
                round.failed += 1
                logger.warning("delivery \(delivery.id) to subscription \(delivery.subscriptionId) failed (attempt \(delivery.attempts + 1)): \(status.map { "HTTP \($0)" } ?? error)")
            } else {
                round.delivered += 1
            }
        }
        try await store.completeDeliveries(results, policy: settings.policy)
        return round
    }

    /// Posts one delivery, signed; 2xx is delivered, anything else (or no answer) failed.
    func post(_ delivery: ClaimedDelivery) async -> DeliveryOutcome {
        let body = delivery.body
        let timestamp = Int64(store.currentTime.timeIntervalSince1970)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "Hotline-Webhooks/1")
        request.headers.add(name: WebhookSignature.deliveryHeader, value: String(delivery.id))
        request.headers.add(name: WebhookSignature.topicHeader, value: delivery.topic)
        request.headers.add(name: WebhookSignature.timestampHeader, value: String(timestamp))
        request.headers.add(name: WebhookSignature.signatureHeader, value: WebhookSignature.sign(body: body, timestamp: timestamp, secret: delivery.secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: .nanoseconds(Int64(settings.timeout.components.seconds) * 1_000_000_000
                + settings.timeout.components.attoseconds / 1_000_000_000))
            // The answer's body is not kept; read a little of it for the log of a refusal.
            let answer = try? await response.body.collect(upTo: 2048)
            let status = Int(response.status.code)
            if (200..<300).contains(status) { return .delivered(status: status) }
            return .failed(status: status, error: answer.map { String(buffer: $0) } ?? "HTTP \(status)")
        } catch {
            return .failed(status: nil, error: String(describing: error))
        }
    }
}

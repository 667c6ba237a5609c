import HotlineStore
import Logging
import ServiceLifecycle

/// Delivers outbox messages to subscribers, in commit order, at least once: a message stays in the outbox until
/// every subscriber that wants it has taken it (a failed delivery stops the round and is retried on the next).
///
/// This is the relay's skeleton: the subscribers (signed webhooks, 110, the provincial platform), per-subscriber
/// progress, backoff and dead letters arrive with the integration issues.
public struct OutboxRelay: Service {
    let store: Store
    let subscribers: [any OutboxSubscriber]
    let interval: Duration
    let batchSize: Int
    let logger: Logger

    public init(store: Store, subscribers: [any OutboxSubscriber], interval: Duration, batchSize: Int = 100, logger: Logger) {
        self.store = store
        self.subscribers = subscribers
        self.interval = interval
        self.batchSize = batchSize
        self.logger = logger
    }

    public func run() async throws {
        guard !subscribers.isEmpty else {
            // Nothing follows this Hotline yet: leave every message where it is.
            try? await gracefulShutdown()
            return
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    while try await relayOnce() == batchSize {}
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("outbox relay failed: \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Hands one batch to the subscribers; returns how many messages were delivered.
    @discardableResult
    public func relayOnce() async throws -> Int {
        try await store.relayOutbox(limit: batchSize) { [subscribers, logger] messages in
            var delivered: [Int64] = []
            for message in messages {
                do {
                    for subscriber in subscribers where subscriber.wants(message) { try await subscriber.deliver(message) }
                } catch {
                    logger.warning("outbox message \(message.id) (\(message.topic)) not delivered, will retry: \(error)")
                    break
                }
                delivered.append(message.id)
            }
            return delivered
        }
    }
}

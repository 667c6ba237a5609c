import HotlineStore

/// A system that follows Hotline's changes: a webhook, the provincial platform, the 110 platform.
public protocol OutboxSubscriber: Sendable {
    /// Whether this subscriber wants `message`.
    func wants(_ message: OutboxMessage) -> Bool
    /// Delivers `message`; throwing leaves it in the outbox to be tried again.
    func deliver(_ message: OutboxMessage) async throws
}

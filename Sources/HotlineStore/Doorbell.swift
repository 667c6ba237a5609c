import Synchronization

/// A signal that something happened, for loops that would otherwise only look every few seconds. Each `ring` counts
/// one more; a waiter remembers the count it last acted on (`rings`, read before it looks) and `wait(upTo:since:)`
/// returns as soon as the count has moved past it — so every waiter sees every ring, however many wait.
public final class Doorbell: Sendable {
    private let count = Atomic<UInt64>(0)

    public init() {}

    /// Rung by whatever writes history events inside the running transaction; `Database` rings `commits` after it
    /// commits.
    @TaskLocal static var changesOfTransaction: Doorbell?

    var isRung: Bool { rings > 0 }

    /// How often it has rung.
    public var rings: UInt64 { count.load(ordering: .acquiring) }

    public func ring() {
        count.add(1, ordering: .releasing)
    }

    /// Waits until it rang after `seen` or `timeout` passes, looking every `tick`; returns whether it rang. Throws on
    /// cancellation.
    @discardableResult
    public func wait(upTo timeout: Duration, since seen: UInt64, tick: Duration = .milliseconds(10)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if rings != seen { return true }
            try await Task.sleep(for: tick)
        }
        return rings != seen
    }
}

import Synchronization

/// A signal that something happened, for a loop that would otherwise only look every few seconds: `ring` marks it,
/// `wait(upTo:)` returns as soon as it is marked (or the time is up) and clears it. Rings while nobody waits are kept
/// as one.
public final class Doorbell: Sendable {
    private let rung = Atomic<Bool>(false)

    public init() {}

    /// Rung by whatever writes history events inside the running transaction; `Database` rings `commits` after it
    /// commits.
    @TaskLocal static var changesOfTransaction: Doorbell?

    var isRung: Bool { rung.load(ordering: .acquiring) }

    public func ring() {
        rung.store(true, ordering: .releasing)
    }

    /// Waits until rung or `timeout` passes, looking every `tick`; returns whether it was rung. Throws on cancellation.
    @discardableResult
    public func wait(upTo timeout: Duration, tick: Duration = .milliseconds(10)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if rung.exchange(false, ordering: .acquiringAndReleasing) { return true }
            try await Task.sleep(for: tick)
        }
        return rung.exchange(false, ordering: .acquiringAndReleasing)
    }
}

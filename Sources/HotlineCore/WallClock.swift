import Foundation
import Synchronization

/// The source of "now", injected everywhere so that tests never wait for time to pass.
public struct WallClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    /// The machine's clock.
    public static let system = WallClock { Date() }
}

/// A clock that moves only when told to; for tests, seeding and simulations.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    /// The time now.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        current.withLock { $0 = date }
    }

    /// A `WallClock` that reads this clock.
    public var wallClock: WallClock { WallClock { [self] in self.now } }
}

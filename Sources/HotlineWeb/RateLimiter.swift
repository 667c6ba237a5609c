import Foundation
import HotlineCore
import Synchronization

/// A fixed-window counter per key (an IP address): at most `limit` events per `window` seconds.
final class RateLimiter: Sendable {
    private let limit: Int
    private let window: TimeInterval
    private let clock: WallClock
    private let counts = Mutex<[String: (start: Date, count: Int)]>([:])

    init(limit: Int, window: TimeInterval, clock: WallClock) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    /// Counts one event for `key`; false when the key is over its limit.
    func allow(_ key: String) -> Bool {
        let now = clock.now()
        return counts.withLock { counts in
            if counts.count > 100_000 { counts = counts.filter { now.timeIntervalSince($0.value.start) < window } }
            var entry = counts[key] ?? (now, 0)
            if now.timeIntervalSince(entry.start) >= window { entry = (now, 0) }
            entry.count += 1
            counts[key] = entry
            return entry.count <= limit
        }
    }
}

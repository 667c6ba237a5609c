import Foundation
import Synchronization

/// Counts failed sign-ins per username: after `limit` failures within `window` the name is refused until the window
/// ends, so passwords cannot be guessed at full speed. Kept per node.
final class LoginThrottle: Sendable {
    private let failures = Mutex<[String: (first: Date, count: Int)]>([:])
    let limit: Int
    let window: TimeInterval

    init(limit: Int = 10, window: TimeInterval = 15 * 60) {
        self.limit = limit
        self.window = window
    }

    func allowed(_ username: String, now: Date) -> Bool {
        failures.withLock { failures in
            guard let entry = failures[username.lowercased()] else { return true }
            if now.timeIntervalSince(entry.first) >= window {
                failures[username.lowercased()] = nil
                return true
            }
            return entry.count < limit
        }
    }

    func fail(_ username: String, now: Date) {
        failures.withLock { failures in
            if failures.count > 100_000 { failures = failures.filter { now.timeIntervalSince($0.value.first) < window } }
            var entry = failures[username.lowercased()] ?? (now, 0)
            if now.timeIntervalSince(entry.first) >= window { entry = (now, 0) }
            entry.count += 1
            failures[username.lowercased()] = entry
        }
    }

    func succeed(_ username: String) {
        failures.withLock { $0[username.lowercased()] = nil }
    }
}

import Foundation
import Synchronization

/// Keeps an in-memory copy of database state fresh: a refresh runs at most every `interval` (unless forced), one
/// at a time — a caller that finds one under way goes on with the copy as it is — and until the first load has
/// finished every caller waits for it rather than use an empty copy.
final class RefreshGate: Sendable {
    let interval: TimeInterval
    private let refreshedAt = Mutex(Date.distantPast)
    private let busy = Mutex(false)
    private let loaded = Mutex(false)
    private let firstLoad = AsyncLock()

    init(interval: TimeInterval) {
        self.interval = interval
    }

    /// Whether `load` has succeeded once.
    var isLoaded: Bool { loaded.withLock { $0 } }

    /// Runs `load` when it is due (or `force`), as described above. A failed load is tried again on the next call.
    func refresh(force: Bool, _ load: () async throws -> Void) async throws {
        if !isLoaded {
            try await firstLoad.withLock {
                guard !isLoaded else { return }
                try await run(load)
                loaded.withLock { $0 = true }
            }
            return
        }
        guard force || Date().timeIntervalSince(refreshedAt.withLock { $0 }) >= interval else { return }
        let mine = busy.withLock { busy -> Bool in
            if busy { return false }
            busy = true
            return true
        }
        guard mine else { return }
        defer { busy.withLock { $0 = false } }
        try await run(load)
    }

    private func run(_ load: () async throws -> Void) async throws {
        let started = Date()
        try await load()
        refreshedAt.withLock { $0 = started }
    }
}

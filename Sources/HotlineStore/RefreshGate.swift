import Foundation
import Synchronization

/// Keeps an in-memory copy of database state fresh: a refresh runs at most every `interval`, one at a time — a
/// caller that finds one under way goes on with the copy as it is — and until the first load has finished every
/// caller waits for it rather than use an empty copy. A forced refresh (after a change the caller just made)
/// waits for one under way and then runs, so it always reads after the change.
final class RefreshGate: Sendable {
    let interval: TimeInterval
    private let refreshedAt = Mutex(Date.distantPast)
    private let loaded = Mutex(false)
    private let firstLoad = AsyncLock()
    private let running = AsyncLock()

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
                try await running.withLock { try await run(load) }
                loaded.withLock { $0 = true }
            }
            return
        }
        if force {
            try await running.withLock { try await run(load) }
            return
        }
        guard Date().timeIntervalSince(refreshedAt.withLock { $0 }) >= interval, await running.tryLock() else { return }
        do {
            try await run(load)
            await running.unlock()
        } catch {
            await running.unlock()
            throw error
        }
    }

    private func run(_ load: () async throws -> Void) async throws {
        let started = Date()
        try await load()
        refreshedAt.withLock { $0 = started }
    }
}

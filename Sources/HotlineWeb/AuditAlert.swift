import Foundation
import HotlineStore
import Synchronization

/// Whether the newest background verification of the audit chain failed, read from the store at most once a minute.
final class AuditAlert: Sendable {
    private let state = Mutex<(readAt: Date, failure: String?)>((.distantPast, nil))

    /// What the failed verification found first, or nil.
    var failure: String? { state.withLock { $0.failure } }

    func refresh(_ store: Store) async {
        let now = store.currentTime
        guard state.withLock({ now.timeIntervalSince($0.readAt) >= 60 }) else { return }
        state.withLock { $0.readAt = now }
        guard let last = try? await store.latestAuditVerification() else { return }
        state.withLock { $0.failure = last.intact ? nil : last.findings.first { $0.contains("BROKEN") || $0.contains("FAILS") || $0.contains("ALTERED") } ?? last.findings.first }
    }
}

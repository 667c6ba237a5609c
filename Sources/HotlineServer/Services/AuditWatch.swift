import Foundation
import HotlineStore
import Logging
import ServiceLifecycle

/// Anchors and checks the audit chain in the background: a signed checkpoint of the head every `checkpointInterval`
/// (into this node's checkpoint file, and as an event a witness's webhook receives), and a whole verification every
/// `verifyInterval` (one node at a time), whose failure is logged as an error and shown on the admin pages.
public struct AuditWatch: Service {
    let store: Store
    let checkpointInterval: Duration
    let verifyInterval: TimeInterval
    let logger: Logger
    let holder = "audit-" + UUID().uuidString

    public init(store: Store, checkpointInterval: Duration, verifyInterval: TimeInterval, logger: Logger) {
        self.store = store
        self.checkpointInterval = checkpointInterval
        self.verifyInterval = verifyInterval
        self.logger = logger
    }

    public func run() async throws {
        await everyInterval(checkpointInterval, logger: logger, what: "audit checkpoint") { [store, logger, holder, verifyInterval] in
            try await store.writeAuditCheckpoint()
            let last = try await store.latestAuditVerification()
            guard last.map({ store.currentTime.timeIntervalSince($0.startedAt) >= verifyInterval }) ?? true,
                  try await store.tryLock("audit-verify", holder: holder, seconds: 3600) else { return }
            let result = try await store.runAuditVerification()
            try await store.unlock("audit-verify", holder: holder)
            if result.intact {
                logger.info("audit verification: \(result.events) events and \(result.tickets) tickets intact")
            } else {
                logger.error("AUDIT VERIFICATION FAILED: \(result.findings.joined(separator: "; "))")
            }
        }
    }
}

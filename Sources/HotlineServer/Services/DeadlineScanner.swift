import HotlineStore
import Logging
import ServiceLifecycle

/// Runs the deadline scan every `interval` until graceful shutdown.
public struct DeadlineScanner: Service {
    let store: Store
    let interval: Duration
    let logger: Logger

    public init(store: Store, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await everyInterval(interval, logger: logger, what: "deadline scan") { [store, logger] in
            let result = try await store.scanDeadlines()
            let late = try await store.scanPoliceTransfers()
            if late > 0 { logger.info("110 linkage: \(late) escalations late, supervision opened") }
            if result != Store.ScanResult() {
                logger.info("deadline scan: \(result.dueSoon) due soon, \(result.overdue) overdue, \(result.signOverdue) sign overdue")
            }
        }
    }
}

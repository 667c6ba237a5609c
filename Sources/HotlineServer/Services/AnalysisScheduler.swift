import Foundation
import HotlineStore
import Logging
import ServiceLifecycle

/// Raises early warnings and generates the scheduled reports (日报, 周报, 月报) every `interval` until graceful shutdown;
/// job locks make one node do each piece of work.
public struct AnalysisScheduler: Service {
    let store: Store
    let interval: Duration
    let logger: Logger
    let holder = "analysis-" + UUID().uuidString

    public init(store: Store, interval: Duration, logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await everyInterval(interval, logger: logger, what: "analysis schedule") { [store, logger, holder] in
            // A database with tickets from before the assessment rollup fills it in, up to 100,000 tickets a round.
            let filled = try await store.fillAssessmentRollup(maxBatches: 200)
            if filled > 0 { logger.info("assessment rollup: \(filled) earlier tickets folded in") }
            let round = try await store.runScheduledAnalysis(holder: holder)
            if round.warnings > 0 || !round.reports.isEmpty {
                logger.info("analysis: \(round.warnings) warnings raised or grown; reports \(round.reports.joined(separator: ", "))")
            }
            for failure in round.failures { logger.error("scheduled report failed: \(failure)") }
        }
    }
}

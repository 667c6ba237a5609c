import Foundation
import HotlineStore
import Logging
import ServiceLifecycle

/// Builds the knowledge index and the advisor's memory (models, gazetteer, open tickets) as the server starts, so
/// the first agent to type does not pay for it. Requests that arrive earlier wait for the same load.
struct Warmup: Service {
    let advisor: Advisor
    let logger: Logger

    func run() async throws {
        let started = ContinuousClock.now
        do {
            try await advisor.knowledge.refresh(force: true)
            try await advisor.refresh(force: true)
            let elapsed = (ContinuousClock.now - started).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            logger.info("knowledge index and advisor ready: \(advisor.knowledge.count) live entries in \(String(format: "%.2f", seconds)) s")
        } catch is CancellationError {
            return
        } catch {
            logger.error("warm-up failed (it is retried on first use): \(error)")
        }
        // A service that returns would stop the application: stay until it shuts down.
        try? await gracefulShutdown()
    }
}

import Logging
import ServiceLifecycle

/// Runs `round` every `interval` until graceful shutdown. A failed round is logged as `what` failed and the next
/// one runs on time: background work never takes the server down. Shutdown ends it quietly.
func everyInterval(_ interval: Duration, logger: Logger, what: String, _ round: @escaping @Sendable () async throws -> Void) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await round()
            } catch is CancellationError {
                return
            } catch {
                logger.error("\(what) failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}

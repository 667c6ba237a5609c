import Foundation
import HotlineCore
import HotlineStore
import Logging
import ServiceLifecycle

/// Keeps the classifiers learning as tickets close: every `interval` it counts the tickets closed since the newest
/// model was trained and, past `retrainAfter`, trains new versions, center by center. One node trains a center's
/// kind at a time (a job lock in the database); the others pick the new models up through their advisors.
public struct ModelTrainer: Service {
    let store: Store
    let advisor: Advisor
    let retrainAfter: Int
    let interval: Duration
    let logger: Logger

    public init(store: Store, advisor: Advisor, retrainAfter: Int, interval: Duration, logger: Logger) {
        self.store = store
        self.advisor = advisor
        self.retrainAfter = retrainAfter
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await everyInterval(interval, logger: logger, what: "model training") { try await retrainIfDue() }
    }

    /// Trains each center's kind whose newest model is older than `retrainAfter` closed tickets of that center. A kind
    /// being trained elsewhere is skipped this round, and one center's failure is logged without stopping the others.
    /// The newest version counts, not the active one: after an admin rolls back to an earlier version, the trainer
    /// does not immediately train over the choice.
    func retrainIfDue() async throws {
        let models = try await store.models(centerId: nil)
        for center in try await store.units(visibleTo: .system) where center.kind == .center && center.active {
            for kind in ModelKind.allCases {
                let since = models.filter { $0.centerId == center.id && $0.kind == kind }.map(\.createdAt).max() ?? .distantPast
                do {
                    guard try await store.closedTickets(since: since, centerId: center.id) >= retrainAfter else { continue }
                    if let report = try await store.train(kind, centerId: center.id, note: "自动增量训练", unlessNewerThan: since, by: .system) {
                        logger.info("trained \(kind.rawValue) v\(report.model.version) for \(center.name): macro-F1 \(report.model.macroF1) on \(report.model.examples) tickets")
                    }
                } catch let error as HotlineError where error.code == .trainingInProgress {
                    continue
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    logger.error("training \(kind.rawValue) for \(center.name) failed: \(error)")
                }
            }
        }
        try await advisor.refresh(force: true)
    }
}

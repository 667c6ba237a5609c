import Foundation
import HotlineCore
import HotlineStore
import Logging
import ServiceLifecycle

/// Keeps the classifiers learning as tickets close: every `interval` it counts the tickets closed since the active
/// model was trained and, past `retrainAfter`, trains new versions. One node trains at a time (a job lock in the
/// database); the others pick the new models up through their advisors.
public struct ModelTrainer: Service {
    let store: Store
    let advisor: Advisor
    let retrainAfter: Int
    let interval: Duration
    let logger: Logger
    let holder = UUID().uuidString

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

    /// Trains each kind whose active model is older than `retrainAfter` closed tickets.
    func retrainIfDue() async throws {
        let models = try await store.models()
        for kind in ModelKind.allCases {
            let since = models.first { $0.kind == kind && $0.active }?.createdAt ?? .distantPast
            guard try await store.closedTickets(since: since) >= retrainAfter else { continue }
            guard try await store.tryLock("train-\(kind.rawValue)", holder: holder, seconds: 3600) else { continue }
            defer { Task { try? await store.unlock("train-\(kind.rawValue)", holder: holder) } }
            if let report = try await store.train(kind, note: "自动增量训练") {
                logger.info("trained \(kind.rawValue) v\(report.model.version): macro-F1 \(report.model.macroF1) on \(report.model.examples) tickets")
            }
        }
        try await advisor.refresh(force: true)
    }
}

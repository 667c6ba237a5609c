import Dispatch
import Foundation
import HotlineCore

/// What a training run produced.
public struct TrainingReport: Sendable {
    public var kind: ModelKind
    public var model: ModelInfo
    public var seconds: Double
}

extension Store {
    /// Trains a new version of `centerId`'s `kind` from that center's closed tickets, measures it on a stratified tenth
    /// held out, stores it and makes it active. Returns nil when there are fewer than `minimumExamples` examples or
    /// fewer than two labels. One training of a center's kind runs at a time across all nodes (a job lock): a second
    /// one is refused with `training_in_progress`. With `unlessNewerThan`, nothing is trained when a version newer
    /// than that appeared meanwhile (another node has just trained it).
    public func train(_ kind: ModelKind, centerId: Int64, minimumExamples: Int = 30, note: String? = nil, unlessNewerThan: Date? = nil,
                      by actor: Actor) async throws -> TrainingReport?
    {
        try actor.require(.manageModels).requireActs(forCenter: centerId)
        let lock = "train-\(centerId)-\(kind.rawValue)"
        let holder = UUID().uuidString
        guard try await tryLock(lock, holder: holder, seconds: 3600) else {
            throw HotlineError(.trainingInProgress, "该模型正在训练，请稍后再试 (this model is already being trained)")
        }
        do {
            if let seen = unlessNewerThan,
                try await models(centerId: centerId).contains(where: { $0.kind == kind && $0.createdAt > seen }) {
                try await unlock(lock, holder: holder)
                return nil
            }
            let report = try await trainHoldingLock(kind, centerId: centerId, minimumExamples: minimumExamples, note: note, by: actor)
            try await unlock(lock, holder: holder)
            return report
        } catch {
            try? await unlock(lock, holder: holder)
            throw error
        }
    }

    private func trainHoldingLock(_ kind: ModelKind, centerId: Int64, minimumExamples: Int, note: String?, by actor: Actor) async throws
        -> TrainingReport?
    {
        let examples = try await trainingExamples(kind, centerId: centerId)
        guard examples.count >= minimumExamples, Set(examples.map(\.label)).count >= 2 else { return nil }
        let started = ContinuousClock.now
        // Training takes seconds of CPU: run it off the cooperative pool so requests keep being served.
        let (data, report) = await Self.offload {
            let isTest = StratifiedSplit.holdout(labels: examples.map(\.label), testFraction: 0.1, seed: 42)
            let measured = ClassifierEvaluation.holdout(
                train: examples.indices.filter { !isTest[$0] }.map { examples[$0] }, test: examples.indices.filter { isTest[$0] }.map { examples[$0] })
            let model = TextClassifier.train(examples: examples)
            return (model.serialized(), measured.report)
        }
        let elapsed = ContinuousClock.now - started
        let info = try await saveModel(kind, centerId: centerId, data: data, examples: examples.count, accuracy: report.accuracy,
                                       macroF1: report.macroF1, labels: Set(examples.map(\.label)).count, note: note, by: actor)
        return TrainingReport(kind: kind, model: info, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }

    /// Runs CPU-heavy work on a global dispatch queue and waits for it.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }
}

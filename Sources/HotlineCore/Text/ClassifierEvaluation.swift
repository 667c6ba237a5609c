import Foundation

/// Measures the classifier the way `hotline eval classify` reports it: on a held-out set, or by stratified k-fold
/// cross-validation pooled over the folds.
public enum ClassifierEvaluation {
    /// A labelled example.
    public typealias Example = (text: String, label: String)

    /// What one evaluation found.
    public struct Outcome: Sendable {
        public var report: ClassificationReport
        /// Macro-F1 of each fold (one value for a held-out set).
        public var foldMacroF1: [Double]
        /// Mean seconds to train one model.
        public var trainSeconds: Double
        /// Mean milliseconds to classify one message.
        public var predictMilliseconds: Double
        /// Size of the last model as stored.
        public var modelBytes: Int
        public var featureCount: Int
    }

    /// Trains on `train` and scores `test`.
    public static func holdout(train: [Example], test: [Example], options: ClassifierOptions = ClassifierOptions()) -> Outcome {
        let labels = Array(Set(train.map(\.label) + test.map(\.label))).sorted()
        let (matrix, seconds, milliseconds, model) = score(train: train, test: test, labels: labels, options: options)
        let bytes = model.serialized().count
        return Outcome(report: ClassificationReport(matrix), foldMacroF1: [ClassificationReport(matrix).macroF1], trainSeconds: seconds,
                       predictMilliseconds: milliseconds, modelBytes: bytes, featureCount: model.featureCount)
    }

    /// Stratified `folds`-fold cross-validation over `examples`, seeded so that runs repeat.
    public static func crossValidate(_ examples: [Example], folds: Int, seed: UInt64 = 42, options: ClassifierOptions = ClassifierOptions()) -> Outcome {
        let labels = Array(Set(examples.map(\.label))).sorted()
        let assignment = StratifiedSplit.folds(labels: examples.map(\.label), folds: folds, seed: seed)
        var pooled = ConfusionMatrix(labels: labels)
        var perFold: [Double] = []
        var seconds = 0.0
        var milliseconds = 0.0
        var last: TextClassifier?
        for fold in 0..<folds {
            let train = examples.indices.filter { assignment[$0] != fold }.map { examples[$0] }
            let test = examples.indices.filter { assignment[$0] == fold }.map { examples[$0] }
            let (matrix, s, ms, model) = score(train: train, test: test, labels: labels, options: options)
            pooled.merge(matrix)
            perFold.append(ClassificationReport(matrix).macroF1)
            seconds += s
            milliseconds += ms
            last = model
        }
        return Outcome(report: ClassificationReport(pooled), foldMacroF1: perFold, trainSeconds: seconds / Double(max(folds, 1)),
                       predictMilliseconds: milliseconds / Double(max(folds, 1)), modelBytes: last?.serialized().count ?? 0,
                       featureCount: last?.featureCount ?? 0)
    }

    static func score(train: [Example], test: [Example], labels: [String], options: ClassifierOptions)
        -> (ConfusionMatrix, Double, Double, TextClassifier)
    {
        let started = ContinuousClock.now
        let model = TextClassifier.train(examples: train, options: options)
        let trained = ContinuousClock.now
        var matrix = ConfusionMatrix(labels: labels)
        for example in test { matrix.record(actual: example.label, predicted: model.classify(example.text)) }
        let done = ContinuousClock.now
        return (matrix, seconds(trained - started), seconds(done - trained) * 1000 / Double(max(test.count, 1)), model)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

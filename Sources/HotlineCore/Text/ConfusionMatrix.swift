/// Counts of (true class, predicted class) pairs over an evaluation set.
public struct ConfusionMatrix: Hashable, Sendable {
    /// Class names, in row/column order.
    public let labels: [String]
    /// `counts[actual][predicted]`.
    public private(set) var counts: [[Int]]

    /// An empty matrix over `labels`.
    public init(labels: [String]) {
        self.labels = labels
        counts = Array(repeating: Array(repeating: 0, count: labels.count), count: labels.count)
    }

    /// A matrix from paired actual and predicted labels; labels are the union, sorted.
    public init(actual: [String], predicted: [String]) {
        self.init(labels: Array(Set(actual).union(predicted)).sorted())
        for (truth, guess) in zip(actual, predicted) {
            record(actual: truth, predicted: guess)
        }
    }

    /// Adds one observation; unknown labels are ignored.
    public mutating func record(actual: String, predicted: String) {
        guard let row = labels.firstIndex(of: actual), let column = labels.firstIndex(of: predicted) else { return }
        counts[row][column] += 1
    }

    /// Adds another matrix over the same labels (e.g. the folds of a cross-validation).
    public mutating func merge(_ other: ConfusionMatrix) {
        for (row, actual) in other.labels.enumerated() {
            for (column, predicted) in other.labels.enumerated() where other.counts[row][column] > 0 {
                guard let r = labels.firstIndex(of: actual), let c = labels.firstIndex(of: predicted) else { continue }
                counts[r][c] += other.counts[row][column]
            }
        }
    }

    /// All observations.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
}

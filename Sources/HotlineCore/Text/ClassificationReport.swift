import Foundation

/// Accuracy, macro-F1 and per-class precision/recall/F1, computed from a confusion matrix the way
/// scikit-learn's `classification_report` does (an undefined ratio counts as 0).
public struct ClassificationReport: Hashable, Sendable {
    /// Scores of one class.
    public struct ClassScores: Hashable, Sendable {
        /// The class.
        public var label: String
        /// Correct / predicted as this class.
        public var precision: Double
        /// Correct / actually this class.
        public var recall: Double
        /// Harmonic mean of precision and recall.
        public var f1: Double
        /// Examples actually in this class.
        public var support: Int
    }

    /// Per-class scores, in label order.
    public let classes: [ClassScores]
    /// Share of examples predicted correctly.
    public let accuracy: Double
    /// Unweighted mean of the per-class F1.
    public let macroF1: Double
    /// Mean of the per-class F1 weighted by support.
    public let weightedF1: Double
    /// Examples evaluated.
    public let total: Int

    /// The report of `matrix`.
    public init(_ matrix: ConfusionMatrix) {
        let n = matrix.labels.count
        var classes: [ClassScores] = []
        var correct = 0
        for i in 0..<n {
            let truePositives = matrix.counts[i][i]
            correct += truePositives
            let predicted = (0..<n).reduce(0) { $0 + matrix.counts[$1][i] }
            let actual = matrix.counts[i].reduce(0, +)
            let precision = predicted == 0 ? 0 : Double(truePositives) / Double(predicted)
            let recall = actual == 0 ? 0 : Double(truePositives) / Double(actual)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            classes.append(ClassScores(label: matrix.labels[i], precision: precision, recall: recall, f1: f1, support: actual))
        }
        let total = matrix.total
        self.classes = classes
        self.total = total
        accuracy = total == 0 ? 0 : Double(correct) / Double(total)
        macroF1 = classes.isEmpty ? 0 : classes.reduce(0) { $0 + $1.f1 } / Double(classes.count)
        weightedF1 = total == 0 ? 0 : classes.reduce(0) { $0 + $1.f1 * Double($1.support) } / Double(total)
    }

    /// A plain-text table: accuracy, macro-F1, then one line per class (for CLI output).
    public func formatted() -> String {
        let width = max(8, classes.map { displayWidth($0.label) }.max() ?? 0)
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - displayWidth(text))) }
        func number(_ value: Double) -> String { String(format: "%9.3f", value) }
        var lines = [
            "accuracy  \(String(format: "%.4f", accuracy))  (\(total) examples)",
            "macro-F1  \(String(format: "%.4f", macroF1))",
            "weighted-F1 \(String(format: "%.4f", weightedF1))",
            "",
            pad("class") + "  precision    recall        f1  support",
        ]
        for scores in classes {
            lines.append(pad(scores.label) + number(scores.precision) + " " + number(scores.recall) + " " + number(scores.f1) + String(format: "%9d", scores.support))
        }
        return lines.joined(separator: "\n")
    }

    /// Terminal columns of `text`: CJK characters take two.
    private func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { $0 + (ScalarClass.of($1.value) == .ideograph ? 2 : 1) }
    }
}

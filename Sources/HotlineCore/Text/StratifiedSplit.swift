/// Seeded stratified splitting of labelled examples into folds or a train/test split, so every
/// part keeps the class proportions of the whole and runs repeat exactly.
public enum StratifiedSplit {
    /// The fold (0..<folds) of each example: per class, examples are shuffled and dealt round-robin.
    public static func folds(labels: [String], folds: Int, seed: UInt64) -> [Int] {
        var assignment = [Int](repeating: 0, count: labels.count)
        var generator = SeededGenerator(seed: seed)
        var offset = 0
        for label in Set(labels).sorted() {
            var members = labels.indices.filter { labels[$0] == label }
            members.seededShuffle(using: &generator)
            for (position, example) in members.enumerated() {
                assignment[example] = (position + offset) % folds
            }
            offset += members.count
        }
        return assignment
    }

    /// Whether each example is in the test part: per class, a shuffled `testFraction` (rounded).
    public static func holdout(labels: [String], testFraction: Double, seed: UInt64) -> [Bool] {
        var isTest = [Bool](repeating: false, count: labels.count)
        var generator = SeededGenerator(seed: seed)
        for label in Set(labels).sorted() {
            var members = labels.indices.filter { labels[$0] == label }
            members.seededShuffle(using: &generator)
            let testCount = Int((Double(members.count) * testFraction).rounded())
            for example in members.prefix(testCount) {
                isTest[example] = true
            }
        }
        return isTest
    }
}

/// One-vs-rest L2-regularised, L2-loss linear SVM trained by dual coordinate descent with shrinking
/// (Hsieh et al. 2008, as in liblinear's solver 1 and scikit-learn's `LinearSVC`). A bias feature of
/// value 1 is appended and regularised like the others, as liblinear does.
struct LinearSVMTrainer {
    var tolerance: Double
    var maxIterations: Int
    var seed: UInt64

    /// Trains one binary SVM: `positive[i]` says whether example i is in the class, `cost[i]` is its C.
    /// Returns the weights (dimension `dimension`) and the bias.
    func train(_ examples: [SparseVector], positive: [Bool], cost: [Double], dimension: Int) -> (weights: [Float], bias: Float) {
        let count = examples.count
        var weights = [Double](repeating: 0, count: dimension)
        var bias = 0.0
        var alpha = [Double](repeating: 0, count: count)
        let diagonal = cost.map { 0.5 / $0 }
        let sign = positive.map { $0 ? 1.0 : -1.0 }
        let quadratic = (0..<count).map { i in
            examples[i].values.reduce(1.0) { $0 + Double($1) * Double($1) } + diagonal[i]
        }
        var order = Array(0..<count)
        var active = count
        var maxOld = Double.infinity
        var minOld = -Double.infinity
        var generator = SeededGenerator(seed: seed)
        var iteration = 0
        while iteration < maxIterations {
            var maxNew = -Double.infinity
            var minNew = Double.infinity
            for position in 0..<active {
                let other = position + Int(generator.next() % UInt64(active - position))
                order.swapAt(position, other)
            }
            var position = 0
            while position < active {
                let i = order[position]
                let example = examples[i]
                var margin = bias
                for k in example.indices.indices {
                    margin += weights[Int(example.indices[k])] * Double(example.values[k])
                }
                let gradient = sign[i] * margin - 1 + alpha[i] * diagonal[i]
                var projected = gradient
                if alpha[i] == 0 {
                    if gradient > maxOld {
                        active -= 1
                        order.swapAt(position, active)
                        continue
                    }
                    projected = min(gradient, 0)
                }
                maxNew = max(maxNew, projected)
                minNew = min(minNew, projected)
                if abs(projected) > 1e-12 {
                    let old = alpha[i]
                    alpha[i] = max(old - gradient / quadratic[i], 0)
                    let step = (alpha[i] - old) * sign[i]
                    for k in example.indices.indices {
                        weights[Int(example.indices[k])] += step * Double(example.values[k])
                    }
                    bias += step
                }
                position += 1
            }
            iteration += 1
            if maxNew - minNew <= tolerance {
                if active == count { break }
                active = count
                maxOld = .infinity
                minOld = -.infinity
                continue
            }
            maxOld = maxNew <= 0 ? .infinity : maxNew
            minOld = minNew >= 0 ? -.infinity : minNew
        }
        _ = minOld
        return (weights.map { Float($0) }, Float(bias))
    }
}

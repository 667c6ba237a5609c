extension TextClassifier {
    /// The `limit` features of `text` that pushed it most towards `label`, strongest first
    /// (「因为文中出现了「噪音」「施工」」). Only features with a positive contribution are listed.
    public func explain(_ text: String, label: String, limit: Int = 5) -> [FeatureContribution] {
        guard let column = labels.firstIndex(of: label) else { return [] }
        let vector = vectorizer.vector(for: text)
        var contributions: [FeatureContribution] = []
        for k in vector.indices.indices {
            let feature = Int(vector.indices[k])
            let weight = vector.values[k] * weights[feature * labels.count + column]
            if weight > 0 {
                let term = vectorizer.terms[feature]
                contributions.append(FeatureContribution(feature: term.description, term: term, weight: Double(weight)))
            }
        }
        contributions.sort { $0.weight > $1.weight || ($0.weight == $1.weight && $0.term < $1.term) }
        return Array(contributions.prefix(limit))
    }
}

/// How much one n-gram of a text contributed to a class's score.
public struct FeatureContribution: Hashable, Sendable {
    /// The n-gram or word as text, e.g. 「噪音」.
    public var feature: String
    /// The term, for highlighting with `SnippetBuilder`.
    public var term: Term
    /// Feature value × class weight.
    public var weight: Double
}

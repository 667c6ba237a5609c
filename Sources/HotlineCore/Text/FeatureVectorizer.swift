import Foundation

/// A sparse feature vector: ascending feature numbers and their values.
struct SparseVector: Sendable {
    var indices: [Int32]
    var values: [Float]
}

/// TF-IDF of character n-grams (and words) with sublinear tf and L2 normalisation, as sklearn's
/// `TfidfVectorizer(analyzer="char", sublinear_tf=True)` with smooth idf = ln((1+n)/(1+df)) + 1.
struct FeatureVectorizer: Sendable {
    var tokenizer: Tokenizer
    var sublinearTF: Bool
    var vocabulary: [Term: Int32]
    var terms: [Term]
    var idf: [Float]

    init(tokenizer: Tokenizer, sublinearTF: Bool, terms: [Term], idf: [Float]) {
        self.tokenizer = tokenizer
        self.sublinearTF = sublinearTF
        self.terms = terms
        self.idf = idf
        var vocabulary: [Term: Int32] = [:]
        vocabulary.reserveCapacity(terms.count)
        for (number, term) in terms.enumerated() { vocabulary[term] = Int32(number) }
        self.vocabulary = vocabulary
    }

    static func tokenizer(for options: ClassifierOptions) -> Tokenizer {
        Tokenizer(
            unigrams: options.ngrams.contains(1) ? .all : .none, bigrams: options.ngrams.contains(2),
            trigrams: options.ngrams.contains(3), words: options.words)
    }

    /// Learns the vocabulary and idf from `texts`; terms are numbered in sorted order (deterministic).
    static func fit(_ texts: [String], options: ClassifierOptions) -> FeatureVectorizer {
        let tokenizer = tokenizer(for: options)
        var documentFrequency: [Term: Int32] = [:]
        for text in texts {
            var seen = Set<Term>()
            tokenizer.forEachToken(in: TextNormalizer().scalars(of: text)) { term, _, _ in
                if seen.insert(term).inserted { documentFrequency[term, default: 0] += 1 }
            }
        }
        let kept = documentFrequency.filter { $0.value >= Int32(options.minimumDocumentFrequency) }.keys.sorted()
        let n = Float(texts.count)
        let idf = kept.map { log((1 + n) / (1 + Float(documentFrequency[$0]!))) + 1 }
        return FeatureVectorizer(tokenizer: tokenizer, sublinearTF: options.sublinearTF, terms: kept, idf: idf)
    }

    /// The L2-normalised TF-IDF vector of `text`; unknown n-grams are ignored.
    func vector(for text: String) -> SparseVector {
        var counts: [Int32: Float] = [:]
        tokenizer.forEachToken(in: TextNormalizer().scalars(of: text)) { term, _, _ in
            if let number = vocabulary[term] { counts[number, default: 0] += 1 }
        }
        let indices = counts.keys.sorted()
        var values = indices.map { number -> Float in
            let tf = counts[number]!
            return (sublinearTF ? 1 + log(tf) : tf) * idf[Int(number)]
        }
        let norm = sqrt(values.reduce(0) { $0 + $1 * $1 })
        if norm > 0 {
            for index in values.indices { values[index] /= norm }
        }
        return SparseVector(indices: indices, values: values)
    }
}

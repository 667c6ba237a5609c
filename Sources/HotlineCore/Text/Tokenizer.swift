/// Splits Chinese text without spaces into overlapping character n-grams plus whole ASCII words.
///
/// Why n-grams rather than a word segmenter: they need no dictionary, so new words, estate names and
/// place names (滨江花园, 魅力之城) are found as soon as they are written; a query and a document
/// that share a word always share its bigrams. Bigrams carry most of the precision (公积 积金 vs
/// 公 积 金); unigrams give recall for one-character queries; trigrams help a classifier a little.
/// Runs of ASCII letters and digits stay whole ("12345", "wifi", "5g"). N-grams never cross
/// punctuation, spaces or a switch between Chinese and ASCII.
public struct Tokenizer: Sendable {
    /// When to emit single-character terms.
    public enum UnigramPolicy: Sendable, Hashable {
        /// Never.
        case none
        /// Only for a Chinese run of exactly one character ("水 费" → 水, 费).
        case isolated
        /// For every Chinese character.
        case all
    }

    /// Single-character terms.
    public var unigrams: UnigramPolicy
    /// Two-character terms.
    public var bigrams: Bool
    /// Three-character terms.
    public var trigrams: Bool
    /// Whole ASCII words and numbers.
    public var words: Bool

    /// A tokenizer; the default gives unigrams, bigrams and words.
    public init(unigrams: UnigramPolicy = .all, bigrams: Bool = true, trigrams: Bool = false, words: Bool = true) {
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.trigrams = trigrams
        self.words = words
    }

    /// The tokens of `text` with their scalar offsets, in order of position.
    public func tokens(in text: String) -> [Token] {
        var result: [Token] = []
        forEachToken(in: TextNormalizer().scalars(of: text)) { term, start, length in
            result.append(Token(term: term, range: start..<start + length))
        }
        return result
    }

    /// The terms of `text`, repeated as often as they occur.
    public func terms(in text: String) -> [Term] {
        var result: [Term] = []
        forEachToken(in: TextNormalizer().scalars(of: text)) { term, _, _ in result.append(term) }
        return result
    }

    /// Calls `body(term, start, length)` for every token of already normalised scalars.
    @inline(__always)
    public func forEachToken(in scalars: [UInt32], _ body: (Term, Int, Int) -> Void) {
        let count = scalars.count
        var index = 0
        while index < count {
            switch ScalarClass.of(scalars[index]) {
            case .separator:
                index += 1
            case .wordCharacter:
                let start = index
                while index < count, ScalarClass.of(scalars[index]) == .wordCharacter {
                    index += 1
                }
                if words {
                    body(Term(word: scalars[start..<index]), start, index - start)
                }
            case .ideograph:
                let start = index
                while index < count, ScalarClass.of(scalars[index]) == .ideograph {
                    index += 1
                }
                emitGrams(scalars, start, index, body)
            }
        }
    }

    @inline(__always)
    private func emitGrams(_ s: [UInt32], _ start: Int, _ end: Int, _ body: (Term, Int, Int) -> Void) {
        let runLength = end - start
        let wantUnigrams = unigrams == .all || (unigrams == .isolated && runLength == 1)
        for position in start..<end {
            if wantUnigrams {
                body(Term(gram: s[position]), position, 1)
            }
            if bigrams, position + 1 < end {
                body(Term(gram: s[position], s[position + 1]), position, 2)
            }
            if trigrams, position + 2 < end {
                body(Term(gram: s[position], s[position + 1], s[position + 2]), position, 3)
            }
        }
    }
}

/// Finds known phrases (place names, synonyms, trigger phrases) in text with a character trie.
///
/// Phrases and text are normalised the same way, so 「东湖区」 matches 「東湖區」 only if written
/// alike, but full-width/half-width and letter case never matter. The trie is walked from every
/// position; names are short (under ~20 characters), so this costs about as much as Aho–Corasick
/// and stays simple. Transitions live in one hash table keyed by (node, character).
public struct PhraseMatcher: Sendable {
    private var transitions: [UInt64: Int32] = [:]
    private var outputs: [[Int]] = [[]]
    /// The phrases as given, indexed by the numbers that matches report.
    public private(set) var phrases: [String] = []

    /// A matcher for `phrases`; empty phrases are ignored.
    public init(phrases: [String]) {
        for phrase in phrases {
            insert(phrase)
        }
    }

    /// Adds one phrase and returns its number.
    @discardableResult
    public mutating func insert(_ phrase: String) -> Int {
        let number = phrases.count
        phrases.append(phrase)
        let scalars = TextNormalizer().scalars(of: phrase)
        guard !scalars.isEmpty else { return number }
        var node: Int32 = 0
        for value in scalars {
            let key = UInt64(node) << 21 | UInt64(value)
            if let next = transitions[key] {
                node = next
            } else {
                let next = Int32(outputs.count)
                outputs.append([])
                transitions[key] = next
                node = next
            }
        }
        outputs[Int(node)].append(number)
        return number
    }

    /// Leftmost-longest, non-overlapping matches in `text` (offsets in Unicode scalars).
    public func longestMatches(in text: String) -> [PhraseMatch] {
        longestMatches(inNormalized: TextNormalizer().scalars(of: text))
    }

    /// Leftmost-longest, non-overlapping matches in already normalised scalars.
    public func longestMatches(inNormalized scalars: [UInt32]) -> [PhraseMatch] {
        var result: [PhraseMatch] = []
        var start = 0
        while start < scalars.count {
            var node: Int32 = 0
            var best: (end: Int, node: Int32)? = nil
            var position = start
            while position < scalars.count, let next = transitions[UInt64(node) << 21 | UInt64(scalars[position])] {
                node = next
                position += 1
                if !outputs[Int(node)].isEmpty {
                    best = (position, node)
                }
            }
            if let best {
                result.append(PhraseMatch(phrases: outputs[Int(best.node)], range: start..<best.end))
                start = best.end
            } else {
                start += 1
            }
        }
        return result
    }

    /// Every occurrence of every phrase, overlapping ones included, ordered by start then length.
    public func allMatches(in text: String) -> [PhraseMatch] {
        allMatches(inNormalized: TextNormalizer().scalars(of: text))
    }

    /// Every occurrence in already normalised scalars.
    public func allMatches(inNormalized scalars: [UInt32]) -> [PhraseMatch] {
        var result: [PhraseMatch] = []
        for start in scalars.indices {
            var node: Int32 = 0
            var position = start
            while position < scalars.count, let next = transitions[UInt64(node) << 21 | UInt64(scalars[position])] {
                node = next
                position += 1
                if !outputs[Int(node)].isEmpty {
                    result.append(PhraseMatch(phrases: outputs[Int(node)], range: start..<position))
                }
            }
        }
        return result
    }
}

/// One place where a phrase (or several phrases with the same normalised text) occurs.
public struct PhraseMatch: Hashable, Sendable {
    /// Numbers of the phrases that match here (more than one if they normalise alike).
    public var phrases: [Int]
    /// Offsets in Unicode scalars of the searched text.
    public var range: Range<Int>
}

/// Picks the ~80-character window of a text where query matches are densest and marks them
/// (摘要高亮), for search results and "similar ticket" lists.
public struct SnippetBuilder: Sendable {
    /// Length of the excerpt in characters (Unicode scalars).
    public var windowLength: Int
    /// Characters of context kept before the first match when the text is cut.
    public var leadingContext: Int

    /// A builder; 80 characters with up to 12 of them before the first match.
    public init(windowLength: Int = 80, leadingContext: Int = 12) {
        self.windowLength = windowLength
        self.leadingContext = leadingContext
    }

    /// The snippet of `text` highlighting occurrences of `terms` (e.g. `SearchHit.matchedTerms`).
    public func snippet(of text: String, matching terms: [Term]) -> Snippet {
        let source = Array(text.unicodeScalars)
        let wanted = Set(terms)
        let tokenizer = Tokenizer(
            unigrams: wanted.contains { $0.gramLength == 1 } ? .all : .none, bigrams: true,
            trigrams: wanted.contains { $0.gramLength == 3 }, words: true)
        var marks: [Range<Int>] = []
        tokenizer.forEachToken(in: source.map { TextNormalizer.fold($0.value) }) { term, start, length in
            guard wanted.contains(term) else { return }
            if let last = marks.last, start <= last.upperBound {
                marks[marks.count - 1] = last.lowerBound..<max(last.upperBound, start + length)
            } else {
                marks.append(start..<start + length)
            }
        }
        let window = bestWindow(count: source.count, marks: marks, source: source)
        var segments: [Snippet.Segment] = []
        var position = window.lowerBound
        func slice(_ range: Range<Int>) -> String {
            var view = String.UnicodeScalarView()
            view.append(contentsOf: source[range])
            return String(view)
        }
        for mark in marks where mark.overlaps(window) {
            let clipped = mark.clamped(to: window)
            if position < clipped.lowerBound {
                segments.append(.init(text: slice(position..<clipped.lowerBound), highlighted: false))
            }
            segments.append(.init(text: slice(clipped), highlighted: true))
            position = clipped.upperBound
        }
        if position < window.upperBound {
            segments.append(.init(text: slice(position..<window.upperBound), highlighted: false))
        }
        return Snippet(segments: segments, startsMidText: window.lowerBound > 0, endsMidText: window.upperBound < source.count, range: window)
    }

    /// The snippet of `text` for a raw query string (its bigrams, words and isolated characters).
    public func snippet(of text: String, query: String) -> Snippet {
        snippet(of: text, matching: SynonymTable.empty.weightedTerms(for: query).map(\.term))
    }

    /// The window covering the most highlighted characters, nudged to start after a sentence break.
    private func bestWindow(count: Int, marks: [Range<Int>], source: [Unicode.Scalar]) -> Range<Int> {
        guard count > windowLength else { return 0..<count }
        guard !marks.isEmpty else { return 0..<windowLength }
        var bestStart = 0
        var bestCover = -1
        for anchor in marks {
            let start = min(max(0, anchor.lowerBound - leadingContext), count - windowLength)
            let window = start..<start + windowLength
            var cover = 0
            var distinct = 0
            for mark in marks where mark.overlaps(window) {
                cover += mark.clamped(to: window).count
                distinct += 1
            }
            // Prefer windows with more separate matches, then more matched characters.
            let score = distinct * 1000 + cover
            if score > bestCover {
                bestCover = score
                bestStart = start
            }
        }
        let firstMark = marks.first { $0.lowerBound >= bestStart }?.lowerBound ?? bestStart
        for position in stride(from: firstMark - 1, through: bestStart, by: -1) where Self.isSentenceBreak(source[position]) {
            bestStart = position + 1
            break
        }
        return bestStart..<min(count, bestStart + windowLength)
    }

    private static func isSentenceBreak(_ scalar: Unicode.Scalar) -> Bool {
        "。！？；!?;\n".unicodeScalars.contains(scalar)
    }
}

/// One occurrence of a term in a text, with where it was found.
public struct Token: Hashable, Sendable {
    /// The term.
    public var term: Term
    /// Offsets in Unicode scalars of the original text (`text.unicodeScalars`), end exclusive.
    public var range: Range<Int>

    /// A token at `range`.
    public init(term: Term, range: Range<Int>) {
        self.term = term
        self.range = range
    }
}

extension String {
    /// The `String.Index` range for a range of Unicode-scalar offsets, clamped to the string.
    public func indexRange(ofScalarOffsets offsets: Range<Int>) -> Range<String.Index> {
        let scalars = unicodeScalars
        let count = scalars.count
        let lower = scalars.index(scalars.startIndex, offsetBy: min(max(offsets.lowerBound, 0), count))
        let upper = scalars.index(lower, offsetBy: min(max(offsets.upperBound, offsets.lowerBound), count) - min(max(offsets.lowerBound, 0), count))
        return lower..<upper
    }

    /// The substring at a range of Unicode-scalar offsets.
    public func substring(scalarOffsets offsets: Range<Int>) -> String {
        String(self[indexRange(ofScalarOffsets: offsets)])
    }
}

/// A short excerpt of a text with the matched parts marked, as segments rather than markup so the
/// caller escapes HTML itself.
public struct Snippet: Hashable, Sendable {
    /// A run of text that is either a match or plain context.
    public struct Segment: Hashable, Sendable {
        /// The text, exactly as in the source.
        public var text: String
        /// Whether this run matched the query.
        public var highlighted: Bool
    }

    /// The excerpt in order.
    public var segments: [Segment]
    /// Whether text was cut before the excerpt (show "…").
    public var startsMidText: Bool
    /// Whether text was cut after the excerpt.
    public var endsMidText: Bool
    /// Offsets in Unicode scalars of the excerpt in the source text.
    public var range: Range<Int>

    /// The excerpt as one string: `escape` applied to every run, matches wrapped in `open`/`close`,
    /// and `ellipsis` where text was cut (e.g. `rendered(open: "<mark>", close: "</mark>", escape: html)`).
    public func rendered(open: String, close: String, ellipsis: String = "…", escape: (String) -> String = { $0 }) -> String {
        var result = startsMidText ? ellipsis : ""
        for segment in segments {
            result += segment.highlighted ? open + escape(segment.text) + close : escape(segment.text)
        }
        return result + (endsMidText ? ellipsis : "")
    }
}

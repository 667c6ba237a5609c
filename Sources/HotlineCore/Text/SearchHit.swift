/// One result of a search.
public struct SearchHit: Hashable, Sendable {
    /// The entry's id.
    public var id: Int64
    /// The version of the entry that was indexed.
    public var version: Int64
    /// BM25F score; comparable only within one query.
    public var score: Float
    /// The query terms found in this entry, strongest first; feed them to `SnippetBuilder`.
    public var matchedTerms: [Term]
}

/// Which entries a search may return.
public enum SearchFilter: Sendable {
    /// Every entry.
    case none
    /// Only these ids (e.g. the entries visible to a unit).
    case allowedIDs(Set<Int64>)
    /// Only ids for which the predicate holds; called for candidates only, best first.
    case predicate(@Sendable (Int64) -> Bool)

    @inline(__always)
    func allows(_ id: Int64) -> Bool {
        switch self {
        case .none: return true
        case .allowedIDs(let ids): return ids.contains(id)
        case .predicate(let predicate): return predicate(id)
        }
    }
}

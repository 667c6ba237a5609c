/// Size figures of a `SearchIndex`, for monitoring and capacity planning.
public struct SearchIndexStatistics: Hashable, Sendable {
    /// Live entries.
    public var documents: Int
    /// Document slots including tombstones awaiting compaction.
    public var slots: Int
    /// Distinct terms.
    public var terms: Int
    /// Postings (term–document pairs).
    public var postings: Int
    /// Approximate heap bytes: postings, term table and per-slot arrays.
    public var estimatedBytes: Int
}

extension SearchIndex {
    /// Current size figures.
    public var statistics: SearchIndexStatistics {
        let postingCount = postings.reduce(0) { $0 + $1.slots.count }
        let postingBytes = postings.reduce(0) { $0 + $1.slots.capacity * 4 + $1.weights.capacity * 4 + 48 }
        // A Swift dictionary entry costs key + value, with load factor ≤ 0.75.
        let termTableBytes = termNumbers.capacity * (8 + 4) * 4 / 3
        let slotBytes = slotIDs.count * (8 + 8 + 1 + 16) + slotForID.capacity * 12 * 4 / 3
        return SearchIndexStatistics(
            documents: count, slots: slotIDs.count, terms: termNumbers.count, postings: postingCount,
            estimatedBytes: postingBytes + termTableBytes + slotBytes)
    }
}

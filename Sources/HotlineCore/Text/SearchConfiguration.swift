/// Scoring parameters of a `SearchIndex` (BM25F).
public struct SearchConfiguration: Hashable, Sendable {
    /// BM25 term-frequency saturation.
    public var k1: Float
    /// Per-field weight applied to term frequency before saturation (BM25F).
    public var boosts: [SearchField: Float]
    /// Per-field length normalisation, 0 (none) … 1 (full).
    public var lengthNormalization: [SearchField: Float]
    /// Fields whose single characters are indexed, for one-character queries and the fallback.
    public var unigramFields: Set<SearchField>
    /// Weight of single-character terms added when bigrams alone find fewer hits than asked for.
    public var unigramFallbackWeight: Float
    /// Compact postings when this share of document slots are deleted or superseded.
    public var compactionThreshold: Double

    /// Defaults tuned for short FAQ entries: title and question variants count more than the answer.
    public init(
        k1: Float = 1.2,
        boosts: [SearchField: Float] = [.title: 3, .variants: 2.5, .tags: 1.5, .body: 1],
        lengthNormalization: [SearchField: Float] = [.title: 0.5, .variants: 0.75, .tags: 0.3, .body: 0.75],
        unigramFields: Set<SearchField> = [.title, .variants, .tags],
        unigramFallbackWeight: Float = 0.3,
        compactionThreshold: Double = 0.2
    ) {
        self.k1 = k1
        self.boosts = boosts
        self.lengthNormalization = lengthNormalization
        self.unigramFields = unigramFields
        self.unigramFallbackWeight = unigramFallbackWeight
        self.compactionThreshold = compactionThreshold
    }
}

import Foundation

/// A possible duplicate (疑似重复件) of a new submission.
public struct DuplicateCandidate: Hashable, Sendable {
    /// What the decision rests on.
    public struct Evidence: Hashable, Sendable {
        /// Text similarity adjusted for place and time; compare with the index's threshold.
        public var score: Double
        /// Whether the places match (nil if either is unknown).
        public var samePlace: Bool?
        /// Days between the submissions (nil if either time is unknown).
        public var daysApart: Double?
        /// 「文本相似度0.82，同一地点，3天内」.
        public var explanation: String
    }

    /// The earlier submission's id.
    public var id: Int64
    /// Estimated Jaccard similarity of the texts' character shingles.
    public var textSimilarity: Double
    /// Combined score and reasons.
    public var evidence: Evidence
}

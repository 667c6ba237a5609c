import Foundation

/// How text similarity, place and time combine into one duplicate score (重复件判定).
///
/// Text alone is not enough: the same copy-pasted complaint sent about two different cities is two
/// matters, and two paraphrased complaints about the same estate in the same week are one. So the
/// text similarity (estimated Jaccard of character shingles) is multiplied by a place factor (same
/// place raises it, a different known place cuts it) and a time factor (recent raises it, old lowers
/// it). Unknown place or time is neutral.
public struct DuplicateScoring: Hashable, Sendable {
    /// Factor when both places are known and one contains the other (same code or a prefix of it).
    public var samePlaceFactor: Double
    /// Factor when both places are known and differ.
    public var differentPlaceFactor: Double
    /// Submissions this close in time count as recent.
    public var recentDays: Double
    /// Factor for recent pairs.
    public var recentFactor: Double
    /// Submissions further apart than this count as stale.
    public var staleDays: Double
    /// Factor for stale pairs.
    public var staleFactor: Double
    /// Estimated Jaccard from which a text counts as a near copy (「文本高度相似」).
    public var nearCopySimilarity: Double

    /// Defaults chosen on the labelled pair set in eval/ (see REPORT.md).
    public init(
        samePlaceFactor: Double = 1.3, differentPlaceFactor: Double = 0.25, recentDays: Double = 7, recentFactor: Double = 1.2,
        staleDays: Double = 90, staleFactor: Double = 0.6, nearCopySimilarity: Double = 0.5
    ) {
        self.samePlaceFactor = samePlaceFactor
        self.differentPlaceFactor = differentPlaceFactor
        self.recentDays = recentDays
        self.recentFactor = recentFactor
        self.staleDays = staleDays
        self.staleFactor = staleFactor
        self.nearCopySimilarity = nearCopySimilarity
    }

    /// Whether two place strings (region codes or names) denote the same place; nil if either is unknown.
    public static func samePlace(_ a: String?, _ b: String?) -> Bool? {
        guard let a = a.map(TextNormalizer().normalize), let b = b.map(TextNormalizer().normalize), !a.isEmpty, !b.isEmpty else { return nil }
        return a.hasPrefix(b) || b.hasPrefix(a)
    }

    /// The largest factor place and time can apply, for pruning candidates before scoring them.
    public var maximumFactor: Double {
        max(1, samePlaceFactor) * max(1, recentFactor)
    }

    /// The combined score and the reasons, e.g. 「文本相似度0.82，同一地点，3天内」.
    public func score(textSimilarity: Double, placeA: String?, placeB: String?, timeA: Date?, timeB: Date?) -> DuplicateCandidate.Evidence {
        var score = textSimilarity
        var reasons = [(textSimilarity >= nearCopySimilarity ? "文本高度相似" : "文本相似度") + String(format: "%.2f", textSimilarity)]
        let same = Self.samePlace(placeA, placeB)
        switch same {
        case true?:
            score *= samePlaceFactor
            reasons.append("同一地点")
        case false?:
            score *= differentPlaceFactor
            reasons.append("地点不同")
        case nil:
            break
        }
        var days: Double? = nil
        if let timeA, let timeB {
            let apart = abs(timeA.timeIntervalSince(timeB)) / 86_400
            days = apart
            if apart <= recentDays {
                score *= recentFactor
                reasons.append("\(max(1, Int(apart.rounded(.up))))天内")
            } else if apart > staleDays {
                score *= staleFactor
                reasons.append("相隔\(Int(apart))天")
            } else {
                reasons.append("相隔\(Int(apart))天")
            }
        }
        return DuplicateCandidate.Evidence(score: score, samePlace: same, daysApart: days, explanation: reasons.joined(separator: "，"))
    }
}

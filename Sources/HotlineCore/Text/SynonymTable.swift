/// Groups of equivalent terms (同义词) used to widen a search query: 医保 also finds 医疗保险.
///
/// Kept as plain data (`[[String]]`) so the app can store it in a table that administrators edit and
/// rebuild the table on change. Expansion happens at query time only, so editing a group never
/// requires re-indexing. A matched multi-character term adds the bigrams of each synonym at a lower
/// weight, spread over the synonym's bigrams so a long synonym does not outweigh the original.
public struct SynonymTable: Sendable {
    /// The groups as given.
    public let groups: [[String]]
    /// Weight of an expanded synonym relative to the words the user typed.
    public let expansionWeight: Float
    private let matcher: PhraseMatcher
    private let groupOfPhrase: [Int]

    /// A table from groups of equivalent terms; a term may belong to several groups.
    public init(groups: [[String]], expansionWeight: Float = 0.8) {
        self.groups = groups
        self.expansionWeight = expansionWeight
        var matcher = PhraseMatcher(phrases: [])
        var groupOfPhrase: [Int] = []
        for (group, terms) in groups.enumerated() {
            for term in terms where !term.isEmpty {
                matcher.insert(term)
                groupOfPhrase.append(group)
            }
        }
        self.matcher = matcher
        self.groupOfPhrase = groupOfPhrase
    }

    /// A table with no groups.
    public static let empty = SynonymTable(groups: [])

    /// A starting list of common 12345 equivalences that administrators can extend.
    public static let governmentServices = SynonymTable(groups: [
        ["公积金", "住房公积金"],
        ["医保", "医疗保险", "医疗保障"],
        ["社保", "社会保险"],
        ["城管", "城市管理", "城管局"],
        ["低保", "最低生活保障"],
        ["养老金", "养老保险金", "退休金"],
        ["物业", "物业公司", "物业管理"],
        ["噪音", "噪声", "扰民"],
        ["违建", "违章建筑", "违法建设", "违章搭建"],
        ["网约车", "网络预约出租汽车"],
        ["农民工", "务工人员"],
        ["欠薪", "拖欠工资", "讨薪"],
        ["停水", "断水"],
        ["停电", "断电"],
        ["学位", "入学名额"],
    ])

    /// The other members of every group containing `term`.
    public func synonyms(of term: String) -> [String] {
        let normalized = TextNormalizer().normalize(term)
        var result: [String] = []
        for terms in groups where terms.contains(where: { TextNormalizer().normalize($0) == normalized }) {
            for other in terms where TextNormalizer().normalize(other) != normalized && !result.contains(other) {
                result.append(other)
            }
        }
        return result
    }

    /// The synonym-table terms found in `text` (leftmost-longest) and what each can be replaced by.
    public func expansions(in text: String) -> [SynonymExpansion] {
        expansions(inNormalized: TextNormalizer().scalars(of: text), original: text)
    }

    func expansions(inNormalized scalars: [UInt32], original: String) -> [SynonymExpansion] {
        matcher.longestMatches(inNormalized: scalars).map { match in
            let matched = original.substring(scalarOffsets: match.range)
            var alternatives: [String] = []
            let matchedNormalized = TextNormalizer().normalize(matched)
            for phrase in match.phrases {
                for other in groups[groupOfPhrase[phrase]]
                where TextNormalizer().normalize(other) != matchedNormalized && !alternatives.contains(other) {
                    alternatives.append(other)
                }
            }
            return SynonymExpansion(matched: matched, range: match.range, alternatives: alternatives)
        }
    }

    /// Weighted query terms for `query`: its own bigrams, words and isolated unigrams at weight 1,
    /// plus the bigrams of synonyms of any table term it contains at `expansionWeight` or less.
    public func weightedTerms(for query: String) -> [WeightedTerm] {
        let scalars = TextNormalizer().scalars(of: query)
        let tokenizer = Tokenizer(unigrams: .isolated, bigrams: true, trigrams: false, words: true)
        var weights: [Term: (weight: Float, expansion: Bool)] = [:]
        var order: [Term] = []
        tokenizer.forEachToken(in: scalars) { term, _, _ in
            if let existing = weights[term] {
                weights[term] = (existing.weight + 1, false)
            } else {
                weights[term] = (1, false)
                order.append(term)
            }
        }
        for expansion in expansions(inNormalized: scalars, original: query) {
            let ownCount = max(1, expansion.range.count - 1)
            for alternative in expansion.alternatives {
                let terms = Self.indexTerms(of: alternative)
                guard !terms.isEmpty else { continue }
                let weight = expansionWeight * min(1, Float(ownCount) / Float(terms.count))
                for term in terms {
                    if let existing = weights[term] {
                        if existing.weight < weight { weights[term] = (weight, existing.expansion) }
                    } else {
                        weights[term] = (weight, true)
                        order.append(term)
                    }
                }
            }
        }
        return order.map { WeightedTerm(term: $0, weight: weights[$0]!.weight, isExpansion: weights[$0]!.expansion) }
    }

    /// Bigrams of a term, or its single character / word if it has no bigram.
    static func indexTerms(of text: String) -> [Term] {
        let terms = Tokenizer(unigrams: .isolated, bigrams: true, trigrams: false, words: true).terms(in: text)
        var seen = Set<Term>()
        return terms.filter { seen.insert($0).inserted }
    }
}

/// A synonym-table term found in a query and the terms it may be replaced by.
public struct SynonymExpansion: Hashable, Sendable {
    /// The text as written in the query.
    public var matched: String
    /// Offsets in Unicode scalars of the query.
    public var range: Range<Int>
    /// The other members of its group(s).
    public var alternatives: [String]
}

/// A query term with the weight it carries in scoring.
public struct WeightedTerm: Hashable, Sendable {
    /// The term.
    public var term: Term
    /// 1 per occurrence for typed terms, lower for synonym expansions.
    public var weight: Float
    /// Whether the term came only from a synonym.
    public var isExpansion: Bool
}

import Foundation

extension SearchIndex {
    /// The best `limit` entries for `query`, best first (ties by id), with the terms each matched.
    ///
    /// Scoring is term-at-a-time over bigram and word postings, rarest term first. Single
    /// characters are used only when the query has a one-character run, or as a low-weight fallback
    /// when bigrams find fewer than `limit` entries (typos, unusual wording).
    /// `synonyms` replaces the index's own table for this query (each center has its own).
    public func search(_ query: String, limit: Int = 10, filter: SearchFilter = .none, synonyms: SynonymTable? = nil) -> [SearchHit] {
        guard limit > 0, !slotIDs.isEmpty else { return [] }
        var terms = (synonyms ?? self.synonyms).weightedTerms(for: query)
        var scores = [Float](repeating: 0, count: slotIDs.count)
        var touched: [UInt32] = []
        accumulate(terms, into: &scores, touched: &touched)
        var hits = select(limit: limit, scores: scores, touched: touched, filter: filter)
        if hits.count < limit {
            let fallback = fallbackUnigrams(for: query, excluding: Set(terms.map(\.term)))
            if !fallback.isEmpty {
                accumulate(fallback, into: &scores, touched: &touched)
                terms += fallback
                hits = select(limit: limit, scores: scores, touched: touched, filter: filter)
            }
        }
        return hits.map { slot, score in
            SearchHit(id: slotIDs[Int(slot)], version: slotVersions[Int(slot)], score: score, matchedTerms: matched(terms, in: slot))
        }
    }

    /// Inverse document frequency of a term in this index (BM25's, never negative).
    func idf(documentFrequency df: Int) -> Float {
        let total = Float(slotIDs.count)
        return log(1 + (total - Float(df) + 0.5) / (Float(df) + 0.5))
    }

    private func accumulate(_ terms: [WeightedTerm], into scores: inout [Float], touched: inout [UInt32]) {
        var lists: [(number: Int, factor: Float)] = []
        for weighted in terms {
            guard let number = termNumbers[weighted.term] else { continue }
            let list = postings[Int(number)]
            lists.append((Int(number), weighted.weight * idf(documentFrequency: list.slots.count)))
        }
        lists.sort { $0.factor > $1.factor }
        scores.withUnsafeMutableBufferPointer { scores in
            for (number, factor) in lists {
                let list = postings[number]
                list.slots.withUnsafeBufferPointer { slots in
                    list.weights.withUnsafeBufferPointer { weights in
                        for index in 0..<slots.count {
                            let slot = Int(slots[index])
                            if scores[slot] == 0 { touched.append(UInt32(slot)) }
                            scores[slot] += factor * weights[index]
                        }
                    }
                }
            }
        }
    }

    private func select(limit: Int, scores: [Float], touched: [UInt32], filter: SearchFilter) -> [(UInt32, Float)] {
        var heap = TopK<UInt32>(capacity: limit)
        for slot in touched where slotAlive[Int(slot)] {
            let score = scores[Int(slot)]
            guard heap.accepts(score) else { continue }
            guard filter.allows(slotIDs[Int(slot)]) else { continue }
            heap.insert(slot, score: score, tieBreak: slotIDs[Int(slot)])
        }
        return heap.sorted()
    }

    private func fallbackUnigrams(for query: String, excluding known: Set<Term>) -> [WeightedTerm] {
        var seen = known
        var result: [WeightedTerm] = []
        Tokenizer(unigrams: .all, bigrams: false, words: false).forEachToken(in: TextNormalizer().scalars(of: query)) { term, _, _ in
            guard seen.insert(term).inserted, let number = termNumbers[term] else { return }
            // Characters in more than a tenth of the entries (的, 是, 办) add only noise.
            guard postings[Int(number)].slots.count * 10 < slotIDs.count else { return }
            result.append(WeightedTerm(term: term, weight: configuration.unigramFallbackWeight, isExpansion: false))
        }
        return result
    }

    private func matched(_ terms: [WeightedTerm], in slot: UInt32) -> [Term] {
        var found: [(Term, Float)] = []
        for weighted in terms {
            guard let number = termNumbers[weighted.term], let weight = postings[Int(number)].weight(of: slot) else { continue }
            found.append((weighted.term, weight * weighted.weight * idf(documentFrequency: postings[Int(number)].slots.count)))
        }
        return found.sorted { $0.1 > $1.1 }.map(\.0)
    }
}

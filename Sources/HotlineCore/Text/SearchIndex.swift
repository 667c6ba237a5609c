/// An in-memory BM25F index over knowledge-base entries, updated one entry at a time.
///
/// Each entry is indexed by its bigrams and words (and, for the title, variants and tags, its single
/// characters), with title and question variants boosted over the answer. Updates are keyed by
/// `(id, version)` and idempotent: replaying the same or an older version changes nothing, so every
/// server node can apply the same change feed in any order and converge. A replaced or removed entry
/// leaves a tombstoned slot that is skipped at query time; postings are compacted once tombstones
/// pass `compactionThreshold`. A value type: share it behind an actor or a `Mutex`.
public struct SearchIndex: Sendable {
    /// Scoring parameters.
    public let configuration: SearchConfiguration
    /// Synonyms applied to queries.
    public var synonyms: SynonymTable

    var termNumbers: [Term: Int32] = [:]
    var postings: [PostingList] = []
    var slotIDs: [Int64] = []
    var slotVersions: [Int64] = []
    var slotAlive: [Bool] = []
    var slotFieldLengths: [SIMD4<Float>] = []
    var slotForID: [Int64: UInt32] = [:]
    var removedVersions: [Int64: Int64] = [:]
    var fieldLengthSums = SIMD4<Float>(repeating: 0)
    var deadSlots = 0
    private let boosts: SIMD4<Float>
    private let lengthNormalization: SIMD4<Float>

    /// An empty index.
    public init(configuration: SearchConfiguration = SearchConfiguration(), synonyms: SynonymTable = .empty) {
        self.configuration = configuration
        self.synonyms = synonyms
        var boosts = SIMD4<Float>(repeating: 1)
        var normalization = SIMD4<Float>(repeating: 0.75)
        for field in SearchField.allCases {
            boosts[field.rawValue] = configuration.boosts[field] ?? 1
            normalization[field.rawValue] = configuration.lengthNormalization[field] ?? 0.75
        }
        self.boosts = boosts
        self.lengthNormalization = normalization
    }

    /// An index of `documents`; field-length averages are taken over all of them before weighting.
    public init(documents: [SearchDocument], configuration: SearchConfiguration = SearchConfiguration(), synonyms: SynonymTable = .empty) {
        self.init(configuration: configuration, synonyms: synonyms)
        var sums = SIMD4<Float>(repeating: 0)
        for document in documents {
            sums += Self.analyze(document, unigramFields: configuration.unigramFields).lengths
        }
        fieldLengthSums = sums
        let presetAverage = documents.isEmpty ? nil : sums / Float(documents.count)
        for document in documents {
            upsert(document, presetAverage: presetAverage)
        }
        fieldLengthSums = slotFieldLengths.indices.reduce(into: SIMD4<Float>(repeating: 0)) { sum, slot in
            if slotAlive[slot] { sum += slotFieldLengths[slot] }
        }
    }

    /// Live entries.
    public var count: Int { slotForID.count }

    /// The version held for `id`, if the entry is live.
    public func version(of id: Int64) -> Int64? {
        slotForID[id].map { slotVersions[Int($0)] }
    }

    /// Adds or replaces an entry; returns false (and changes nothing) if the index already has this
    /// or a newer version, or the entry was removed at this or a newer version.
    @discardableResult
    public mutating func upsert(_ document: SearchDocument) -> Bool {
        upsert(document, presetAverage: nil)
    }

    /// Removes an entry; `version` (if given) guards against a stale delete overtaking a newer upsert.
    @discardableResult
    public mutating func remove(id: Int64, version: Int64? = nil) -> Bool {
        guard let removedAt = version ?? slotForID[id].map({ slotVersions[Int($0)] }) else { return false }
        if let slot = slotForID[id] {
            guard slotVersions[Int(slot)] <= removedAt else { return false }
            retire(slot: slot)
            slotForID[id] = nil
        }
        if let previous = removedVersions[id], previous >= removedAt { return false }
        removedVersions[id] = removedAt
        compactIfNeeded()
        return true
    }

    @discardableResult
    private mutating func upsert(_ document: SearchDocument, presetAverage: SIMD4<Float>?) -> Bool {
        if let removed = removedVersions[document.id], removed >= document.version { return false }
        if let slot = slotForID[document.id] {
            guard slotVersions[Int(slot)] < document.version else { return false }
            retire(slot: slot)
        }
        removedVersions[document.id] = nil
        let analysis = Self.analyze(document, unigramFields: configuration.unigramFields)
        if presetAverage == nil { fieldLengthSums += analysis.lengths }
        let liveCount = Float(slotForID.count + 1)
        let average = presetAverage ?? fieldLengthSums / liveCount
        let slot = UInt32(slotIDs.count)
        slotIDs.append(document.id)
        slotVersions.append(document.version)
        slotAlive.append(true)
        slotFieldLengths.append(analysis.lengths)
        slotForID[document.id] = slot
        // BM25F: per-field length normalisation, boost, then one saturation for the summed frequency.
        var norms = SIMD4<Float>(repeating: 0)
        for field in 0..<4 {
            let averageLength = max(average[field], 1)
            let b = lengthNormalization[field]
            norms[field] = boosts[field] / (1 - b + b * analysis.lengths[field] / averageLength)
        }
        let k1 = configuration.k1
        for (term, frequencies) in analysis.frequencies {
            let pseudo = (frequencies * norms).sum()
            let number: Int32
            if let existing = termNumbers[term] {
                number = existing
            } else {
                number = Int32(postings.count)
                termNumbers[term] = number
                postings.append(PostingList())
            }
            postings[Int(number)].append(slot: slot, weight: pseudo / (k1 + pseudo))
        }
        return true
    }

    private mutating func retire(slot: UInt32) {
        slotAlive[Int(slot)] = false
        fieldLengthSums -= slotFieldLengths[Int(slot)]
        deadSlots += 1
    }

    private mutating func compactIfNeeded() {
        guard deadSlots > 64, Double(deadSlots) > configuration.compactionThreshold * Double(slotIDs.count) else { return }
        compact()
    }

    /// Drops tombstoned slots from every posting list and renumbers the rest (keeps order).
    public mutating func compact() {
        var newSlot = [UInt32](repeating: .max, count: slotIDs.count)
        var next: UInt32 = 0
        for slot in slotIDs.indices where slotAlive[slot] {
            newSlot[slot] = next
            next += 1
        }
        for number in postings.indices {
            var list = PostingList()
            let old = postings[number]
            for (index, slot) in old.slots.enumerated() where newSlot[Int(slot)] != .max {
                list.append(slot: newSlot[Int(slot)], weight: old.weights[index])
            }
            postings[number] = list
        }
        let keep = slotIDs.indices.filter { slotAlive[$0] }
        slotIDs = keep.map { slotIDs[$0] }
        slotVersions = keep.map { slotVersions[$0] }
        slotFieldLengths = keep.map { slotFieldLengths[$0] }
        slotAlive = [Bool](repeating: true, count: keep.count)
        slotForID = Dictionary(uniqueKeysWithValues: slotIDs.enumerated().map { ($1, UInt32($0)) })
        deadSlots = 0
    }

    struct Analysis {
        var frequencies: [Term: SIMD4<Float>]
        var lengths: SIMD4<Float>
    }

    static func analyze(_ document: SearchDocument, unigramFields: Set<SearchField>) -> Analysis {
        var frequencies: [Term: SIMD4<Float>] = [:]
        frequencies.reserveCapacity(document.body.unicodeScalars.count * 2)
        var lengths = SIMD4<Float>(repeating: 0)
        let texts: [(SearchField, String)] = [
            (.title, document.title), (.variants, document.variants.joined(separator: " ")),
            (.tags, document.tags.joined(separator: " ")), (.body, document.body),
        ]
        let normalizer = TextNormalizer()
        for (field, text) in texts where !text.isEmpty {
            let tokenizer = Tokenizer(unigrams: unigramFields.contains(field) ? .all : .isolated, bigrams: true, words: true)
            let index = field.rawValue
            tokenizer.forEachToken(in: normalizer.scalars(of: text)) { term, _, length in
                frequencies[term, default: SIMD4(repeating: 0)][index] += 1
                if length > 1 || !term.isGram { lengths[index] += 1 }
            }
        }
        return Analysis(frequencies: frequencies, lengths: lengths)
    }
}

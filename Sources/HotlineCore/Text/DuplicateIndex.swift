import Foundation

/// Finds earlier submissions about the same matter as a new one, by MinHash with LSH banding
/// (候选召回) and `DuplicateScoring` (place and time). Add and remove are cheap and keyed by id, so
/// the index can hold a sliding window of recent tickets and follow the database.
///
/// Same-matter complaints written by different people share few long shingles (estimated Jaccard of
/// character bigrams is often only 0.1–0.3), so the default bands have one row each: two texts become
/// candidates if they share any of the 128 minimum shingles, and the number of shared bands is exactly
/// the MinHash estimate, so no second pass is needed.
public struct DuplicateIndex: Sendable {
    /// Signature parameters.
    public let hasher: MinHasher
    /// Signature rows per LSH band (1 = best recall for paraphrases).
    public let rowsPerBand: Int
    /// How place and time adjust text similarity.
    public var scoring: DuplicateScoring

    private var buckets: [UInt64: [UInt32]] = [:]
    private var signatures: [[UInt32]] = []
    private var slotIDs: [Int64] = []
    private var slotAlive: [Bool] = []
    private var places: [String?] = []
    private var times: [Date?] = []
    private var slotForID: [Int64: UInt32] = [:]

    /// An empty index.
    public init(hasher: MinHasher = MinHasher(), rowsPerBand: Int = 1, scoring: DuplicateScoring = DuplicateScoring()) {
        self.hasher = hasher
        self.rowsPerBand = max(1, rowsPerBand)
        self.scoring = scoring
    }

    /// Submissions held.
    public var count: Int { slotForID.count }

    /// Adds (or replaces) a submission.
    public mutating func add(id: Int64, text: String, place: String? = nil, time: Date? = nil) {
        add(id: id, signature: hasher.signature(of: text).values, place: place, time: time)
    }

    /// Adds (or replaces) a submission whose signature was computed already (by this index's hasher).
    public mutating func add(id: Int64, signature: [UInt32], place: String? = nil, time: Date? = nil) {
        remove(id: id)
        let slot = UInt32(signatures.count)
        signatures.append(signature)
        slotIDs.append(id)
        slotAlive.append(true)
        places.append(place)
        times.append(time)
        slotForID[id] = slot
        for key in bandKeys(signature) {
            buckets[key, default: []].append(slot)
        }
    }

    /// Changes a submission's place (the gazetteer changed); unknown ids are ignored.
    public mutating func setPlace(id: Int64, place: String?) {
        guard let slot = slotForID[id] else { return }
        places[Int(slot)] = place
    }

    /// Removes a submission; unknown ids are ignored.
    public mutating func remove(id: Int64) {
        guard let slot = slotForID.removeValue(forKey: id) else { return }
        slotAlive[Int(slot)] = false
        for key in bandKeys(signatures[Int(slot)]) {
            buckets[key]?.removeAll { $0 == slot }
            if buckets[key]?.isEmpty == true { buckets[key] = nil }
        }
        signatures[Int(slot)] = []
    }

    /// Earlier submissions whose combined score reaches `threshold` (0.07 measured best, REPORT.md), best first.
    public func candidates(
        for text: String, place: String? = nil, time: Date? = nil, threshold: Double = 0.07, limit: Int = 10, excluding excludedID: Int64? = nil
    ) -> [DuplicateCandidate] {
        candidates(signature: hasher.signature(of: text).values, place: place, time: time, threshold: threshold, limit: limit, excluding: excludedID)
    }

    /// The candidates for a signature computed already (by this index's hasher).
    public func candidates(
        signature: [UInt32], place: String? = nil, time: Date? = nil, threshold: Double = 0.07, limit: Int = 10, excluding excludedID: Int64? = nil
    ) -> [DuplicateCandidate] {
        guard signature.count == hasher.permutations else { return [] }
        // Dense counters: one increment per bucket entry, the dominant cost at scale.
        var sharedBands = [UInt16](repeating: 0, count: signatures.count)
        var touched: [UInt32] = []
        for key in bandKeys(signature) {
            guard let bucket = buckets[key] else { continue }
            for slot in bucket {
                if sharedBands[Int(slot)] == 0 { touched.append(slot) }
                sharedBands[Int(slot)] &+= 1
            }
        }
        let bandCount = hasher.permutations / rowsPerBand
        let minimumShared = rowsPerBand == 1 ? Int((threshold / scoring.maximumFactor * Double(bandCount)).rounded(.up)) : 1
        var found: [DuplicateCandidate] = []
        for slot in touched {
            let shared = Int(sharedBands[Int(slot)])
            guard shared >= minimumShared else { continue }
            let id = slotIDs[Int(slot)]
            guard id != excludedID, slotAlive[Int(slot)] else { continue }
            // With one row per band the shared-band count is the MinHash estimate; otherwise compare.
            let similarity = rowsPerBand == 1
                ? Double(shared) / Double(bandCount) : MinHasher.similarity(signature, signatures[Int(slot)])
            let evidence = scoring.score(textSimilarity: similarity, placeA: place, placeB: places[Int(slot)], timeA: time, timeB: times[Int(slot)])
            if evidence.score >= threshold {
                found.append(DuplicateCandidate(id: id, textSimilarity: similarity, evidence: evidence))
            }
        }
        found.sort { $0.evidence.score > $1.evidence.score || ($0.evidence.score == $1.evidence.score && $0.id < $1.id) }
        return Array(found.prefix(limit))
    }

    private func bandKeys(_ signature: [UInt32]) -> [UInt64] {
        let bandCount = signature.count / rowsPerBand
        return (0..<bandCount).compactMap { band in
            var key = UInt64(band) &* 0x9E37_79B9_7F4A_7C15
            var allEmpty = true
            for row in 0..<rowsPerBand {
                let value = signature[band * rowsPerBand + row]
                if value != .max { allEmpty = false }
                key = MinHasher.mix(key ^ UInt64(value))
            }
            return allEmpty ? nil : key
        }
    }
}

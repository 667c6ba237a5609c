/// MinHash signatures of character shingles, estimating the Jaccard similarity of two texts from
/// the share of equal signature entries (Broder 1997). Shingles are n-grams over the text's letters,
/// digits and Chinese characters with punctuation and spaces removed; hash functions are seeded, so
/// signatures are stable across processes and can be stored.
public struct MinHasher: Hashable, Sendable {
    /// Signature length (number of hash functions).
    public let permutations: Int
    /// Characters per shingle.
    public let shingleLength: Int
    private let seeds: [UInt64]

    /// A hasher; the same arguments always give the same signatures.
    public init(permutations: Int = 128, shingleLength: Int = 2, seed: UInt64 = 0x12345) {
        self.permutations = permutations
        self.shingleLength = max(1, shingleLength)
        var generator = SeededGenerator(seed: seed)
        seeds = (0..<permutations).map { _ in generator.next() }
    }

    /// The distinct shingle hashes of `text`.
    public func shingles(of text: String) -> Set<UInt64> {
        let letters = TextNormalizer().scalars(of: text).filter { ScalarClass.of($0) != .separator }
        var result = Set<UInt64>()
        guard !letters.isEmpty else { return result }
        let length = min(shingleLength, letters.count)
        result.reserveCapacity(letters.count)
        for start in 0...(letters.count - length) {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for offset in 0..<length {
                hash = (hash ^ UInt64(letters[start + offset])) &* 0x0000_0100_0000_01B3
            }
            result.insert(hash)
        }
        return result
    }

    /// The signature of `text` and how many distinct shingles it has.
    public func signature(of text: String) -> (values: [UInt32], shingleCount: Int) {
        let shingles = shingles(of: text)
        var values = [UInt32](repeating: .max, count: permutations)
        for shingle in shingles {
            for index in 0..<permutations {
                let hashed = UInt32(truncatingIfNeeded: Self.mix(shingle ^ seeds[index]) >> 32)
                if hashed < values[index] { values[index] = hashed }
            }
        }
        return (values, shingles.count)
    }

    /// Estimated Jaccard similarity: the share of positions where two signatures agree.
    public static func similarity(_ a: [UInt32], _ b: [UInt32]) -> Double {
        guard a.count == b.count, !a.isEmpty else { return 0 }
        var equal = 0
        for index in a.indices where a[index] == b[index] && a[index] != .max { equal += 1 }
        return Double(equal) / Double(a.count)
    }

    /// SplitMix64's finaliser: a fast, well-distributed 64-bit mix.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

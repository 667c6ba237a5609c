/// A deterministic random-number generator (SplitMix64) so shuffles, folds and hashes repeat exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator starting from `seed`.
    public init(seed: UInt64) {
        state = seed
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array {
    /// A Fisher–Yates shuffle with a fixed algorithm, so seeded results never depend on the stdlib version.
    mutating func seededShuffle(using generator: inout SeededGenerator) {
        guard count > 1 else { return }
        for position in stride(from: count - 1, to: 0, by: -1) {
            let other = Int(generator.next() % UInt64(position + 1))
            swapAt(position, other)
        }
    }
}

/// One index term packed into 64 bits: a CJK n-gram of one to three characters, or a whole ASCII word.
///
/// Packing avoids allocating a `String` per token, which matters when indexing 100,000 entries.
/// Layout: bit 62 set = n-gram, bits 60–61 = length, then three 20-bit scalars; bit 62 clear = word,
/// either ten 6-bit characters `[0-9a-z]` or (bit 61 set) a 60-bit hash of a longer or non-ASCII word.
public struct Term: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The packed value; stable across runs, so it can be stored in a serialised model.
    public let rawValue: UInt64

    /// A term from its packed value.
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The n-gram of the given normalised scalars (1–3 of them, each below 0x100000).
    @inline(__always)
    public init(gram a: UInt32) {
        rawValue = 1 << 62 | 1 << 60 | UInt64(a & 0xFFFFF) << 40
    }

    /// A two-character n-gram.
    @inline(__always)
    public init(gram a: UInt32, _ b: UInt32) {
        rawValue = 1 << 62 | 2 << 60 | UInt64(a & 0xFFFFF) << 40 | UInt64(b & 0xFFFFF) << 20
    }

    /// A three-character n-gram.
    @inline(__always)
    public init(gram a: UInt32, _ b: UInt32, _ c: UInt32) {
        rawValue = 1 << 62 | 3 << 60 | UInt64(a & 0xFFFFF) << 40 | UInt64(b & 0xFFFFF) << 20 | UInt64(c & 0xFFFFF)
    }

    /// A whole word from normalised word characters.
    public init<C: Collection>(word scalars: C) where C.Element == UInt32 {
        var packed: UInt64 = 0
        var packable = scalars.count <= 10
        if packable {
            for value in scalars {
                let code: UInt64
                switch value {
                case 0x30...0x39: code = UInt64(value - 0x30) + 1
                case 0x61...0x7A: code = UInt64(value - 0x61) + 11
                default: code = 0
                }
                if code == 0 {
                    packable = false
                    break
                }
                packed = packed << 6 | code
            }
        }
        if packable {
            rawValue = packed
        } else {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for value in scalars {
                hash = (hash ^ UInt64(value)) &* 0x0000_0100_0000_01B3
            }
            rawValue = 1 << 61 | (hash & ((1 << 60) - 1))
        }
    }

    /// A word term from a string such as "12345" or "wifi" (normalised first).
    public init(word text: String) {
        self.init(word: TextNormalizer().scalars(of: text))
    }

    /// Whether this is a CJK n-gram (as opposed to a word).
    public var isGram: Bool { rawValue & (1 << 62) != 0 }

    /// Characters in an n-gram (1–3), or 0 for a word.
    public var gramLength: Int { isGram ? Int(rawValue >> 60 & 3) : 0 }

    /// The text the term stands for; a hashed long word reads as `#` and hex digits.
    public var description: String {
        var view = String.UnicodeScalarView()
        if isGram {
            let shifts: [UInt64] = [40, 20, 0]
            for index in 0..<gramLength {
                if let scalar = Unicode.Scalar(UInt32(rawValue >> shifts[index] & 0xFFFFF)) {
                    view.append(scalar)
                }
            }
            return String(view)
        }
        if rawValue & (1 << 61) != 0 {
            return "#" + String(rawValue & ((1 << 60) - 1), radix: 16)
        }
        var codes: [UInt64] = []
        var rest = rawValue
        while rest != 0 {
            codes.append(rest & 63)
            rest >>= 6
        }
        for code in codes.reversed() {
            let value = code <= 10 ? UInt32(code - 1) + 0x30 : UInt32(code - 11) + 0x61
            view.append(Unicode.Scalar(value)!)
        }
        return String(view)
    }

    /// Orders by packed value.
    public static func < (lhs: Term, rhs: Term) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

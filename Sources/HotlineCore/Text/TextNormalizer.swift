/// Folds text into the canonical form every analyser works on, one scalar in for one scalar out.
///
/// Full-width ASCII (ＡＢＣ１２３，) becomes half-width, Latin letters are lowercased, Chinese and
/// typographic punctuation (。、“”《》【】…—) maps to ASCII punctuation, and every kind of whitespace
/// or control character becomes a plain space. Because the mapping is one-to-one per Unicode scalar,
/// an offset into the normalised scalars is also an offset into the original text, so matches can be
/// highlighted in what the citizen actually wrote. Traditional characters are not folded (繁→简).
public struct TextNormalizer: Sendable {
    /// A normaliser (stateless).
    public init() {}

    /// The normalised scalar values of `text`, as many as `text.unicodeScalars` has.
    public func scalars(of text: String) -> [UInt32] {
        var out: [UInt32] = []
        out.reserveCapacity(text.utf8.count / 2 + 8)
        for scalar in text.unicodeScalars {
            out.append(Self.fold(scalar.value))
        }
        return out
    }

    /// `text` normalised, as a string (same number of scalars).
    public func normalize(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for value in scalars(of: text) {
            result.append(Unicode.Scalar(value) ?? " ")
        }
        return String(result)
    }

    /// The canonical form of one scalar value.
    @inline(__always)
    public static func fold(_ value: UInt32) -> UInt32 {
        switch value {
        case 0x41...0x5A:
            return value + 0x20
        case 0x61...0x7A, 0x30...0x39:
            return value
        case 0xFF01...0xFF5E:
            let ascii = value - 0xFEE0
            return (0x41...0x5A).contains(ascii) ? ascii + 0x20 : ascii
        case 0x00...0x20, 0x7F...0xA0, 0x2000...0x200B, 0x2028, 0x2029, 0x3000, 0xFEFF:
            return 0x20
        case 0x3002, 0xFF61: return 0x2E  // 。 → .
        case 0x3001, 0xFF64: return 0x2C  // 、 → ,
        case 0x201C, 0x201D, 0x300C, 0x300D, 0x300E, 0x300F: return 0x22  // “ ” 「 」 → "
        case 0x2018, 0x2019: return 0x27
        case 0x300A, 0x3008: return 0x3C  // 《 〈 → <
        case 0x300B, 0x3009: return 0x3E
        case 0x3010, 0x3014, 0x3016: return 0x5B  // 【 〔 〖 → [
        case 0x3011, 0x3015, 0x3017: return 0x5D
        case 0x2026, 0x00B7, 0x30FB: return 0x2E  // … · → .
        case 0x2010...0x2015, 0x2212: return 0x2D  // dashes → -
        default:
            return value
        }
    }
}

/// How the tokenizer treats one normalised scalar.
enum ScalarClass: Sendable {
    /// Han ideographs, kana and hangul: written without spaces, so indexed as n-grams.
    case ideograph
    /// ASCII letters and digits (and other scripts' letters): joined into whole words.
    case wordCharacter
    /// Punctuation, symbols and spaces: break both n-grams and words.
    case separator

    @inline(__always)
    static func of(_ value: UInt32) -> ScalarClass {
        switch value {
        case 0x30...0x39, 0x61...0x7A:
            return .wordCharacter
        case 0x00...0x7F:
            return .separator
        case 0x3007, 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF,
            0x20000...0x323AF:
            return .ideograph
        case 0xC0...0x24F, 0x370...0x3FF, 0x400...0x4FF:
            return .wordCharacter
        default:
            return .separator
        }
    }
}

/// Masks identity fields for display (138****1234).
public enum Masking {
    /// Keeps the first 3 and last 4 digits of a phone number.
    public static func phone(_ phone: String) -> String {
        let chars = Array(phone)
        guard chars.count > 7 else { return String(repeating: "*", count: max(chars.count - 2, 1)) + String(chars.suffix(2)) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    /// Keeps the family name (the first character).
    public static func name(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(name.count - 1, 1))
    }

    /// Keeps the first 3 and last 4 characters of an ID number.
    public static func idNumber(_ id: String) -> String {
        let chars = Array(id)
        guard chars.count > 7 else { return String(repeating: "*", count: chars.count) }
        return String(chars.prefix(3)) + String(repeating: "*", count: chars.count - 7) + String(chars.suffix(4))
    }

    /// Text shown to the public (an Open311 request's description): every run of seven or more digits — a phone, an ID or a
    /// card number written into the message — keeps its first 3 and last 4 characters.
    public static func freeText(_ text: String) -> String {
        var out = ""
        var run = ""
        func flush() {
            out += run.count >= 7 ? idNumber(run) : run
            run = ""
        }
        for character in text {
            if character.isASCII && (character.isNumber || (!run.isEmpty && (character == "X" || character == "x"))) {
                run.append(character)
            } else {
                flush()
                out.append(character)
            }
        }
        flush()
        return out
    }
}

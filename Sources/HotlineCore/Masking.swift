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

    /// Text shown to the public (an Open311 request's description): every number of seven or more digits written into
    /// the message — a phone, an ID or a card number, also with spaces or dashes inside it, in half- or full-width
    /// digits — keeps only its first 3 and last 4 characters (eleven and more) or first and last 2 (shorter); an e-mail
    /// address keeps only its domain.
    public static func freeText(_ text: String) -> String {
        let characters = Array(text)
        var out = ""
        var index = 0
        func isDigit(_ c: Character) -> Bool { c.wholeNumberValue != nil && c.isNumber }
        while index < characters.count {
            let c = characters[index]
            if isDigit(c) {
                // A run of digits, with single spaces or dashes between digits, and an ID's final X.
                var end = index
                var digits = 0
                while end < characters.count {
                    if isDigit(characters[end]) { digits += 1; end += 1; continue }
                    if (characters[end] == " " || characters[end] == "-"), end + 1 < characters.count, isDigit(characters[end + 1]) { end += 1; continue }
                    if (characters[end] == "X" || characters[end] == "x"), digits >= 14 { end += 1 }
                    break
                }
                let run = String(characters[index..<end])
                if digits >= 7 {
                    let kept = run.filter { $0 != " " && $0 != "-" }
                    out += digits >= 11 ? idNumber(kept) : String(kept.prefix(2)) + String(repeating: "*", count: kept.count - 4) + String(kept.suffix(2))
                } else {
                    out += run
                }
                index = end
                continue
            }
            if c == "@", let local = out.lastIndex(where: { !($0.isASCII && ($0.isLetter || $0.isNumber || ".-_+".contains($0))) }).map({ out.index(after: $0) }) ?? (out.isEmpty ? nil : out.startIndex),
               local < out.endIndex {
                out.replaceSubrange(local..., with: "***")
            }
            out.append(c)
            index += 1
        }
        return out
    }
}

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
}

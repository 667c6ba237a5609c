import Foundation

/// Human-readable ticket numbers (20261122000017) and the secret query codes citizens track them with.
public enum TicketNumber {
    /// `yyyyMMdd` of the Shanghai date followed by the day's six-digit sequence.
    public static func make(on date: CivilDate, sequence: Int64) -> String {
        dayKey(date) + padded(sequence, 6)
    }

    /// The day key the sequence is counted in.
    public static func dayKey(_ date: CivilDate) -> String {
        padded(Int64(date.year), 4) + padded(Int64(date.month), 2) + padded(Int64(date.day), 2)
    }

    static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// Letters and digits that cannot be mistaken for one another when read over the phone.
    static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ")

    /// A fresh eight-character query code.
    public static func newQueryCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<8).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Whether `text` looks like a ticket number.
    public static func isWellFormed(_ text: String) -> Bool {
        text.count == 14 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

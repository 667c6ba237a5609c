import Foundation

/// Human-readable ticket numbers (20261122000017) and the secret query codes citizens track them with.
public enum TicketNumber {
    /// `yyyyMMdd` of the Shanghai date followed by the day's six-digit sequence.
    public static func make(on date: CivilDate, sequence: Int64) -> String {
        String(format: "%04d%02d%02d%06lld", date.year, date.month, date.day, sequence)
    }

    /// The day key the sequence is counted in.
    public static func dayKey(_ date: CivilDate) -> String {
        String(format: "%04d%02d%02d", date.year, date.month, date.day)
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

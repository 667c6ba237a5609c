import Foundation

/// A CSV file read per RFC 4180: quoted fields with doubled quotes, commas and line breaks inside
/// quotes, CRLF or LF line ends, and an optional UTF-8 byte-order mark. The first row is the header.
public struct CSVTable: Sendable {
    /// Column names from the first row.
    public let header: [String]
    /// The data rows (blank lines skipped); short rows are padded with empty fields.
    public let rows: [[String]]

    /// Parses `text`.
    public init(text: String) {
        var records = Self.records(in: text)
        header = records.isEmpty ? [] : records.removeFirst()
        let width = header.count
        rows = records.map { $0.count >= width ? $0 : $0 + Array(repeating: "", count: width - $0.count) }
    }

    /// Reads and parses the file at `url` (UTF-8).
    public init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    /// The index of a column, by exact name.
    public func column(_ name: String) -> Int? {
        header.firstIndex(of: name)
    }

    /// Every value of a column, or nil if there is no such column.
    public func values(of name: String) -> [String]? {
        guard let index = column(name) else { return nil }
        return rows.map { $0[index] }
    }

    /// All records of `text`, header included.
    public static func records(in text: String) -> [[String]] {
        CSV.parse(text)
    }
}

import Foundation

/// A small RFC 4180 reader and field writer: quoted fields, doubled quotes, CRLF or LF, and a leading BOM.
public enum CSV {
    /// One field as written: quoted when it holds a comma, a quote or a line break. With `guardingFormulas` (what a
    /// person opens in a spreadsheet) a leading =, +, -, @, tab or CR is prefixed with an apostrophe, so that a
    /// spreadsheet never runs a citizen's text as a formula; without it (what a script reads) the text is kept.
    public static func field(_ text: String, guardingFormulas: Bool = true) -> String {
        var value = text
        if guardingFormulas, let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The rows of `text`; blank lines are skipped.
    public static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var chars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let p = pending { pending = nil; return p }
            return chars.next()
        }
        func endRow() {
            row.append(field)
            field = ""
            if !(row.count == 1 && row[0].isEmpty) { rows.append(row) }
            row = []
        }
        while let c = next() {
            if quoted {
                if c == "\"" {
                    if let n = next() {
                        if n == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = n }
                    } else {
                        quoted = false
                    }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"" where field.isEmpty: quoted = true
            case ",": row.append(field); field = ""
            case "\r": break
            case "\n": endRow()
            case "\u{FEFF}" where rows.isEmpty && row.isEmpty && field.isEmpty: break
            default: field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { endRow() }
        return rows
    }
}

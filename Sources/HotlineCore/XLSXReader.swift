import Foundation
import ZIPFoundation

/// Reads the first worksheet of an Excel (.xlsx) file into rows of text, from the bytes in memory:
/// shared strings, inline strings and numbers, cells placed by their reference (so gaps stay empty).
public enum XLSXReader {
    /// The rows of the first sheet, the header row first; a 400 when the bytes are not a workbook.
    public static func rows(of data: Data) throws -> [[String]] {
        let archive: Archive
        do {
            archive = try Archive(data: data, accessMode: .read)
        } catch {
            throw HotlineError.invalid("file", "不是有效的xlsx文件 (not an .xlsx workbook)")
        }
        func text(_ path: String) throws -> String? {
            guard let entry = archive[path] else { return nil }
            var bytes = Data()
            _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) }
            return String(decoding: bytes, as: UTF8.self)
        }
        let sheetPath = try firstSheetPath(text) ?? "xl/worksheets/sheet1.xml"
        guard let sheet = try text(sheetPath) else { throw HotlineError.invalid("file", "工作簿中没有工作表 (no worksheet)") }
        let shared = try text("xl/sharedStrings.xml").map(sharedStrings) ?? []
        return parseSheet(sheet, shared: shared)
    }

    /// The path of the workbook's first sheet, through its relationships.
    static func firstSheetPath(_ text: (String) throws -> String?) throws -> String? {
        guard let workbook = try text("xl/workbook.xml"), let rels = try text("xl/_rels/workbook.xml.rels"),
            let sheet = elements("sheet", in: workbook).first, let id = sheet.attributes["r:id"],
            let relation = elements("Relationship", in: rels).first(where: { $0.attributes["Id"] == id }),
            let target = relation.attributes["Target"]
        else { return nil }
        return target.hasPrefix("/") ? String(target.dropFirst()) : "xl/" + target
    }

    static func sharedStrings(_ xml: String) -> [String] {
        elements("si", in: xml).map { item in elements("t", in: item.inner).map { unescape($0.inner) }.joined() }
    }

    static func parseSheet(_ xml: String, shared: [String]) -> [[String]] {
        var rows: [[String]] = []
        for row in elements("row", in: xml) {
            var cells: [Int: String] = [:]
            var next = 0
            for cell in elements("c", in: row.inner) {
                let column = cell.attributes["r"].flatMap(columnIndex) ?? next
                next = column + 1
                let value: String
                switch cell.attributes["t"] {
                case "s": value = elements("v", in: cell.inner).first.flatMap { Int($0.inner) }.flatMap { shared.indices.contains($0) ? shared[$0] : nil } ?? ""
                case "inlineStr": value = elements("t", in: cell.inner).map { unescape($0.inner) }.joined()
                default: value = elements("v", in: cell.inner).first.map { unescape($0.inner) } ?? ""
                }
                cells[column] = value
            }
            guard let width = cells.keys.max().map({ $0 + 1 }) else { continue }
            let values = (0..<width).map { cells[$0] ?? "" }
            if values.contains(where: { !$0.isEmpty }) { rows.append(values) }
        }
        return rows
    }

    /// `"AB12"` → 27 (the column of a cell reference, from 0).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            guard (65...90).contains(scalar.value) else { break }
            index = index * 26 + Int(scalar.value - 64)
            letters += 1
            // Excel ends at XFD (16,384 columns); a longer run of letters is not a cell reference.
            guard letters <= 3 else { return nil }
        }
        return letters == 0 || index > 16_384 ? nil : index - 1
    }

    struct Element {
        var attributes: [String: String]
        var inner: String
    }

    /// Every `<name …>…</name>` (or self-closed `<name …/>`) in `xml`, not nested in another of the same name.
    static func elements(_ name: String, in xml: String) -> [Element] {
        var found: [Element] = []
        var rest = xml[...]
        while let open = rest.range(of: "<" + name) {
            let after = rest[open.upperBound...]
            guard let first = after.first, first == " " || first == ">" || first == "/" || first == "\n" || first == "\t",
                let close = after.firstIndex(of: ">")
            else {
                rest = after
                continue
            }
            let head = after[..<close]
            let attributes = parseAttributes(String(head))
            if head.hasSuffix("/") {
                found.append(Element(attributes: attributes, inner: ""))
                rest = after[after.index(after: close)...]
                continue
            }
            let body = after[after.index(after: close)...]
            guard let end = body.range(of: "</" + name + ">") else { break }
            found.append(Element(attributes: attributes, inner: String(body[..<end.lowerBound])))
            rest = body[end.upperBound...]
        }
        return found
    }

    static func parseAttributes(_ text: String) -> [String: String] {
        var attributes: [String: String] = [:]
        var rest = text[...]
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").last.map(String.init) ?? ""
            let afterEquals = rest[rest.index(after: equals)...].drop { $0 == " " }
            guard let quote = afterEquals.first, quote == "\"" || quote == "'" else { break }
            let value = afterEquals.dropFirst()
            guard let end = value.firstIndex(of: quote) else { break }
            attributes[name] = unescape(String(value[..<end]))
            rest = value[value.index(after: end)...]
        }
        return attributes
    }

    /// XML entities to text.
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = text[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else {
                out += rest[amp...]
                return out
            }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { out.unicodeScalars.append(scalar) } else { out += "&\(entity);" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }
}

import Foundation
import ZIPFoundation

/// Writes an Excel workbook (.xlsx) of one sheet row by row, in bounded memory: the sheet's XML goes to a temporary
/// file as rows arrive, and `finish` packs it with the workbook's parts into the zip file Excel and WPS open. Text is
/// written inline (no shared-string table to hold), numbers as numbers; the first row is the header, in bold, frozen.
public final class XLSXWriter {
    /// A cell: text or a number.
    public enum Cell: Sendable, Hashable, ExpressibleByStringLiteral {
        case text(String)
        case number(Double)

        public init(stringLiteral value: String) { self = .text(value) }
    }

    private let sheetURL: URL
    private let handle: FileHandle
    private let sheetName: String
    private var buffer = ""
    private var rowNumber = 0
    private var columns = 0
    private var finished = false

    /// Starts a workbook whose sheet is called `sheetName` (at most 31 characters, as Excel allows).
    public init(sheetName: String) throws {
        sheetURL = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-sheet-\(UUID().uuidString).xml")
        guard FileManager.default.createFile(atPath: sheetURL.path, contents: nil) else {
            throw HotlineError(.internalError, "无法创建临时文件 (cannot create a temporary file)")
        }
        handle = try FileHandle(forWritingTo: sheetURL)
        // Excel refuses []:*?/\ in a sheet name, an apostrophe at either end, and an empty name.
        let kept = String(sheetName.filter { !"[]:*?/\\".contains($0) }.prefix(31)).trimmingCharacters(in: CharacterSet(charactersIn: "' "))
        self.sheetName = kept.isEmpty ? "Sheet1" : kept
        buffer = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>\
            <sheetData>
            """
    }

    deinit {
        try? handle.close()
        try? FileManager.default.removeItem(at: sheetURL)
    }

    /// Rows written so far.
    public var rows: Int { rowNumber }

    /// Appends a row (the first is the header).
    public func append(_ cells: [Cell]) throws {
        rowNumber += 1
        columns = max(columns, cells.count)
        buffer += "<row r=\"\(rowNumber)\">"
        for (index, cell) in cells.enumerated() {
            let reference = Self.column(index) + String(rowNumber)
            let style = rowNumber == 1 ? " s=\"1\"" : ""
            switch cell {
            case .text(let text):
                buffer += "<c r=\"\(reference)\" t=\"inlineStr\"\(style)><is><t xml:space=\"preserve\">\(Self.escape(text))</t></is></c>"
            case .number(let number) where number.isFinite:
                let text = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                buffer += "<c r=\"\(reference)\"\(style)><v>\(text)</v></c>"
            case .number:
                buffer += "<c r=\"\(reference)\"\(style)/>"
            }
        }
        buffer += "</row>"
        if buffer.utf8.count > 256 * 1024 { try flush() }
    }

    /// Appends a row of text.
    public func append(texts: [String]) throws { try append(texts.map(Cell.text)) }

    private func flush() throws {
        try handle.write(contentsOf: Data(buffer.utf8))
        buffer = ""
    }

    /// Packs the workbook into `url` (replacing a file there).
    public func finish(to url: URL) throws {
        guard !finished else { return }
        finished = true
        buffer += "</sheetData></worksheet>"
        try flush()
        try handle.close()
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<min(Int(position) + size, data.count))
            }
        }
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        try add("[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """)
        try add("_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(relationships)/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """)
        try add("xl/workbook.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="\(main)" xmlns:r="\(relationships)"><sheets><sheet name="\(Self.escape(sheetName))" sheetId="1" r:id="rId1"/></sheets></workbook>
            """)
        try add("xl/_rels/workbook.xml.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="\(relationships)/worksheet" Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" Type="\(relationships)/styles" Target="styles.xml"/></Relationships>
            """)
        try add("xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <styleSheet xmlns="\(main)"><fonts count="2"><font><sz val="11"/><name val="等线"/></font><font><b/><sz val="11"/><name val="等线"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
            </styleSheet>
            """)
        try archive.addEntry(with: "xl/worksheets/sheet1.xml", fileURL: sheetURL, compressionMethod: .deflate)
        try? FileManager.default.removeItem(at: sheetURL)
    }

    /// `A`, `B`, … `Z`, `AA`, … for a zero-based column.
    static func column(_ index: Int) -> String {
        var index = index
        var name = ""
        repeat {
            name = String(UnicodeScalar(UInt8(65 + index % 26))) + name
            index = index / 26 - 1
        } while index >= 0
        return name
    }

    /// Text as XML carries it: markup escaped, and the control characters XML 1.0 forbids dropped.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && !(0xFFFE...0xFFFF).contains(scalar.value) { escaped.unicodeScalars.append(scalar) }
            }
        }
        return escaped
    }
}

import Foundation
import Testing
import ZIPFoundation

@testable import HotlineCore

@Suite("Importing a city's past")
struct ImportTests {
    /// A minimal workbook: shared strings, an inline string, a number and a gap between cells.
    static func workbook() throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        func add(_ path: String, _ text: String) throws {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), provider: { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            })
        }
        try add("xl/workbook.xml", #"<workbook><sheets><sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>"#)
        try add("xl/_rels/workbook.xml.rels", #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml"/></Relationships>"#)
        try add("xl/sharedStrings.xml", "<sst><si><t>标题</t></si><si><t>内容</t></si><si><r><t>承办</t></r><r><t>单位</t></r></si><si><t>路灯不亮 &amp; 井盖</t></si></sst>")
        try add("xl/worksheets/sheet1.xml", """
            <worksheet><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="D1" t="s"><v>2</v></c></row>
            <row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="inlineStr"><is><t>东湖路&lt;北段&gt;</t></is></c><c r="D2" t="inlineStr"><is><t>市城管局</t></is></c></row>
            <row r="3"><c r="A3"><v>42</v></c></row>
            </sheetData></worksheet>
            """)
        return try #require(archive.data)
    }

    @Test("an .xlsx sheet reads into rows, cells in their columns")
    func xlsx() throws {
        let rows = try XLSXReader.rows(of: try Self.workbook())
        #expect(rows == [["标题", "内容", "", "承办单位"], ["路灯不亮 & 井盖", "东湖路<北段>", "", "市城管局"], ["42"]])
        #expect(XLSXReader.columnIndex("AB12") == 27)
        #expect(XLSXReader.columnIndex("XFD1") == 16_383)
        #expect(XLSXReader.columnIndex("XFE1") == nil && XLSXReader.columnIndex("ZZZZZZZZZZZZZZZ1") == nil, "not a column, never a crash")
        #expect(throws: HotlineError.self) { try XLSXReader.rows(of: Data("not a zip".utf8)) }
    }

    @Test("columns are found by Chinese or English headers; bad rows are reported")
    func tickets() throws {
        let rows = [
            ["留言主题", "留言详情", "一级分类", "承办单位", "留言时间", "答复意见"],
            ["小区噪音", "小区噪音每晚都有，很吵", "环境保护", "市生态环境局", "2019/11/22 14:42:14", "已处理"],
            ["", "", "城乡建设", "", "", ""],
            ["路灯", "东湖路路灯不亮", "城乡建设", "", "不是时间", ""],
        ]
        let parsed = try TicketImport(rows: rows)
        #expect(parsed.tickets.count == 2)
        #expect(parsed.tickets[0].title == "小区噪音" && parsed.tickets[0].content == "每晚都有，很吵")
        #expect(parsed.tickets[0].createdAt == CivilDate("2019-11-22")!.instant(atMinute: 14 * 60 + 42))
        #expect(parsed.problems.map(\.line) == [3, 4])
        #expect(throws: HotlineError.self) { try TicketImport(rows: [["a", "b"], ["1", "2"]]) }
    }

    @Test("times read as text in several layouts, or as the date serials a spreadsheet stores")
    func times() {
        #expect(TicketImport.date("2020-01-06 12:09") == CivilDate("2020-01-06")!.instant(atMinute: 12 * 60 + 9))
        #expect(TicketImport.date("2019.11.22") == CivilDate("2019-11-22")!.instant(atMinute: 0))
        // 43791 is 2019-11-22 in Excel; .6125 of a day is 14:42.
        #expect(TicketImport.date("43791.6125") == CivilDate("2019-11-22")!.instant(atMinute: 14 * 60 + 42))
        #expect(TicketImport.date("43791") == CivilDate("2019-11-22")!.instant(atMinute: 0))
        #expect(TicketImport.date("0") == nil && TicketImport.date("-3") == nil && TicketImport.date("1e300") == nil)
        #expect(TicketImport.date("2019") == nil, "a year alone is not a date")
        #expect(TicketImport.date("2019-02-30") == nil && TicketImport.date("昨天") == nil)
    }

    @Test("a category or unit is matched by name, containment or shared characters")
    func matching() {
        let names = ["03": "城乡建设", "04": "自然资源与环境保护", "08": "人力资源社会保障", "01": "科教文体"]
        #expect(TicketImport.match("城乡建设", in: names) == "03")
        #expect(TicketImport.match("03", in: names) == "03")
        #expect(TicketImport.match("环境保护", in: names) == "04")
        #expect(TicketImport.match("社会保障", in: names) == "08")
        #expect(TicketImport.match("商贸旅游", in: names) == nil)
    }
}

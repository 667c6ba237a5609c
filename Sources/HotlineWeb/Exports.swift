import Foundation
import HotlineCore
import HotlineStore
import Hummingbird
import NIOCore

/// Downloads: a table as CSV (UTF-8 with a byte-order mark, so Excel and WPS read the Chinese) or as an .xlsx
/// workbook; ticket lists streamed page by page, so a large export holds one page in memory at a time.
enum Exports {
    enum Format: String {
        case csv, xlsx
    }

    static func format(_ text: String) throws -> Format {
        guard let format = Format(rawValue: text) else { throw HotlineError.invalid("format", "导出格式须为 csv 或 xlsx (csv or xlsx)") }
        return format
    }

    static func csvLine(_ cells: [XLSXWriter.Cell]) -> String {
        cells.map { cell in
            switch cell {
            case .text(let text): CSV.field(text)
            case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
            }
        }.joined(separator: ",") + "\r\n"
    }

    static func headers(_ format: Format, name: String) -> HTTPFields {
        let file = name + "." + format.rawValue
        // RFC 5987: only ASCII letters, digits and a few marks stand as themselves; Chinese is percent-encoded UTF-8.
        var attrChars = CharacterSet()
        attrChars.insert(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$&+-.^_`|~")
        let encoded = file.addingPercentEncoding(withAllowedCharacters: attrChars) ?? "export"
        return [
            .contentType: format == .csv ? "text/csv; charset=utf-8" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            .contentDisposition: "attachment; filename=\"export.\(format.rawValue)\"; filename*=UTF-8''\(encoded)",
            .cacheControl: "no-store",
        ]
    }

    /// A small table (a few thousand rows at most) as a download.
    static func table(format text: String, name: String, header: [String], rows: [[XLSXWriter.Cell]]) throws -> Response {
        let format = try format(text)
        switch format {
        case .csv:
            let body = "\u{FEFF}" + csvLine(header.map(XLSXWriter.Cell.text)) + rows.map(csvLine).joined()
            return Response(status: .ok, headers: headers(.csv, name: name), body: .init(byteBuffer: ByteBuffer(string: body)))
        case .xlsx:
            let writer = try XLSXWriter(sheetName: String(name.prefix(31)))
            try writer.append(texts: header)
            for row in rows { try writer.append(row) }
            return try file(writer, name: name)
        }
    }

    /// The finished workbook as a download, read from its temporary file in chunks and removed after.
    static func file(_ writer: XLSXWriter, name: String) throws -> Response {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-export-\(UUID().uuidString).xlsx")
        try writer.finish(to: url)
        let size = (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? 0
        let path = url.path
        return Response(status: .ok, headers: headers(.xlsx, name: name), body: ResponseBody(contentLength: size) { writer in
            defer { try? FileManager.default.removeItem(atPath: path) }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            while let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }

    /// A report's tables, one after another with a heading row each.
    static func report(_ report: AnalysisReport, format: String, english: Bool) throws -> Response {
        var rows: [[XLSXWriter.Cell]] = [[.text(report.title)], [.text("\(report.kind.label(english: english)) \(report.period)")], []]
        rows.append([.text(Strings.text("rates", english: english))])
        for rate in report.rates {
            rows.append([.text(rate.name), rate.value.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .text("—"), .number(rate.numerator),
                         .number(rate.denominator)])
        }
        for volume in report.volumes {
            rows.append([])
            rows.append([.text(volume.dimension.label(english: english)), .text(Strings.text("thisPeriod", english: english)),
                         .text(Strings.text("previousPeriodCount", english: english)), .text(Strings.text("periodOnPeriod", english: english)),
                         .text(Strings.text("yearBeforeCount", english: english)), .text(Strings.text("yearOnYear", english: english))])
            for row in volume.rows {
                let c = row.comparison
                rows.append([.text(row.name), .number(Double(c.current)), .number(Double(c.previous)), AnalysisPages.ratioCell(c.periodOnPeriod),
                             .number(Double(c.yearBefore)), AnalysisPages.ratioCell(c.yearOnYear)])
            }
        }
        if !report.ranking.isEmpty {
            rows.append([])
            rows.append([.text(Strings.text("unitGroup", english: english)), .text(Strings.text("rank", english: english)),
                         .text(Strings.text("unitName", english: english)), .text(Strings.text("score", english: english))])
            for line in report.ranking {
                rows.append([.text(line.group), .number(Double(line.rank)), .text(line.unit), .number((line.score * 100).rounded() / 100), .text(line.list?.label(english: english) ?? "")])
            }
        }
        return try table(format: format, name: report.title, header: [report.title], rows: Array(rows.dropFirst()))
    }

    /// The columns of a ticket export, in Chinese first: never a requester's name, phone or id (identity stays masked).
    static func ticketHeader(english: Bool) -> [String] {
        ["ticketNumber", "ticketTitle", "status", "ticketType", "channel", "category", "mainUnit", "createdAt", "replyDueAt", "repliedAt", "closedAt",
         "satisfaction", "address"].map { Strings.text($0, english: english) }
    }

    static func ticketRow(_ record: TicketRecord, ref: ReferenceData.Snapshot, english: Bool) -> [XLSXWriter.Cell] {
        let state = record.state
        let time = { (date: Date?) -> XLSXWriter.Cell in .text(date.map(Chrome.time) ?? "") }
        return [.text(record.number), .text(record.title), .text(state.status.label(english: english)), .text(state.type.label(english: english)),
                .text(state.channel.label(english: english)), .text(state.categoryCode.map { ref.categoryPaths[$0] ?? $0 } ?? ""),
                .text(state.mainUnitId.map { ref.unitName($0) } ?? ""), time(record.createdAt), time(state.replyDueAt), time(state.repliedAt),
                time(state.closedAt), .text(state.satisfaction?.label(english: english) ?? ""),
                .text(record.confidential ? "" : record.location.address ?? "")]
    }
}

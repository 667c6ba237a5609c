import Foundation

/// One entry as it travels between platforms — shared through the API (知识库共建共享) or exported to a file — with
/// where it comes from, its version and its dates.
public struct PortableKnowledge: Sendable, Equatable, Codable {
    /// The entry's id on its source platform.
    public var id: Int64
    public var version: Int
    /// The platform (or center) that keeps it.
    public var source: String
    public var archived: Bool
    public var question: String
    public var variants: [String]
    public var answer: String
    public var categoryCode: String?
    public var tags: [String]
    public var effectiveFrom: CivilDate?
    public var expiresOn: CivilDate?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, version: Int, source: String, archived: Bool, content: KnowledgeContent, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.version = version
        self.source = source
        self.archived = archived
        question = content.question
        variants = content.variants
        answer = content.answer
        categoryCode = content.categoryCode
        tags = content.tags
        effectiveFrom = content.effectiveFrom
        expiresOn = content.expiresOn
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Its content as this platform keeps it: no source unit (units are each platform's own), checked.
    public func content() throws -> KnowledgeContent {
        try KnowledgeContent(question: question, variants: variants, answer: answer, categoryCode: categoryCode, tags: tags,
                             effectiveFrom: effectiveFrom, expiresOn: expiresOn).validated()
    }

    /// What the entry's pages say of where it came from.
    public var origin: String { "\(source) · 第\(version)版" }

    /// Whether a subscription to `categories` (code prefixes; none: the whole base) wants it.
    public func wanted(by categories: [String]) -> Bool {
        categories.isEmpty || categories.contains { prefix in categoryCode?.hasPrefix(prefix) ?? false }
    }
}

/// Knowledge entries as a file: JSON (the API's form) or an XLSX workbook with one row per entry.
public enum KnowledgeFile {
    public static let columns = ["编号 id", "版本 version", "来源 source", "问题 question", "相似问法 variants", "答案 answer", "分类 category",
                                 "标签 tags", "生效日期 effectiveFrom", "失效日期 expiresOn", "创建时间 createdAt", "更新时间 updatedAt"]

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    public static func json(_ entries: [PortableKnowledge]) throws -> Data { try encoder.encode(entries) }

    /// The entries as a workbook, to finish into a file or a download.
    public static func xlsx(_ entries: [PortableKnowledge]) throws -> XLSXWriter {
        let writer = try XLSXWriter(sheetName: "知识库")
        try writer.append(texts: columns)
        for entry in entries {
            try writer.append(texts: [
                String(entry.id), String(entry.version), entry.source, entry.question, entry.variants.joined(separator: "\n"), entry.answer,
                entry.categoryCode ?? "", entry.tags.joined(separator: ","), entry.effectiveFrom?.description ?? "", entry.expiresOn?.description ?? "",
                Open311.timestamp(entry.createdAt), Open311.timestamp(entry.updatedAt),
            ])
        }
        return writer
    }

    /// Reads a file of either kind; a row or entry that cannot be read is a 400 naming it, and nothing is imported.
    public static func read(_ data: Data) throws -> [PortableKnowledge] {
        if data.starts(with: [0x50, 0x4B]) { return try readXLSX(data) }
        do {
            return try Federation.decoder.decode([PortableKnowledge].self, from: data)
        } catch {
            throw HotlineError.invalid("file", "不是知识库导出的JSON或XLSX文件 (not a knowledge export in JSON or XLSX)")
        }
    }

    static func readXLSX(_ data: Data) throws -> [PortableKnowledge] {
        let rows = try XLSXReader.rows(of: data)
        guard let header = rows.first, header.prefix(columns.count).map({ $0.trimmingCharacters(in: .whitespaces) }) == columns else {
            throw HotlineError.invalid("file", "表头与知识库导出格式不符 (the header is not a knowledge export's)")
        }
        return try rows.dropFirst().enumerated().compactMap { index, row -> PortableKnowledge? in
            let cells = row + Array(repeating: "", count: max(0, columns.count - row.count))
            if cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { return nil }
            func bad(_ what: String) -> HotlineError { HotlineError.invalid("file", "第\(index + 2)行：\(what) (row \(index + 2): \(what))") }
            guard let id = Int64(cells[0]), let version = Int(cells[1]), version >= 1 else { throw bad("编号或版本无效") }
            func day(_ text: String) throws -> CivilDate? {
                guard !text.isEmpty else { return nil }
                guard let date = CivilDate(text) else { throw bad("日期无效 \(text)") }
                return date
            }
            func time(_ text: String) throws -> Date {
                guard let date = Open311.date(text) else { throw bad("时间无效 \(text)") }
                return date
            }
            let content = KnowledgeContent(
                question: cells[3], variants: cells[4].split(separator: "\n").map(String.init), answer: cells[5],
                categoryCode: cells[6].isEmpty ? nil : cells[6], tags: cells[7].split(separator: ",").map(String.init),
                effectiveFrom: try day(cells[8]), expiresOn: try day(cells[9]))
            return PortableKnowledge(id: id, version: version, source: cells[2], archived: false, content: content,
                                     createdAt: try time(cells[10]), updatedAt: try time(cells[11]))
        }
    }
}

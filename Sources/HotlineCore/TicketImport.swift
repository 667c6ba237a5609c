import Foundation

/// A closed ticket from a city's past, as an import file gives it.
public struct HistoricalTicket: Sendable, Equatable {
    public var line: Int
    public var title: String
    public var content: String
    /// A category code, or a category's name.
    public var category: String?
    /// The handling unit's name.
    public var unit: String?
    public var createdAt: Date?
    public var reply: String?
    public var address: String?
    public var phone: String?
    public var name: String?
    public var type: TicketType?

    public init(line: Int, title: String, content: String, category: String? = nil, unit: String? = nil, createdAt: Date? = nil,
                reply: String? = nil, address: String? = nil, phone: String? = nil, name: String? = nil, type: TicketType? = nil) {
        self.line = line
        self.title = title
        self.content = content
        self.category = category
        self.unit = unit
        self.createdAt = createdAt
        self.reply = reply
        self.address = address
        self.phone = phone
        self.name = name
        self.type = type
    }
}

/// Reads historical tickets from a table (CSV or the first sheet of an .xlsx), finding columns by their header in
/// Chinese or English, and reports the rows it had to skip.
public struct TicketImport: Sendable {
    /// The fields an import understands and the headers that name them.
    public enum Field: String, CaseIterable, Sendable {
        case title, content, category, unit, created, reply, address, phone, name, type

        var headers: [String] {
            switch self {
            case .title: ["title", "标题", "留言主题", "主题", "诉求标题"]
            case .content: ["content", "text", "detail", "内容", "诉求内容", "留言详情", "详情", "问题描述"]
            case .category: ["category", "categorycode", "label", "分类", "分类编码", "诉求分类", "一级分类", "类别"]
            case .unit: ["unit", "department", "承办单位", "主办单位", "办理单位", "责任单位", "部门"]
            case .created: ["created", "createdat", "time", "date", "时间", "留言时间", "受理时间", "登记时间", "日期"]
            case .reply: ["reply", "答复", "答复意见", "回复", "处理结果"]
            case .address: ["address", "地址", "地点", "事发地点"]
            case .phone: ["phone", "电话", "联系电话", "手机"]
            case .name: ["name", "姓名", "诉求人", "联系人"]
            case .type: ["type", "类型", "诉求类型"]
            }
        }
    }

    public private(set) var tickets: [HistoricalTicket] = []
    public private(set) var problems: [CategoryImport.Problem] = []
    /// Which column each field came from.
    public private(set) var columns: [Field: String] = [:]

    /// Reads `rows` (the header row first); throws when no column holds the content.
    public init(rows: [[String]]) throws {
        guard let header = rows.first else { throw HotlineError.invalid("file", "文件为空 (the file is empty)") }
        let normalized = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "") }
        var index: [Field: Int] = [:]
        for field in Field.allCases {
            if let i = normalized.firstIndex(where: { field.headers.contains($0) }) {
                index[field] = i
                columns[field] = header[i]
            }
        }
        guard index[.content] != nil || index[.title] != nil else {
            throw HotlineError.invalid("file", "找不到内容或标题列 (no content or title column)")
        }
        let types = Dictionary(TicketType.allCases.flatMap { [($0.rawValue, $0), ($0.label, $0)] }, uniquingKeysWith: { a, _ in a })
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            func cell(_ field: Field) -> String? {
                guard let i = index[field], i < row.count else { return nil }
                let value = row[i].trimmingCharacters(in: .whitespacesAndNewlines)
                return value.isEmpty ? nil : value
            }
            var title = cell(.title) ?? ""
            var content = cell(.content) ?? title
            if content.hasPrefix(title) && content.count > title.count && !title.isEmpty { content = String(content.dropFirst(title.count)) }
            if title.isEmpty { title = String(content.prefix(30)) }
            guard !content.isEmpty else {
                problems.append(.init(line: line, severity: .skipped, message: "没有内容 (no content)"))
                continue
            }
            var created: Date?
            if let text = cell(.created) {
                created = Self.date(text)
                if created == nil { problems.append(.init(line: line, severity: .resolved, message: "无法识别时间「\(text)」(unreadable time; left empty)")) }
            }
            tickets.append(HistoricalTicket(
                line: line, title: String(title.prefix(200)), content: String(content.prefix(10000)), category: cell(.category), unit: cell(.unit),
                createdAt: created, reply: cell(.reply).map { String($0.prefix(8000)) }, address: cell(.address).map { String($0.prefix(500)) },
                phone: cell(.phone).flatMap { try? TicketDraft.normalizedPhone($0) }, name: cell(.name).map { String($0.prefix(50)) },
                type: cell(.type).flatMap { types[$0] }))
        }
    }

    /// `2019/11/22 14:42:14`, `2020-01-06 12:09`, `2019-11-22`, or an Excel date serial such as `43791.6125`
    /// (what a spreadsheet stores for a date cell: days since 1899-12-30), all in Shanghai time. Only serials from
    /// 1990 to 2099 count: a bare "2019" is a year, not a date, and is reported as unreadable.
    public static func date(_ text: String) -> Date? {
        if let serial = Double(text) {
            guard serial.isFinite, serial >= 32_874, serial < 73_051 else { return nil }
            let days = Int(serial.rounded(.down))
            let minutes = min(Int(((serial - Double(days)) * 1440).rounded()), 1439)
            return CivilDate(year: 1899, month: 12, day: 30)?.adding(days: days).instant(atMinute: minutes)
        }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "T" })
        let day = parts.first.map { $0.replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: ".", with: "-") } ?? ""
        let ymd = day.split(separator: "-").compactMap { Int($0) }
        guard ymd.count == 3, let date = CivilDate(year: ymd[0], month: ymd[1], day: ymd[2]) else { return nil }
        var minutes = 0
        if parts.count > 1 {
            let hm = parts[1].split(separator: ":").compactMap { Int($0) }
            if hm.count >= 2, (0..<24).contains(hm[0]), (0..<60).contains(hm[1]) { minutes = hm[0] * 60 + hm[1] }
        }
        return date.instant(atMinute: minutes)
    }

    /// The best match for `text` among `names` (`key → name`): the same name, a name that contains it or is
    /// contained in it, or one sharing at least half its characters; nil when nothing is close.
    public static func match(_ text: String, in names: [String: String]) -> String? {
        let wanted = text.trimmingCharacters(in: .whitespaces)
        if names[wanted] != nil { return wanted }
        let sorted = names.sorted { $0.key < $1.key }
        if let exact = sorted.first(where: { $0.value == wanted }) { return exact.key }
        let containing = sorted.filter { $0.value.contains(wanted) || wanted.contains($0.value) }
        if let best = containing.min(by: { abs($0.value.count - wanted.count) < abs($1.value.count - wanted.count) }) { return best.key }
        let letters = Set(wanted)
        let scored = sorted.map { entry -> (String, Double) in
            let other = Set(entry.value)
            return (entry.key, Double(letters.intersection(other).count) / Double(max(letters.union(other).count, 1)))
        }
        guard let best = scored.max(by: { $0.1 < $1.1 }), best.1 >= 0.5 else { return nil }
        return best.0
    }
}

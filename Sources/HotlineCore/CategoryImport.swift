import Foundation

/// One node of the three-level category tree (诉求分类).
public struct CategoryNode: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var level: Int
    public var parentCode: String?
    public var description: String?

    public init(code: String, name: String, level: Int, parentCode: String?, description: String? = nil) {
        self.code = code
        self.name = name
        self.level = level
        self.parentCode = parentCode
        self.description = description
    }
}

extension CategoryNode {
    /// Every node's full path, `code → "城乡建设 / 市政设施 / 路灯"`.
    public static func paths(_ nodes: [CategoryNode]) -> [String: String] {
        var byCode: [String: CategoryNode] = [:]
        for node in nodes { byCode[node.code] = node }
        var paths: [String: String] = [:]
        for node in nodes {
            var names = [node.name]
            var parent = node.parentCode
            var seen: Set<String> = [node.code]
            while let code = parent, let up = byCode[code], seen.insert(code).inserted {
                names.insert(up.name, at: 0)
                parent = up.parentCode
            }
            paths[node.code] = names.joined(separator: " / ")
        }
        return paths
    }
}

/// Reads a category CSV (`level1_code,level1_name,level2_code,level2_name,level3_code,level3_name,description`)
/// into a tree, reporting every row it had to change or skip.
public struct CategoryImport: Sendable {
    /// Something the importer noticed in one line of the file.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Severity: String, Sendable { case resolved, skipped }
        public let line: Int
        public let severity: Severity
        public let message: String
        public var description: String { "line \(line) [\(severity.rawValue)]: \(message)" }
    }

    public private(set) var nodes: [CategoryNode] = []
    public private(set) var problems: [Problem] = []
    private var byCode: [String: Int] = [:]
    private var byPath: [String: String] = [:]

    static let columns = ["level1_code", "level1_name", "level2_code", "level2_name", "level3_code", "level3_name", "description"]

    /// Parses `text`; throws only when the file is not a category table at all.
    public init(csv text: String) throws {
        let rows = CSV.parse(text)
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else {
            throw HotlineError.invalid("file", "文件为空 (the file is empty)")
        }
        var index: [String: Int] = [:]
        for name in Self.columns.prefix(6) {
            guard let i = header.firstIndex(of: name) else {
                throw HotlineError.invalid("file", "缺少列 \(name) (missing column \(name))")
            }
            index[name] = i
        }
        let descriptionIndex = header.firstIndex(of: "description")
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            func cell(_ name: String) -> String {
                guard let i = index[name], i < row.count else { return "" }
                return row[i].trimmingCharacters(in: .whitespaces)
            }
            let description = descriptionIndex.flatMap { $0 < row.count ? row[$0].trimmingCharacters(in: .whitespaces) : nil }
            importRow(line: line, cells: (cell("level1_code"), cell("level1_name"), cell("level2_code"), cell("level2_name"),
                                          cell("level3_code"), cell("level3_name")), description: description)
        }
    }

    /// The default tree: Guangdong DB44/T 2479—2024, shipped with Hotline.
    public static func bundledDefault() throws -> CategoryImport {
        guard let url = Bundle.module.url(forResource: "categories-db44t2479-2024", withExtension: "csv") else {
            throw HotlineError(.missingResource, "缺少默认分类文件 (default categories missing)")
        }
        return try CategoryImport(csv: String(decoding: try Data(contentsOf: url), as: UTF8.self))
    }

    /// Leaves: third-level nodes, and second-level nodes without children.
    public var leaves: [CategoryNode] {
        let parents = Set(nodes.compactMap(\.parentCode))
        return nodes.filter { !parents.contains($0.code) && $0.level > 1 }
    }

    private mutating func importRow(line: Int, cells: (String, String, String, String, String, String), description: String?) {
        let (c1, n1, c2, n2, c3, n3) = cells
        guard c1.count == 2, c1.allSatisfy(\.isNumber), !n1.isEmpty else {
            return skip(line, "一级分类编码须为2位数字且名称不能为空 (level-1 code must be 2 digits with a name)")
        }
        guard c2.count == 4, c2.allSatisfy(\.isNumber), c2.hasPrefix(c1), !n2.isEmpty else {
            return skip(line, "二级分类编码\(c2)须为以\(c1)开头的4位数字 (level-2 code must extend its parent)")
        }
        guard add(CategoryNode(code: c1, name: n1, level: 1, parentCode: nil), path: n1, line: line) else { return }
        let hasThird = !(c3.isEmpty || (c3 == c2 + "00" && n3.isEmpty))
        guard add(CategoryNode(code: c2, name: n2, level: 2, parentCode: c1, description: hasThird ? nil : description),
                  path: "\(n1)/\(n2)", line: line) else { return }
        guard hasThird else { return }
        guard c3.count == 6, c3.allSatisfy(\.isNumber), !n3.isEmpty else {
            return skip(line, "三级分类编码须为6位数字且名称不能为空 (level-3 code must be 6 digits with a name)")
        }
        var code = c3
        let path = "\(n1)/\(n2)/\(n3)"
        if !c3.hasPrefix(c2) || (byCode[c3] != nil && byPath[path] == nil) {
            // Resolve by full path: the row's place in the tree wins over its printed code.
            let derived = c2 + c3.suffix(2)
            guard byCode[derived] == nil else {
                return skip(line, "编码\(c3)「\(n3)」与已有分类冲突，无法按路径改编 (code clash that cannot be resolved)")
            }
            let clash = byCode[c3].map { "「\(nodes[$0].name)」" } ?? ""
            problems.append(Problem(line: line, severity: .resolved,
                message: "编码\(c3)「\(path)」与\(clash.isEmpty ? "其上级编码" : clash)不符，按路径改为\(derived) (code \(c3) clashes; stored as \(derived))"))
            code = derived
        }
        _ = add(CategoryNode(code: code, name: n3, level: 3, parentCode: c2, description: description), path: path, line: line)
    }

    /// Adds a node once; the same code again under the same path is fine, under another path it is a problem.
    private mutating func add(_ node: CategoryNode, path: String, line: Int) -> Bool {
        if let existing = byCode[node.code] {
            if nodes[existing].name == node.name { return true }
            skip(line, "编码\(node.code)已用于「\(nodes[existing].name)」，与「\(node.name)」冲突 (code used twice with different names)")
            return false
        }
        if let other = byPath[path] {
            skip(line, "分类「\(path)」重复，已有编码\(other) (the same path appears with two codes)")
            return false
        }
        byCode[node.code] = nodes.count
        byPath[path] = node.code
        nodes.append(node)
        return true
    }

    private mutating func skip(_ line: Int, _ message: String) {
        problems.append(Problem(line: line, severity: .skipped, message: message))
    }
}

import Foundation

/// Where a knowledge-base entry is in its life (知识库条目状态).
public enum KnowledgeStatus: String, Labelled {
    /// Being written or revised.
    case draft
    /// Submitted: the source unit checks it (多方校核).
    case pendingReview
    /// Verified; agents and citizens see it while it is in force.
    case published
    /// Withdrawn or expired.
    case archived

    public var label: String {
        switch self {
        case .draft: "草稿"
        case .pendingReview: "待校核"
        case .published: "已发布"
        case .archived: "已归档"
        }
    }
}

/// The content of an entry: a question with the ways citizens ask it, and the standard answer (标准答案).
public struct KnowledgeContent: Sendable, Equatable, Codable {
    public var question: String
    public var variants: [String]
    public var answer: String
    public var categoryCode: String?
    /// The unit whose matter this is and which verifies it.
    public var sourceUnitId: Int64?
    public var tags: [String]
    public var effectiveFrom: CivilDate?
    public var expiresOn: CivilDate?

    public init(question: String, variants: [String] = [], answer: String, categoryCode: String? = nil, sourceUnitId: Int64? = nil,
                tags: [String] = [], effectiveFrom: CivilDate? = nil, expiresOn: CivilDate? = nil) {
        self.question = question
        self.variants = variants
        self.answer = answer
        self.categoryCode = categoryCode
        self.sourceUnitId = sourceUnitId
        self.tags = tags
        self.effectiveFrom = effectiveFrom
        self.expiresOn = expiresOn
    }

    /// The content trimmed, blanks dropped; a 400 names the first bad field.
    public func validated() throws -> KnowledgeContent {
        var content = self
        content.question = try Lifecycle.required(question, "question", max: 200)
        content.answer = try Lifecycle.required(answer, "answer", max: 10000)
        content.variants = try Self.list(variants, "variants", count: 20, length: 200)
        content.tags = try Self.list(tags, "tags", count: 20, length: 30)
        content.categoryCode = try TicketDraft.optional(categoryCode, "categoryCode", max: 12)
        if let code = content.categoryCode, !code.allSatisfy(\.isNumber) {
            throw HotlineError.invalid("categoryCode", "分类编码只能是数字 (digits only)")
        }
        if let from = effectiveFrom, let until = expiresOn, until < from {
            throw HotlineError.invalid("expiresOn", "失效日期不能早于生效日期 (expires before it takes effect)")
        }
        return content
    }

    /// Whether the entry is in force on `date`.
    public func inForce(on date: CivilDate) -> Bool {
        if let from = effectiveFrom, date < from { return false }
        if let until = expiresOn, until < date { return false }
        return true
    }

    /// Items trimmed, blanks and repeats dropped; a 400 when there are more than `count` or one is longer than `length`.
    public static func list(_ items: [String], _ field: String, count: Int, length: Int) throws -> [String] {
        var seen = Set<String>()
        let cleaned = items.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard cleaned.count <= count else { throw HotlineError.invalid(field, "最多\(count)项 (at most \(count))") }
        guard cleaned.allSatisfy({ $0.count <= length }) else {
            throw HotlineError.invalid(field, "每项不超过\(length)字 (at most \(length) characters each)")
        }
        return cleaned
    }
}

/// A knowledge-base entry: the working copy editors change, and the verified version the front line sees.
public struct KnowledgeEntry: Sendable, Equatable {
    public var id: Int64
    public var status: KnowledgeStatus
    /// The working copy (what editors see and change).
    public var content: KnowledgeContent
    /// Bumped by every change of the content.
    public var version: Int
    /// The verified content agents and citizens see, and its version; nil until first approved, and after archiving.
    public var live: KnowledgeContent?
    public var liveVersion: Int?
    public var updatedBy: Int64?
    public var usageCount: Int
    public var helpfulCount: Int
    public var unhelpfulCount: Int
    /// Where a shared or imported entry came from (`省12345平台 · 第3版`); nil for the center's own. A shared entry is
    /// kept by its source: it is not edited here.
    public var origin: String? = nil
    public var shared = false
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, status: KnowledgeStatus, content: KnowledgeContent, version: Int, live: KnowledgeContent? = nil,
                liveVersion: Int? = nil, updatedBy: Int64? = nil, usageCount: Int = 0, helpfulCount: Int = 0, unhelpfulCount: Int = 0,
                createdAt: Date, updatedAt: Date, origin: String? = nil, shared: Bool = false) {
        self.id = id
        self.status = status
        self.content = content
        self.version = version
        self.live = live
        self.liveVersion = liveVersion
        self.updatedBy = updatedBy
        self.usageCount = usageCount
        self.helpfulCount = helpfulCount
        self.unhelpfulCount = unhelpfulCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.origin = origin
        self.shared = shared
    }

    /// What agents and citizens see on `date`: the verified version, while it is in force.
    public func frontVersion(on date: CivilDate) -> KnowledgeContent? {
        guard status != .archived, let live, live.inForce(on: date) else { return nil }
        return live
    }
}

import Foundation
import HotlineCore

/// One step in an entry's history: who changed or moved it, and the content when it changed.
public struct KnowledgeChange: Sendable {
    public var version: Int
    public var action: KnowledgeAction
    public var actorName: String
    public var at: Date
    public var note: String?
    public var snapshot: KnowledgeContent?
}

/// An error reported on an entry (查漏纠错).
public struct KnowledgeReport: Sendable {
    public enum Status: String, Labelled {
        case open, resolved, dismissed
        public var label: String {
            switch self {
            case .open: "待处理"
            case .resolved: "已纠正"
            case .dismissed: "不予采纳"
            }
        }
    }

    public var id: Int64
    public var entryId: Int64
    public var question: String
    public var reporterName: String
    public var text: String
    public var status: Status
    public var resolution: String?
    public var resolvedByName: String?
    public var createdAt: Date
    public var resolvedAt: Date?
}

/// Filters for the knowledge list editors and reviewers work from.
public struct KnowledgeFilter: Sendable {
    public var statuses: [KnowledgeStatus] = []
    public var text: String?
    /// Only entries this actor may verify (the review queue).
    public var toVerify = false
    public var limit = 50
    public var offset = 0
    public init() {}
}

/// The knowledge base: entries with their working copy and verified version, history, usage, error reports and synonyms.
/// Every change bumps `kb_head.seq`, which every node's search index follows.

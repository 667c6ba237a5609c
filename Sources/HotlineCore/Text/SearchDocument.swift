/// A knowledge-base entry (知识库条目) as the search index sees it.
public struct SearchDocument: Hashable, Sendable {
    /// The entry's id in the database.
    public var id: Int64
    /// Increases on every edit; an index ignores an upsert that is not newer than what it holds.
    public var version: Int64
    /// The headline question, e.g. 「如何提取住房公积金？」.
    public var title: String
    /// Other ways citizens ask the same question (相似问法).
    public var variants: [String]
    /// The answer text (答复口径).
    public var body: String
    /// Keywords or category names attached by editors.
    public var tags: [String]

    /// An entry.
    public init(id: Int64, version: Int64 = 1, title: String, variants: [String] = [], body: String = "", tags: [String] = []) {
        self.id = id
        self.version = version
        self.title = title
        self.variants = variants
        self.body = body
        self.tags = tags
    }
}

/// The fields of a `SearchDocument` that are scored separately.
public enum SearchField: Int, CaseIterable, Hashable, Sendable {
    /// `title`.
    case title
    /// `variants`, joined.
    case variants
    /// `tags`, joined.
    case tags
    /// `body`.
    case body
}

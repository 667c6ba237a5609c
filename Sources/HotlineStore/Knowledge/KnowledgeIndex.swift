import Foundation
import HotlineCore
import Synchronization

/// A live knowledge entry found by a search, with its highlighted snippet.
public struct KnowledgeHit: Sendable {
    public var id: Int64
    public var content: KnowledgeContent
    public var score: Double
    /// The answer around the best match, in runs of plain and highlighted text.
    public var snippet: Snippet
    /// The question with matched terms highlighted.
    public var question: Snippet
    public var usageCount: Int
    public var helpfulCount: Int
    /// Where a shared entry came from, with its version.
    public var origin: String? = nil
}

/// The in-memory search index over live knowledge entries, kept in step with the database by following the
/// change counter (`kb_head`): each node refreshes itself at most every `refreshInterval`, so entries edited on
/// any node of a shared PostgreSQL are found everywhere within that time. Rebuilt from the database at start.
public final class KnowledgeIndex: Sendable {
    struct Live: Sendable {
        var content: KnowledgeContent
        var centerId: Int64?
        var usageCount: Int
        var helpfulCount: Int
        var origin: String?
    }

    struct State: Sendable {
        var index = SearchIndex(synonyms: .empty)
        /// Each center's synonyms, applied to its queries.
        var synonyms: [Int64: SynonymTable] = [:]
        var live: [Int64: Live] = [:]
        var seq: Int64 = -1
        var synonymsSeq: Int64 = -1
    }

    private let store: Store
    private let state = Mutex(State())
    private let gate: RefreshGate

    public init(store: Store, refreshInterval: TimeInterval = 2) {
        self.store = store
        self.gate = RefreshGate(interval: refreshInterval)
    }

    /// Brings the index up to the database's latest change (only what changed since the last refresh). Before the
    /// first load has finished, every caller waits for it.
    public func refresh(force: Bool = false) async throws {
        try await gate.refresh(force: force) { try await update() }
    }

    /// Whether the index has been built from the database once.
    public var isLoaded: Bool { gate.isLoaded }

    private func update() async throws {
        let current = state.withLock { $0 }
        let head = try await store.knowledgeHead()
        var next = current
        if head.synonymsSeq != current.synonymsSeq {
            next.synonyms = try await store.synonymGroupsByCenter().mapValues { SynonymTable(groups: $0) }
            next.synonymsSeq = head.synonymsSeq
        }
        if head.seq != current.seq {
            for change in try await store.knowledgeChanges(after: max(current.seq, 0)) {
                let entry = change.entry
                let version = change.changeSeq
                if entry.status != .archived, let live = entry.live {
                    next.index.upsert(SearchDocument(id: entry.id, version: version, title: live.question, variants: live.variants,
                                                     body: live.answer, tags: live.tags))
                    next.live[entry.id] = Live(content: live, centerId: change.centerId, usageCount: entry.usageCount,
                                               helpfulCount: entry.helpfulCount, origin: entry.shared ? entry.origin : nil)
                } else {
                    next.index.remove(id: entry.id, version: version)
                    next.live[entry.id] = nil
                }
            }
            next.seq = head.seq
        }
        let refreshed = next
        state.withLock { $0 = refreshed }
    }

    /// Live entries of `centerId` in force on `date` that answer `query`, best first.
    public func search(_ query: String, centerId: Int64?, on date: CivilDate, limit: Int = 10) async throws -> [KnowledgeHit] {
        try await refresh()
        let snapshot = state.withLock { $0 }
        let query = String(query.prefix(500))
        let visible: @Sendable (Int64) -> Bool = { id in
            guard let live = snapshot.live[id] else { return false }
            return live.centerId == centerId && live.content.inForce(on: date)
        }
        let builder = SnippetBuilder(windowLength: 80)
        let titleBuilder = SnippetBuilder(windowLength: 200)
        let synonyms = centerId.flatMap { snapshot.synonyms[$0] } ?? .empty
        return snapshot.index.search(query, limit: limit, filter: .predicate(visible), synonyms: synonyms).compactMap { hit -> KnowledgeHit? in
            guard let live = snapshot.live[hit.id] else { return nil }
            return KnowledgeHit(
                id: hit.id, content: live.content, score: Double(hit.score), snippet: builder.snippet(of: live.content.answer, matching: hit.matchedTerms),
                question: titleBuilder.snippet(of: live.content.question, matching: hit.matchedTerms), usageCount: live.usageCount,
                helpfulCount: live.helpfulCount, origin: live.origin)
        }
    }

    /// How many live entries the index holds.
    public var count: Int { state.withLock { $0.live.count } }
}

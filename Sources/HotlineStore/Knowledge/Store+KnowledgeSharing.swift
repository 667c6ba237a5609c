import Foundation
import HotlineCore
import SQLKit

/// Another platform's knowledge base this center follows (知识库共建共享): the whole base or chosen categories.
public struct KnowledgeSource: Sendable, Equatable {
    public var id: Int64
    public var centerId: Int64
    public var name: String
    public var url: String
    /// Category code prefixes followed; empty: every entry.
    public var categories: [String]
    public var cursor: Int64
    public var active: Bool
    public var received: Int64
    public var lastSuccessAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
}

/// One page of a center's shared entries, after a cursor.
public struct SharedKnowledgePage: Sendable, Equatable {
    public var entries: [PortableKnowledge]
    public var cursor: Int64
    public var more: Bool

    public init(entries: [PortableKnowledge], cursor: Int64, more: Bool) {
        self.entries = entries
        self.cursor = cursor
        self.more = more
    }
}

/// What one page of a source did here.
public struct SharedKnowledgeOutcome: Sendable, Equatable {
    public var applied = 0
    public var unchanged = 0
    public var skipped = 0

    public init() {}
}

/// 知识库共建共享: a center's verified entries shared with the platforms it issued a linked-system key to; other platforms'
/// entries kept here as read-only copies, marked with their source and version, archived when the source archives them;
/// error reports on a copy sent back to its source; entries exported and imported as files.
extension Store {
    static let sharedEntry = HotlineError(.sharedEntry, "共享条目由来源平台维护，不能在本地修改；请用“纠错”报告给来源平台 (a shared entry is kept by its source: report an error instead)")

    // MARK: The source's side

    /// The center's own verified entries changed after `cursor`, for a platform it shares with (a linked-system key):
    /// each with its live version, or archived.
    public func sharedKnowledge(after cursor: Int64, limit: Int, for actor: Actor) async throws -> SharedKnowledgePage {
        guard actor.kind == .user, actor.role?.may(.integrate) == true, actor.role?.may(.useKnowledge) == true, let centerId = actor.centerId else {
            throw HotlineError.forbidden("只有共享知识库的对接平台账号可以读取 (only a linked platform's key reads the shared base)")
        }
        guard (1...1000).contains(limit), cursor >= 0 else { throw HotlineError.invalid("limit", "每页1至1000条 (limit 1–1000)") }
        let source = try await database.read { db in
            try await db.raw("SELECT name FROM units WHERE id = \(bind: centerId)").first()?.decode(column: "name", as: String.self) ?? "12345"
        }
        return try await database.read { db in
            let rows = try await db.raw("""
                SELECT * FROM kb_entries WHERE center_id = \(bind: centerId) AND change_seq > \(bind: cursor)
                  AND (live_version IS NOT NULL OR status = 'archived') AND shared_source_id IS NULL ORDER BY change_seq LIMIT \(literal: limit + 1)
                """).all()
            var entries: [PortableKnowledge] = []
            var last = cursor
            for row in rows.prefix(limit) {
                let entry = try Self.knowledgeEntry(from: row)
                last = try row.decode(column: "change_seq", as: Int64.self)
                // An archived entry goes as it was last written, so a follower archives its copy.
                let archived = entry.status == .archived
                guard let live = archived ? entry.content : entry.live, let version = archived ? entry.version : entry.liveVersion else { continue }
                var content = live
                content.sourceUnitId = nil
                entries.append(PortableKnowledge(id: entry.id, version: version, source: source, archived: archived, content: content,
                                                 createdAt: entry.createdAt, updatedAt: entry.updatedAt))
            }
            return SharedKnowledgePage(entries: entries, cursor: last, more: rows.count > limit)
        }
    }

    // MARK: The follower's side

    public func knowledgeSources(for actor: Actor) async throws -> [KnowledgeSource] {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        return try await database.read { db in
            try await db.raw("SELECT * FROM kb_sources WHERE center_id = \(bind: centerId) ORDER BY id").all().map(Self.knowledgeSource(from:))
        }
    }

    static func knowledgeSource(from row: any SQLRow) throws -> KnowledgeSource {
        KnowledgeSource(
            id: try row.decode(column: "id", as: Int64.self), centerId: try row.decode(column: "center_id", as: Int64.self),
            name: try row.decode(column: "name", as: String.self), url: try row.decode(column: "url", as: String.self),
            categories: try row.decode(column: "categories", as: String.self).split(separator: ",").map(String.init),
            cursor: try row.decode(column: "cursor", as: Int64.self), active: try row.decode(column: "active", as: Bool.self),
            received: try row.decode(column: "received", as: Int64.self),
            lastSuccessAt: try row.decode(column: "last_success_at", as: Int64?.self).map(Date.init(millis:)),
            lastError: try row.decode(column: "last_error", as: String?.self),
            lastErrorAt: try row.decode(column: "last_error_at", as: Int64?.self).map(Date.init(millis:)))
    }

    /// Follows another platform's entries (or changes how): its name, address, the key it issued, the categories.
    public func saveKnowledgeSource(id: Int64? = nil, name: String, url: String, apiKey: String?, categories: [String], active: Bool,
                                    by actor: Actor) async throws -> KnowledgeSource {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else { throw HotlineError.invalid("name", "来源名称不能为空且不超过100字") }
        let url = url.trimmingCharacters(in: .whitespaces).trimmingSuffix("/")
        guard WebAddress.isValid(url) else { throw HotlineError.invalid("url", "来源平台地址须为http(s)地址 (url must be an http(s) address)") }
        let codes = categories.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard codes.count <= 100, codes.allSatisfy({ $0.count <= 12 && $0.allSatisfy(\.isNumber) }) else {
            throw HotlineError.invalid("categories", "分类须为数字编码 (categories are code prefixes)")
        }
        let key = apiKey?.trimmingCharacters(in: .whitespaces)
        if let key, !key.hasPrefix("hlk_") || key.count > 200 { throw HotlineError.invalid("apiKey", "密钥格式不正确 (not a Hotline integration key)") }
        let at = now
        return try await database.transaction { db in
            let row: (any SQLRow)?
            if let id {
                guard let existing = try await db.raw("""
                    SELECT * FROM kb_sources WHERE id = \(bind: id) AND center_id = \(bind: centerId)\(unsafeRaw: self.forUpdate)
                    """).first() else { throw HotlineError.notFound("知识来源") }
                let before = try Self.knowledgeSource(from: existing)
                let keyEnc = try key.map(self.cipher.encrypt) ?? existing.decode(column: "key_enc", as: String.self)
                if before.url != url {
                    // Another platform: its ids are not the old one's. The old copies go offline, the new base is read whole.
                    let seq = try await self.bumpKnowledgeSeq(db)
                    try await db.raw("""
                        UPDATE kb_entries SET status = 'archived', live = NULL, live_version = NULL, change_seq = \(bind: seq), shared_entry_id = -id
                        WHERE shared_source_id = \(bind: id) AND shared_entry_id > 0
                        """).run()
                }
                // Other categories (or another platform): read from the start; versions held change nothing, entries no
                // longer followed are archived on the way.
                let restart = before.url != url || before.categories != codes
                row = try await db.raw("""
                    UPDATE kb_sources SET name = \(bind: name), url = \(bind: url), key_enc = \(bind: keyEnc), categories = \(bind: codes.joined(separator: ",")),
                      active = \(bind: active), cursor = \(bind: restart ? 0 : before.cursor) WHERE id = \(bind: id) RETURNING *
                    """).first()
            } else {
                guard let key else { throw HotlineError.invalid("apiKey", "须提供来源平台签发的密钥 (the source's key is required)") }
                row = try await db.raw("""
                    INSERT INTO kb_sources (center_id, name, url, key_enc, categories, cursor, active, received, created_at)
                    VALUES (\(bind: centerId), \(bind: name), \(bind: url), \(bind: try self.cipher.encrypt(key)), \(bind: codes.joined(separator: ",")), 0,
                      \(bind: active), 0, \(bind: at.millis)) RETURNING *
                    """).first()
            }
            guard let row else { throw HotlineError(.insertFailed, "知识来源未保存") }
            return try Self.knowledgeSource(from: row)
        }
    }

    /// Every active source with its key, for the sync service.
    public func activeKnowledgeSources() async throws -> [(source: KnowledgeSource, apiKey: String)] {
        try await database.read { db in
            try await db.raw("SELECT * FROM kb_sources WHERE active = \(bind: true) ORDER BY id").all().map { row in
                (try Self.knowledgeSource(from: row), try self.cipher.decrypt(try row.decode(column: "key_enc", as: String.self)))
            }
        }
    }

    /// Keeps a page of a source's entries: each wanted one as a read-only, verified copy at the source's version
    /// (older or equal versions change nothing); archived at the source, or no longer in the followed categories,
    /// archived here. The cursor moves with the page, in the same transaction.
    public func applySharedKnowledge(sourceId: Int64, from cursor: Int64, _ page: SharedKnowledgePage) async throws -> SharedKnowledgeOutcome {
        let at = now
        // An entry this platform cannot keep (a field too long for it) is passed over, not a wall every later entry stops at.
        let checked = page.entries.compactMap { entry in (try? entry.content()).map { (entry, $0) } }
        return try await database.transaction { db in
            guard let row = try await db.raw("SELECT * FROM kb_sources WHERE id = \(bind: sourceId)\(unsafeRaw: self.forUpdate)").first() else {
                throw HotlineError.notFound("知识来源")
            }
            let source = try Self.knowledgeSource(from: row)
            // Another node took this page already.
            guard source.cursor == cursor else { return SharedKnowledgeOutcome() }
            var outcome = SharedKnowledgeOutcome()
            let actor = Actor(kind: .system, userId: nil, name: source.name, role: nil, unitId: nil, unitPath: [], centerId: source.centerId)
            let known = try await self.activeCategories(Set(checked.compactMap(\.1.categoryCode)), db)
            for (shared, content) in checked {
                let wanted = shared.wanted(by: source.categories) && !shared.archived
                let existing = try await db.raw("""
                    SELECT * FROM kb_entries WHERE shared_source_id = \(bind: sourceId) AND shared_entry_id = \(bind: shared.id)\(unsafeRaw: self.forUpdate)
                    """).first()
                var local = content
                if let code = local.categoryCode, !known.contains(code) { local.categoryCode = nil }
                let origin = "\(source.name) · 第\(shared.version)版"
                if let existing {
                    let entry = try Self.knowledgeEntry(from: existing)
                    let heldVersion = try existing.decode(column: "shared_version", as: Int64?.self) ?? 0
                    let archive = !wanted && entry.status != .archived
                    guard archive || (wanted && (Int64(shared.version) > heldVersion || entry.status == .archived)) else {
                        outcome.unchanged += 1
                        continue
                    }
                    let seq = try await self.bumpKnowledgeSeq(db)
                    let status: KnowledgeStatus = wanted ? .published : .archived
                    let live = wanted ? local : entry.live ?? local
                    try await db.raw("""
                        UPDATE kb_entries SET status = \(bind: status.rawValue), question = \(bind: live.question), content = \(bind: Self.json(live)),
                          category_code = \(bind: live.categoryCode), live = \(bind: Self.json(live)), version = \(bind: shared.version),
                          live_version = \(bind: shared.version), shared_version = \(bind: shared.version), origin = \(bind: origin),
                          updated_at = \(bind: at.millis), change_seq = \(bind: seq) WHERE id = \(bind: entry.id)
                        """).run()
                    var updated = entry
                    updated.status = status
                    updated.content = live
                    updated.version = shared.version
                    try await self.recordKnowledgeChange(db, entry: updated, action: wanted ? .approve : .archive, actor: actor,
                                                         note: "共享自\(origin)", snapshot: true, at: at)
                    outcome.applied += 1
                } else if wanted {
                    let seq = try await self.bumpKnowledgeSeq(db)
                    guard let inserted = try await db.raw("""
                        INSERT INTO kb_entries (center_id, status, question, content, category_code, version, live, live_version, usage_count, helpful_count,
                          unhelpful_count, created_at, updated_at, change_seq, shared_source_id, shared_entry_id, shared_version, origin)
                        VALUES (\(bind: source.centerId), 'published', \(bind: local.question), \(bind: Self.json(local)), \(bind: local.categoryCode),
                          \(bind: shared.version), \(bind: Self.json(local)), \(bind: shared.version), 0, 0, 0, \(bind: at.millis), \(bind: at.millis),
                          \(bind: seq), \(bind: sourceId), \(bind: shared.id), \(bind: shared.version), \(bind: origin))
                        RETURNING id
                        """).first() else { throw HotlineError(.insertFailed, "保存失败") }
                    let entry = KnowledgeEntry(id: try inserted.decode(column: "id", as: Int64.self), status: .published, content: local,
                                               version: shared.version, live: local, liveVersion: shared.version, createdAt: at, updatedAt: at)
                    try await self.recordKnowledgeChange(db, entry: entry, action: .approve, actor: actor, note: "共享自\(origin)", snapshot: true, at: at)
                    outcome.applied += 1
                } else {
                    outcome.skipped += 1
                }
            }
            try await db.raw("""
                UPDATE kb_sources SET cursor = \(bind: page.cursor), received = received + \(bind: outcome.applied), last_success_at = \(bind: at.millis)
                WHERE id = \(bind: sourceId)
                """).run()
            return outcome
        }
    }

    public func recordKnowledgeSourceError(id: Int64, error: String) async throws {
        let at = now.millis
        try await database.transaction { db in
            try await db.raw("""
                UPDATE kb_sources SET last_error = \(bind: String(error.prefix(500))), last_error_at = \(bind: at) WHERE id = \(bind: id)
                """).run()
        }
    }

    /// Error reports filed here on a source's copies, not yet sent back to it.
    public func reportsToForward(sourceId: Int64) async throws -> [(reportId: Int64, entryId: Int64, text: String)] {
        try await database.read { db in
            try await db.raw("""
                SELECT r.id, r.text, r.reporter_name, e.shared_entry_id FROM kb_reports r JOIN kb_entries e ON e.id = r.entry_id
                WHERE e.shared_source_id = \(bind: sourceId) AND r.forwarded_at IS NULL ORDER BY r.id LIMIT 100
                """).all().map { row in
                (try row.decode(column: "id", as: Int64.self), try row.decode(column: "shared_entry_id", as: Int64.self),
                 "\(try row.decode(column: "text", as: String.self))（\(try row.decode(column: "reporter_name", as: String.self))）")
            }
        }
    }

    public func markReportForwarded(_ id: Int64) async throws {
        let at = now.millis
        try await database.transaction { db in
            try await db.raw("UPDATE kb_reports SET forwarded_at = \(bind: at) WHERE id = \(bind: id) AND forwarded_at IS NULL").run()
        }
    }

    // MARK: Files

    /// The center's verified entries (its own and those it keeps from others) as they would travel.
    public func exportKnowledge(for actor: Actor) async throws -> [PortableKnowledge] {
        try actor.require(.readKnowledgeDrafts)
        let centerId = try actor.requireCenter()
        return try await database.read { db in
            let center = try await db.raw("SELECT name FROM units WHERE id = \(bind: centerId)").first()?.decode(column: "name", as: String.self) ?? "12345"
            return try await db.raw("""
                SELECT e.*, s.name AS source_name FROM kb_entries e LEFT JOIN kb_sources s ON s.id = e.shared_source_id
                WHERE e.center_id = \(bind: centerId) AND e.live_version IS NOT NULL AND e.status <> 'archived' ORDER BY e.id
                """).all().compactMap { row -> PortableKnowledge? in
                let entry = try Self.knowledgeEntry(from: row)
                guard var live = entry.live, let version = entry.liveVersion else { return nil }
                live.sourceUnitId = nil
                let shared = try row.decode(column: "shared_entry_id", as: Int64?.self)
                return PortableKnowledge(id: shared ?? entry.id, version: version, source: try row.decode(column: "source_name", as: String?.self) ?? center,
                                         archived: false, content: live, createdAt: entry.createdAt, updatedAt: entry.updatedAt)
            }
        }
    }

    /// Imports a file's entries as drafts of the actor's center, each marked with where it came from, for its editors to
    /// verify; an entry imported before (same source, id and version) is skipped. A bad entry refuses the whole file.
    public func importKnowledge(_ entries: [PortableKnowledge], by actor: Actor) async throws -> (created: Int, skipped: Int) {
        try actor.require(.editKnowledge)
        let centerId = try actor.requireCenter()
        guard entries.count <= 50_000 else { throw HotlineError.invalid("file", "一次最多导入50000条 (at most 50000 entries)") }
        let checked = try entries.enumerated().map { index, entry in
            do {
                return (entry, try entry.content())
            } catch let error as HotlineError {
                throw HotlineError.invalid("file", "第\(index + 1)条：\(error.message)")
            }
        }
        let at = now
        return try await database.transaction { db in
            let known = try await self.activeCategories(Set(checked.compactMap(\.1.categoryCode)), db)
            var created = 0
            var skipped = 0
            for (entry, content) in checked {
                let origin = "\(entry.source) #\(entry.id) · 第\(entry.version)版 · \(CivilDate(entry.updatedAt))"
                if try await db.raw("SELECT id FROM kb_entries WHERE center_id = \(bind: centerId) AND origin = \(bind: origin)").first() != nil {
                    skipped += 1
                    continue
                }
                var local = content
                if let code = local.categoryCode, !known.contains(code) { local.categoryCode = nil }
                let seq = try await self.bumpKnowledgeSeq(db)
                guard let row = try await db.raw("""
                    INSERT INTO kb_entries (center_id, status, question, content, category_code, version, usage_count, helpful_count, unhelpful_count,
                      created_by, updated_by, created_at, updated_at, change_seq, origin)
                    VALUES (\(bind: centerId), 'draft', \(bind: local.question), \(bind: Self.json(local)), \(bind: local.categoryCode), 1, 0, 0, 0,
                      \(bind: actor.userId), \(bind: actor.userId), \(bind: at.millis), \(bind: at.millis), \(bind: seq), \(bind: origin))
                    RETURNING id
                    """).first() else { throw HotlineError(.insertFailed, "保存失败") }
                let draft = KnowledgeEntry(id: try row.decode(column: "id", as: Int64.self), status: .draft, content: local, version: 1,
                                           updatedBy: actor.userId, createdAt: at, updatedAt: at)
                try await self.recordKnowledgeChange(db, entry: draft, action: .edit, actor: actor, note: "导入自\(origin)", snapshot: true, at: at)
                created += 1
            }
            return (created, skipped)
        }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Knowledge entries (知识库): writing, the review workflow, reading within a scope, and usage counts.
extension Store {
    static func knowledgeEntry(from row: any SQLRow) throws -> KnowledgeEntry {
        let decoder = JSONDecoder()
        guard let status = KnowledgeStatus(rawValue: try row.decode(column: "status", as: String.self)) else {
            throw HotlineError(.corruptRow, "知识库数据损坏")
        }
        let content = try decoder.decode(KnowledgeContent.self, from: Data(try row.decode(column: "content", as: String.self).utf8))
        let live = try row.decode(column: "live", as: String?.self).map { try decoder.decode(KnowledgeContent.self, from: Data($0.utf8)) }
        return KnowledgeEntry(
            id: try row.decode(column: "id", as: Int64.self), status: status, content: content, version: try row.decode(column: "version", as: Int.self),
            live: live, liveVersion: try row.decode(column: "live_version", as: Int?.self), updatedBy: try row.decode(column: "updated_by", as: Int64?.self),
            usageCount: try row.decode(column: "usage_count", as: Int.self), helpfulCount: try row.decode(column: "helpful_count", as: Int.self),
            unhelpfulCount: try row.decode(column: "unhelpful_count", as: Int.self),
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            origin: try row.decode(column: "origin", as: String?.self), shared: try row.decode(column: "shared_source_id", as: Int64?.self) != nil)
    }

    static func json(_ content: KnowledgeContent?) -> String? {
        content.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
    }

    /// Advances the change counter every node's index follows; returns the new value.
    func bumpKnowledgeSeq(_ db: any SQLDatabase, synonyms: Bool = false) async throws -> Int64 {
        let extra: SQLQueryString = synonyms ? ", synonyms_seq = seq + 1" : ""
        guard let row = try await db.raw("UPDATE kb_head SET seq = seq + 1\(extra) WHERE id = 1 RETURNING seq").first() else {
            throw HotlineError(.kbHeadMissing, "知识库版本缺失")
        }
        return try row.decode(column: "seq", as: Int64.self)
    }

    func recordKnowledgeChange(_ db: any SQLDatabase, entry: KnowledgeEntry, action: KnowledgeAction, actor: Actor, note: String?,
                                       snapshot: Bool, at: Date) async throws {
        try await db.raw("""
            INSERT INTO kb_history (entry_id, version, action, actor_id, actor_name, at, note, snapshot)
            VALUES (\(bind: entry.id), \(bind: entry.version), \(bind: action.rawValue), \(bind: actor.userId), \(bind: actor.name),
              \(bind: at.millis), \(bind: note), \(bind: snapshot ? Self.json(entry.content) : nil))
            """).run()
    }

    private func saveKnowledge(_ db: any SQLDatabase, _ entry: KnowledgeEntry, by actor: Actor) async throws {
        let seq = try await bumpKnowledgeSeq(db)
        try await db.raw("""
            UPDATE kb_entries SET status = \(bind: entry.status.rawValue), question = \(bind: entry.content.question),
              content = \(bind: Self.json(entry.content)), category_code = \(bind: entry.content.categoryCode),
              source_unit_id = \(bind: entry.content.sourceUnitId), version = \(bind: entry.version), live = \(bind: Self.json(entry.live)),
              live_version = \(bind: entry.liveVersion), updated_by = \(bind: entry.updatedBy), updated_at = \(bind: entry.updatedAt.millis),
              change_seq = \(bind: seq)
            WHERE id = \(bind: entry.id)
            """).run()
    }

    /// Checks that a source unit lies in the actor's center.
    private func checkSource(_ content: KnowledgeContent, _ actor: Actor, _ db: any SQLDatabase) async throws {
        guard let source = content.sourceUnitId else { return }
        guard let unit = try await unit(source, db), unit.centerId == actor.centerId else {
            throw HotlineError(.unknownUnit, "来源单位不存在 (no such source unit)")
        }
    }

    /// Writes a new entry as a draft.
    public func createKnowledge(_ content: KnowledgeContent, by actor: Actor) async throws -> KnowledgeEntry {
        let content = try content.validated()
        guard KnowledgeWorkflow.mayWrite(sourceUnitId: content.sourceUnitId, by: actor) else {
            throw HotlineError.forbidden("当前角色无权编写该知识 (your role may not write this entry)")
        }
        let at = now
        return try await database.transaction { db in
            try await self.checkSource(content, actor, db)
            if let code = content.categoryCode, try await self.activeCategories([code], db).isEmpty { throw Self.unknownCategory(code) }
            let seq = try await self.bumpKnowledgeSeq(db)
            guard let row = try await db.raw("""
                INSERT INTO kb_entries (center_id, status, question, content, category_code, source_unit_id, version, usage_count,
                  helpful_count, unhelpful_count, created_by, updated_by, created_at, updated_at, change_seq)
                VALUES (\(bind: actor.centerId), 'draft', \(bind: content.question), \(bind: Self.json(content)), \(bind: content.categoryCode),
                  \(bind: content.sourceUnitId), 1, 0, 0, 0, \(bind: actor.userId), \(bind: actor.userId), \(bind: at.millis), \(bind: at.millis),
                  \(bind: seq))
                RETURNING id
                """).first() else { throw HotlineError(.insertFailed, "保存失败") }
            let entry = KnowledgeEntry(id: try row.decode(column: "id", as: Int64.self), status: .draft, content: content, version: 1,
                                       updatedBy: actor.userId, createdAt: at, updatedAt: at)
            try await self.recordKnowledgeChange(db, entry: entry, action: .edit, actor: actor, note: nil, snapshot: true, at: at)
            return entry
        }
    }

    /// The entry changed after the caller read it.
    static let knowledgeChanged = HotlineError(.concurrentUpdate, "条目已被他人修改，请刷新后重试 (the entry was changed by someone else)")

    /// Loads an entry within the actor's center for a change, locked.
    private func lockedKnowledge(_ id: Int64, _ actor: Actor, _ db: any SQLDatabase) async throws -> KnowledgeEntry {
        guard let row = try await db.raw("""
            SELECT * FROM kb_entries WHERE id = \(bind: id) AND center_id = \(bind: actor.centerId)\(unsafeRaw: forUpdate)
            """).first() else { throw HotlineError.notFound("知识条目") }
        return try Self.knowledgeEntry(from: row)
    }

    /// Changes the working copy (a new version, back to draft); the verified version stays live until the change is approved.
    /// `expectedVersion` guards against overwriting someone else's edit.
    public func editKnowledge(id: Int64, content: KnowledgeContent, expectedVersion: Int?, by actor: Actor) async throws -> KnowledgeEntry {
        let content = try content.validated()
        let at = now
        return try await database.transaction { db in
            let entry = try await self.lockedKnowledge(id, actor, db)
            guard !entry.shared else { throw Self.sharedEntry }
            if let expected = expectedVersion, expected != entry.version { throw Self.knowledgeChanged }
            guard KnowledgeWorkflow.mayWrite(sourceUnitId: content.sourceUnitId, by: actor) else {
                throw HotlineError.forbidden("当前角色无权编写该知识 (your role may not write this entry)")
            }
            try await self.checkSource(content, actor, db)
            if let code = content.categoryCode, try await self.activeCategories([code], db).isEmpty { throw Self.unknownCategory(code) }
            var updated = try KnowledgeWorkflow.apply(.edit, to: entry, by: actor, note: "", at: at)
            updated.content = content
            updated.version = entry.version + 1
            updated.updatedBy = actor.userId
            try await self.saveKnowledge(db, updated, by: actor)
            try await self.recordKnowledgeChange(db, entry: updated, action: .edit, actor: actor, note: nil, snapshot: true, at: at)
            return updated
        }
    }

    /// Submits, approves, rejects, archives or restores an entry. With `expectedVersion`, an entry changed since the
    /// caller read it is refused (409): a verifier approves exactly the version they checked.
    public func knowledgeAction(id: Int64, _ action: KnowledgeAction, note: String, expectedVersion: Int? = nil, by actor: Actor) async throws
        -> KnowledgeEntry
    {
        guard action != .edit else { throw HotlineError.invalid("action", "请用编辑接口修改内容 (edit through the edit call)") }
        guard note.count <= 2000 else { throw HotlineError.invalid("note", "最多2000字 (at most 2000 characters)") }
        let at = now
        return try await database.transaction { db in
            let entry = try await self.lockedKnowledge(id, actor, db)
            guard !entry.shared else { throw Self.sharedEntry }
            if let expected = expectedVersion, expected != entry.version { throw Self.knowledgeChanged }
            let updated = try KnowledgeWorkflow.apply(action, to: entry, by: actor, note: note, at: at)
            try await self.saveKnowledge(db, updated, by: actor)
            let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
            try await self.recordKnowledgeChange(db, entry: updated, action: action, actor: actor, note: trimmed.isEmpty ? nil : trimmed,
                                                 snapshot: false, at: at)
            return updated
        }
    }

    /// One entry as `actor` may see it: the working copy for its writers and verifiers, otherwise only while it is live.
    public func knowledge(id: Int64, for actor: Actor) async throws -> KnowledgeEntry {
        let today = CivilDate(now)
        let entry = try await database.read { db -> KnowledgeEntry? in
            try await db.raw("SELECT * FROM kb_entries WHERE id = \(bind: id) AND center_id = \(bind: actor.centerId)").first()
                .map(Self.knowledgeEntry(from:))
        }
        guard let entry, KnowledgeWorkflow.seesWorkingCopy(entry, by: actor) || entry.frontVersion(on: today) != nil else {
            throw HotlineError.notFound("知识条目")
        }
        return entry
    }

    /// The entry's history, oldest first (writers, verifiers and auditors only).
    public func knowledgeHistory(id: Int64, for actor: Actor) async throws -> [KnowledgeChange] {
        let entry = try await knowledge(id: id, for: actor)
        guard KnowledgeWorkflow.seesWorkingCopy(entry, by: actor) else { return [] }
        return try await database.read { db in
            try await db.raw("SELECT * FROM kb_history WHERE entry_id = \(bind: id) ORDER BY id").all().compactMap { row in
                guard let action = KnowledgeAction(rawValue: try row.decode(column: "action", as: String.self)) else { return nil }
                return KnowledgeChange(
                    version: try row.decode(column: "version", as: Int.self), action: action,
                    actorName: try row.decode(column: "actor_name", as: String.self),
                    at: Date(millis: try row.decode(column: "at", as: Int64.self)), note: try row.decode(column: "note", as: String?.self),
                    snapshot: try row.decode(column: "snapshot", as: String?.self).flatMap {
                        try? JSONDecoder().decode(KnowledgeContent.self, from: Data($0.utf8))
                    })
            }
        }
    }

    /// Entries of the actor's center for editors and reviewers, most recently changed first. Who may see what is
    /// decided in the query: editors, admins and auditors see every entry; a unit's staff their unit's entries and
    /// what is live; everyone else what is live. An entry the actor may only see live comes back as its live version
    /// (content, version, published), never its working copy. Entries outside their effective dates are dropped
    /// after the query, so a page can come back a little short.
    public func knowledgeList(_ filter: KnowledgeFilter, for actor: Actor) async throws -> [KnowledgeEntry] {
        try await database.read { db in
            var conditions: [SQLQueryString] = ["center_id = \(bind: actor.centerId)"]
            let live: SQLQueryString = "(status <> 'archived' AND live IS NOT NULL)"
            let ownUnit: SQLQueryString = "source_unit_id = \(bind: actor.unitId ?? -1)"
            let scope = Self.knowledgeScope(actor)
            // What is only seen live counts as published, whatever its working copy is doing.
            let statuses: SQLQueryString = filter.statuses.isEmpty ? "1 = 1" : "status IN (\(binds: filter.statuses.map(\.rawValue)))"
            let liveListed: SQLQueryString = filter.statuses.isEmpty || filter.statuses.contains(.published) ? live : "1 = 0"
            switch scope {
            case .all: conditions.append(statuses)
            case .ownUnitAndLive: conditions.append("((\(ownUnit) AND \(statuses)) OR \(liveListed))")
            case .live: conditions.append(liveListed)
            }
            if let text = filter.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
                let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                    .replacingOccurrences(of: "_", with: "\\_") + "%"
                let inLive: SQLQueryString = "live LIKE \(bind: pattern) ESCAPE '\\'"
                let inWorking: SQLQueryString = "content LIKE \(bind: pattern) ESCAPE '\\'"
                switch scope {
                case .all: conditions.append("(\(inWorking) OR \(inLive))")
                case .ownUnitAndLive: conditions.append("((\(ownUnit) AND \(inWorking)) OR \(inLive))")
                case .live: conditions.append(inLive)
                }
            }
            if filter.toVerify {
                if actor.role?.may(.editKnowledge) == true {
                    conditions.append(actor.role?.may(.verifyUnitKnowledge) == true ? "1 = 1" : "source_unit_id IS NULL")
                } else {
                    conditions.append("source_unit_id = \(bind: actor.unitId ?? -1)")
                }
            }
            let rows = try await db.raw("""
                SELECT * FROM kb_entries WHERE \(conditions.joined(separator: " AND "))
                ORDER BY updated_at DESC, id DESC LIMIT \(literal: min(max(filter.limit, 1), 200)) OFFSET \(literal: max(filter.offset, 0))
                """).all()
            let today = CivilDate(self.now)
            return try rows.map(Self.knowledgeEntry(from:)).compactMap { entry in
                if KnowledgeWorkflow.seesWorkingCopy(entry, by: actor) { return entry }
                guard let front = entry.frontVersion(on: today) else { return nil }
                var shown = entry
                shown.content = front
                shown.status = .published
                shown.version = entry.liveVersion ?? entry.version
                return shown
            }
        }
    }

    enum KnowledgeScope { case all, ownUnitAndLive, live }

    /// Which entries `actor` sees beyond the live ones (KnowledgeWorkflow.seesWorkingCopy, as a query can ask it).
    static func knowledgeScope(_ actor: Actor) -> KnowledgeScope {
        guard let role = actor.role else { return .live }
        if role.may(.readKnowledgeDrafts) { return .all }
        return role.may(.handleTickets) ? .ownUnitAndLive : .live
    }

    /// Counts a use of a live entry (an agent answered with it) and, when given, whether it helped. Search hits on
    /// every node show the new counts after their next refresh.
    public func recordKnowledgeUse(id: Int64, helpful: Bool?, used: Bool, centerId: Int64?) async throws {
        let today = CivilDate(now)
        try await database.transaction { db in
            // The entry is locked before the change counter, in the same order as edits and approvals take them.
            guard let row = try await db.raw("""
                SELECT * FROM kb_entries WHERE id = \(bind: id) AND center_id = \(bind: centerId)\(unsafeRaw: self.forUpdate)
                """).first(),
                try Self.knowledgeEntry(from: row).frontVersion(on: today) != nil
            else { throw HotlineError.notFound("知识条目") }
            let use: Int64 = used ? 1 : 0
            let yes: Int64 = helpful == true ? 1 : 0
            let no: Int64 = helpful == false ? 1 : 0
            // A new change number, so every node's index shows the new counts with its search hits.
            let seq = try await self.bumpKnowledgeSeq(db)
            try await db.raw("""
                UPDATE kb_entries SET usage_count = usage_count + \(bind: use), helpful_count = helpful_count + \(bind: yes),
                  unhelpful_count = unhelpful_count + \(bind: no), change_seq = \(bind: seq) WHERE id = \(bind: id)
                """).run()
        }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Moving tickets through their life: the lifecycle applied to a locked row, written with its event in one transaction.
extension Store {
    // MARK: Lifecycle

    /// Takes one lifecycle action on a ticket, as one transaction; `files` come with the action's history event.
    public func perform(_ input: ActionInput, onTicket id: Int64, by actor: Actor, files uploads: [CheckedUpload] = []) async throws -> TicketRecord {
        let at = now
        let row = try await withStagedFiles(uploads) { staged in
            try await database.transaction { db in
                // A merge locks two tickets: always the lower id first, so that two opposite merges cannot deadlock.
                if input.code == .merge, let target = input.targetTicketId, target < id {
                    _ = try await self.ticketRow(target, db, lock: true)
                }
                let row = try await self.visibleRow(id, actor, db, lock: true)
                return try await self.act(input, on: row, by: actor, at: at, files: staged, db).row
            }
        }
        return try record(row)
    }

    /// Resolves the units an input names, applies it to a locked row and records its files.
    func act(_ input: ActionInput, on row: TicketRow, by actor: Actor, at: Date, files: [StagedFile], _ db: any SQLDatabase) async throws -> Transitioned {
        var units: [Int64: UnitRef] = [:]
        for unitId in input.unitIds {
            if let unit = try await self.unit(unitId, db) { units[unitId] = unit.ref }
        }
        let action = try input.action(units: units)
        let done: Transitioned
        if case .merge(let targetId, _) = action {
            done = try await merge(row, into: targetId, action: action, actor: actor, at: at, db)
        } else {
            done = try await transition(row, action: action, actor: actor, at: at, db)
        }
        try await attach(files, ticketId: done.row.id, eventSeq: done.eventSeq, actor: actor, at: at, db)
        return done
    }

    /// A row after a transition and the sequence number of the event that recorded it.
    struct Transitioned: Sendable {
        var row: TicketRow
        var eventSeq: Int64
    }

    /// Applies the lifecycle to a locked row and writes the ticket, units, event and supervision.
    func transition(_ row: TicketRow, action: TicketAction, actor: Actor, at: Date, _ db: any SQLDatabase) async throws -> Transitioned {
        guard row.sourceUserId == nil else { throw Self.readOnlyCopy }
        let state = row.state
        let lifecycle = try await lifecycle(db)
        let result = try lifecycle.apply(action, to: state, by: actor, at: at)
        var updated = row
        updated.state = result.ticket
        updated.version = row.version + 1
        updated.updatedAt = at.millis
        var update = db.update("tickets")
        for (column, value) in zip(TicketRow.columns, updated.values) { update = update.set(SQLIdentifier(column), to: value) }
        let changed = try await update.where("id", .equal, row.id).where("version", .equal, row.version).returning("id").first()
        guard changed != nil else { throw HotlineError.concurrentUpdate }
        if result.ticket.mainUnitId != state.mainUnitId || result.ticket.coUnitIds != state.coUnitIds
            || result.ticket.responsibleUnitIds != state.responsibleUnitIds {
            try await syncTicketUnits(result.ticket, db)
        }
        let seq = try await appendEvent(db, ticketId: state.id, number: row.number, actor: actor, draft: result.event, at: at)
        if let supervision = result.supervision {
            try await db.raw("""
                INSERT INTO supervisions (ticket_id, level, method, reason, automatic, created_by, created_at)
                VALUES (\(bind: state.id), \(bind: supervision.level.rawValue), \(bind: supervision.method.rawValue), \(bind: supervision.reason),
                  \(bind: supervision.method == .automatic), \(bind: actor.userId), \(bind: at.millis))
                """).run()
        }
        return Transitioned(row: updated, eventSeq: seq)
    }

    private func merge(_ row: TicketRow, into targetId: Int64, action: TicketAction, actor: Actor, at: Date, _ db: any SQLDatabase) async throws -> Transitioned {
        // Whoever may not merge this ticket learns nothing about the target.
        try await lifecycle(db).authorize(.merge, on: row.state, by: actor)
        guard let target = try await ticketRow(targetId, db, lock: true) else {
            throw HotlineError(.invalidMerge, "目标工单不存在 (no target ticket)")
        }
        try Lifecycle.checkMergeTarget(target.state, for: row.state)
        let merged = try await transition(row, action: action, actor: actor, at: at, db)
        let targetState = target.state
        try await appendEvent(db, ticketId: targetId, number: target.number, actor: actor, draft: EventDraft(
            action: .mergedFrom, fromStatus: targetState.status, toStatus: targetState.status, note: "合并重复件 \(row.number)",
            details: ["mergedTicket": [row.number]]), at: at)
        return merged
    }

    /// Rewrites which units hold the ticket, for data-scope queries.
    func syncTicketUnits(_ state: TicketState, _ db: any SQLDatabase) async throws {
        try await db.raw("DELETE FROM ticket_units WHERE ticket_id = \(bind: state.id)").run()
        var entries: [(Int64, String)] = []
        if let main = state.mainUnitId { entries.append((main, "main")) }
        entries += state.coUnitIds.map { ($0, "co") }
        entries += state.responsibleUnitIds.filter { $0 != state.mainUnitId }.map { ($0, "handler") }
        for (unitId, role) in entries {
            guard let unit = try await unit(unitId, db) else { continue }
            try await db.raw("""
                INSERT INTO ticket_units (ticket_id, unit_id, unit_path, role) VALUES (\(bind: state.id), \(bind: unitId), \(bind: unit.pathText), \(bind: role))
                """).run()
        }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Appeals (申诉销号): a unit appeals one ticket's count in one indicator; a center supervisor decides; an approved
/// appeal excludes the ticket from that indicator in every later result of the period.
extension Store {
    static func appeal(from row: any SQLRow) throws -> Appeal {
        guard let status = Appeal.Status(rawValue: try row.decode(column: "status", as: String.self)) else {
            throw HotlineError(.corruptRow, "申诉数据损坏")
        }
        return Appeal(
            id: try row.decode(column: "id", as: Int64.self), centerId: try row.decode(column: "center_id", as: Int64.self),
            unitId: try row.decode(column: "unit_id", as: Int64.self), ticketId: try row.decode(column: "ticket_id", as: Int64.self),
            period: try row.decode(column: "period", as: String.self), indicatorCode: try row.decode(column: "indicator_code", as: String.self),
            reason: try row.decode(column: "reason", as: String.self), status: status,
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            decidedAt: try row.decode(column: "decided_at", as: Int64?.self).map(Date.init(millis:)),
            decisionNote: try row.decode(column: "decision_note", as: String?.self), eventSeq: try row.decode(column: "event_seq", as: Int64?.self))
    }

    /// The approved appeals of a period: what the assessment leaves out.
    func appealExclusions(centerId: Int64, period: AssessmentPeriod, _ db: any SQLDatabase) async throws -> Set<AppealExclusion> {
        Set(try await db.raw("""
            SELECT ticket_id, indicator_code, unit_id FROM assessment_appeals
            WHERE center_id = \(bind: centerId) AND period = \(bind: period.code) AND status = 'approved'
            """).all().map { row in
            AppealExclusion(ticketId: try row.decode(column: "ticket_id", as: Int64.self),
                            indicatorCode: try row.decode(column: "indicator_code", as: String.self),
                            unitId: try row.decode(column: "unit_id", as: Int64.self))
        })
    }

    /// A unit's appeal against `ticketId` counting against it in `indicatorCode` of `period`. Refused before the
    /// period has ended, after its appeal window, when the ticket does not count against the unit there, or when the
    /// unit already appealed it there.
    /// `files` are its evidence (checked by `Appeal.evidence`), recorded on the appeal's event in the ticket's history.
    public func fileAppeal(period: AssessmentPeriod, ticketId: Int64, indicatorCode: String, reason: String, files uploads: [CheckedUpload] = [],
                           by actor: Actor) async throws -> Appeal
    {
        let centerId = try actor.require(.appealAssessment).requireCenter()
        guard let unitId = actor.unitId else { throw HotlineError.forbidden("账号不属于任何单位 (no unit)") }
        let reason = try Appeal.checkedReason(reason)
        guard uploads.count <= Appeal.evidence.maxFiles, uploads.allSatisfy({ $0.data.count <= Appeal.evidence.maxBytes }) else {
            throw HotlineError.invalid("files", "证明材料最多\(Appeal.evidence.maxFiles)个，每个不超过5MB (at most 3 files of 5 MB)")
        }
        let at = now
        return try await withStagedFiles(uploads) { staged in try await database.transaction { db in
            let window = try await self.assessmentScheme(centerId, db).appealWindow
            guard Appeal.isOpen(period, at: at, calendar: try await self.calendar(db), workingDays: window) else {
                throw HotlineError(.invalidState, at < period.instants.end
                    ? "\(period.code)尚未结束，期末后方可申诉 (appeals open when the period has ended)"
                    : "\(period.code)的申诉期已过 (the appeal window of \(period.code) has closed)")
            }
            // The ticket's row lock first: two submits of the same appeal take turns, and the second finds the first.
            guard let row = try await self.ticketRow(ticketId, db, lock: true) else { throw HotlineError.notFound("工单") }
            let (assessment, _) = try await self.assessment(centerId: centerId, period: period, db)
            guard let indicator = assessment.scheme.indicators.first(where: { $0.code == indicatorCode }) else {
                throw HotlineError.invalid("indicator", "没有这项指标 (no such indicator: \(indicatorCode))")
            }
            guard indicator.role != .knowledge else {
                throw HotlineError.invalid("indicator", "知识库维护指标不按工单申诉 (a knowledge indicator is not appealed by ticket)")
            }
            let counted = assessment.drillDown(try await self.workload(centerId: centerId, period: period, db), unitId: unitId,
                                               indicatorCode: indicatorCode)
            guard Set(counted.numerator + counted.denominator).contains(ticketId) else {
                throw HotlineError(.invalidState, "该工单不计入本单位本期的这项指标 (the ticket does not count for your unit there)")
            }
            let open = try await db.raw("""
                SELECT id FROM assessment_appeals WHERE center_id = \(bind: centerId) AND period = \(bind: period.code)
                  AND ticket_id = \(bind: ticketId) AND indicator_code = \(bind: indicatorCode) AND unit_id = \(bind: unitId)
                  AND status <> 'denied'
                """).first()
            guard open == nil else { throw HotlineError(.invalidState, "该工单已申诉 (already appealed)") }
            guard let inserted = try await db.raw("""
                INSERT INTO assessment_appeals (center_id, unit_id, ticket_id, period, indicator_code, reason, status, created_by, created_at)
                VALUES (\(bind: centerId), \(bind: unitId), \(bind: ticketId), \(bind: period.code), \(bind: indicatorCode), \(bind: reason),
                  'pending', \(bind: actor.userId), \(bind: at.millis)) RETURNING id
                """).first() else { throw HotlineError(.insertFailed, "申诉保存失败") }
            let id = try inserted.decode(column: "id", as: Int64.self)
            var details = ["period": [period.code], "indicator": [indicatorCode], "appeal": [String(id)]]
            if !staged.isEmpty { details["files"] = staged.map(\.upload.name) }
            let seq = try await self.appendEvent(db, ticketId: ticketId, number: row.number, actor: actor, draft: EventDraft(
                action: .appealAssessment, fromStatus: nil, toStatus: nil, note: reason, details: details), at: at)
            try await self.attach(staged, ticketId: ticketId, eventSeq: seq, actor: actor, at: at, db)
            try await db.raw("UPDATE assessment_appeals SET event_seq = \(bind: seq) WHERE id = \(bind: id)").run()
            return Appeal(id: id, centerId: centerId, unitId: unitId, ticketId: ticketId, period: period.code, indicatorCode: indicatorCode,
                          reason: reason, status: .pending, createdAt: at, eventSeq: seq)
        } }
    }

    /// The evidence of each appeal (by appeal id): the files recorded with the event that filed it.
    public func appealFiles(_ appeals: [Appeal]) async throws -> [Int64: [StoredFile]] {
        let bySeq = Dictionary(appeals.compactMap { appeal in appeal.eventSeq.map { ($0, appeal.id) } }, uniquingKeysWith: { a, _ in a })
        guard !bySeq.isEmpty else { return [:] }
        return try await database.read { db in
            var files: [Int64: [StoredFile]] = [:]
            for row in try await db.raw("SELECT * FROM attachments WHERE event_seq IN (\(binds: Array(bySeq.keys))) ORDER BY id").all() {
                let file = try Self.storedFile(from: row)
                if let seq = file.eventSeq, let appeal = bySeq[seq] { files[appeal, default: []].append(file) }
            }
            return files
        }
    }

    /// A center supervisor's decision: approving takes the ticket out of the indicator (third-party review may be
    /// given as the note); the decision is an event of the ticket's history.
    public func decideAppeal(id: Int64, approve: Bool, note: String, by actor: Actor) async throws -> Appeal {
        let centerId = try actor.require(.decideAppeals).requireCenter()
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 2000 else { throw HotlineError.invalid("note", "不能超过2000字 (at most 2000 characters)") }
        guard approve || !note.isEmpty else { throw HotlineError.invalid("note", "不予核减须说明理由 (a denial needs a reason)") }
        let at = now
        return try await database.transaction { db in
            guard let row = try await db.raw("""
                SELECT * FROM assessment_appeals WHERE id = \(bind: id) AND center_id = \(bind: centerId)\(unsafeRaw: self.forUpdate)
                """).first() else { throw HotlineError.notFound("申诉") }
            var appeal = try Self.appeal(from: row)
            guard appeal.status == .pending else { throw HotlineError(.invalidState, "该申诉已审核 (already decided)") }
            appeal.status = approve ? .approved : .denied
            appeal.decidedAt = at
            appeal.decisionNote = note.isEmpty ? nil : note
            try await db.raw("""
                UPDATE assessment_appeals SET status = \(bind: appeal.status.rawValue), decided_by = \(bind: actor.userId),
                  decided_at = \(bind: at.millis), decision_note = \(bind: appeal.decisionNote) WHERE id = \(bind: id)
                """).run()
            let number = try await self.ticketRow(appeal.ticketId, db)?.number
            try await self.appendEvent(db, ticketId: appeal.ticketId, number: number, actor: actor, draft: EventDraft(
                action: .decideAppeal, fromStatus: nil, toStatus: nil,
                note: (approve ? "申诉核减" : "申诉未通过") + (note.isEmpty ? "" : "：\(note)"),
                details: ["period": [appeal.period], "indicator": [appeal.indicatorCode], "appeal": [String(id)], "approved": [String(approve)]]),
                at: at)
            return appeal
        }
    }

    /// A period's appeals: all of the center's for its assessors, the own unit's for a unit.
    public func appeals(period: AssessmentPeriod, for actor: Actor) async throws -> [Appeal] {
        let centerId = try actor.requireCenter()
        let scope: SQLQueryString
        if actor.may(.viewAssessment) {
            scope = "1 = 1"
        } else if actor.may(.appealAssessment), let unitId = actor.unitId {
            scope = "unit_id = \(bind: unitId)"
        } else {
            throw HotlineError.forbidden("当前角色无权查看考核申诉 (your role may not see appeals)")
        }
        return try await database.read { db in
            try await db.raw("""
                SELECT * FROM assessment_appeals WHERE center_id = \(bind: centerId) AND period = \(bind: period.code) AND \(scope)
                ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, id
                """).all().map(Self.appeal(from:))
        }
    }
}

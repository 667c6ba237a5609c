import Foundation
import HotlineCore
import SQLKit

/// A call 110 diverts to 12345 (非警务警情分流), as its platform sends it.
public struct DivertedCall: Sendable, Equatable {
    /// 接警单编号: one call, one ticket — the same number again is the same ticket.
    public var alarmNumber: String
    /// 处警单编号.
    public var dispatchNumber: String?
    /// The diversion item's code (分流事项).
    public var itemCode: String
    public var title: String?
    public var content: String
    public var callerName: String?
    public var callerPhone: String?
    public var address: String?
    public var latitude: Double?
    public var longitude: Double?
    /// When the caller rang 110.
    public var calledAt: Date
    public var recordingURL: String?

    public init(alarmNumber: String, dispatchNumber: String? = nil, itemCode: String, title: String? = nil, content: String,
                callerName: String? = nil, callerPhone: String? = nil, address: String? = nil, latitude: Double? = nil, longitude: Double? = nil,
                calledAt: Date, recordingURL: String? = nil) {
        self.alarmNumber = alarmNumber
        self.dispatchNumber = dispatchNumber
        self.itemCode = itemCode
        self.title = title
        self.content = content
        self.callerName = callerName
        self.callerPhone = callerPhone
        self.address = address
        self.latitude = latitude
        self.longitude = longitude
        self.calledAt = calledAt
        self.recordingURL = recordingURL
    }
}

/// The 110 linkage (110↔12345 对接, DESIGN.md §6): the diversion list, calls diverted in, matters escalated out,
/// 110's acknowledgement and feedback, the timers that open supervision when 110 is late, and the report of both
/// directions. Progress of a diverted ticket goes back to 110 by the webhook relay (a subscription scoped to the
/// tickets the 110 account recorded).
extension Store {
    // MARK: The diversion list and the settings

    /// The center's diversion items (分流事项清单), by code.
    public func diversionItems(centerId: Int64, activeOnly: Bool = false) async throws -> [DiversionItem] {
        try await database.read { db in try await self.diversionItems(centerId: centerId, activeOnly: activeOnly, db) }
    }

    func diversionItems(centerId: Int64, activeOnly: Bool, _ db: any SQLDatabase) async throws -> [DiversionItem] {
        let active: SQLQueryString = activeOnly ? "AND active = \(bind: true)" : ""
        return try await db.raw("SELECT * FROM police_diversion_items WHERE center_id = \(bind: centerId) \(active) ORDER BY code").all().map { row in
            DiversionItem(
                id: try row.decode(column: "id", as: Int64.self), centerId: centerId, code: try row.decode(column: "code", as: String.self),
                name: try row.decode(column: "name", as: String.self), categoryCode: try row.decode(column: "category_code", as: String.self),
                type: TicketType(rawValue: try row.decode(column: "type", as: String.self)) ?? .help,
                urgency: Urgency(rawValue: try row.decode(column: "urgency", as: String.self)) ?? .normal,
                active: try row.decode(column: "active", as: Bool.self))
        }
    }

    /// Adds an item to the actor's center's list, or changes the one with its code.
    public func saveDiversionItem(_ item: DiversionItem, by actor: Actor) async throws -> DiversionItem {
        try actor.require(.manageReferenceData)
        let centerId = try actor.requireCenter()
        var item = try item.validated()
        item.centerId = centerId
        let saved = item
        return try await database.transaction { db in
            if try await self.activeCategories([saved.categoryCode], db).isEmpty { throw Self.unknownCategory(saved.categoryCode) }
            try await db.raw("""
                INSERT INTO police_diversion_items (center_id, code, name, category_code, type, urgency, active)
                VALUES (\(bind: centerId), \(bind: saved.code), \(bind: saved.name), \(bind: saved.categoryCode), \(bind: saved.type.rawValue),
                  \(bind: saved.urgency.rawValue), \(bind: saved.active))
                ON CONFLICT (center_id, code) DO UPDATE SET name = excluded.name, category_code = excluded.category_code, type = excluded.type,
                  urgency = excluded.urgency, active = excluded.active
                """).run()
            guard let stored = try await self.diversionItems(centerId: centerId, activeOnly: false, db).first(where: { $0.code == saved.code }) else {
                throw HotlineError(.corruptRow, "分流事项未保存")
            }
            return stored
        }
    }

    /// Gives a center the standard list (a new center, the demo city); items it has already are kept.
    public func addStandardDiversionItems(centerId: Int64) async throws {
        try await database.transaction { db in
            let known = try await self.activeCategories(Set(DiversionItem.standard(centerId: centerId).map(\.categoryCode)), db)
            for item in DiversionItem.standard(centerId: centerId) where known.contains(item.categoryCode) {
                try await db.raw("""
                    INSERT INTO police_diversion_items (center_id, code, name, category_code, type, urgency, active)
                    VALUES (\(bind: centerId), \(bind: item.code), \(bind: item.name), \(bind: item.categoryCode), \(bind: item.type.rawValue),
                      \(bind: item.urgency.rawValue), \(bind: true))
                    ON CONFLICT (center_id, code) DO NOTHING
                    """).run()
            }
        }
    }

    /// Which integration account is the center's 110 platform, and its timers.
    public struct PoliceSettings: Sendable, Equatable {
        public var platformUserId: Int64?
        public var timers: PoliceTimers

        public init(platformUserId: Int64? = nil, timers: PoliceTimers = PoliceTimers()) {
            self.platformUserId = platformUserId
            self.timers = timers
        }
    }

    public func policeSettings(centerId: Int64) async throws -> PoliceSettings {
        try await database.read { db in try await self.policeSettings(centerId: centerId, db) }
    }

    func policeSettings(centerId: Int64, _ db: any SQLDatabase) async throws -> PoliceSettings {
        guard let row = try await db.raw("SELECT * FROM police_settings WHERE center_id = \(bind: centerId)").first() else { return PoliceSettings() }
        return PoliceSettings(
            platformUserId: try row.decode(column: "platform_user_id", as: Int64?.self),
            timers: PoliceTimers(acknowledgeMinutes: try row.decode(column: "acknowledge_minutes", as: Int.self),
                                 urgentFeedbackMinutes: try row.decode(column: "urgent_feedback_minutes", as: Int.self),
                                 feedbackMinutes: try row.decode(column: "feedback_minutes", as: Int.self)))
    }

    /// Names the center's 110 platform account and its timers.
    public func savePoliceSettings(_ settings: PoliceSettings, by actor: Actor) async throws -> PoliceSettings {
        try actor.require(.manageIntegrations)
        let centerId = try actor.requireCenter()
        let timers = try settings.timers.validated()
        return try await database.transaction { db in
            if let userId = settings.platformUserId { try await self.checkScope(.recordedBy(userId), centerId: centerId, db) }
            try await db.raw("""
                INSERT INTO police_settings (center_id, platform_user_id, acknowledge_minutes, urgent_feedback_minutes, feedback_minutes)
                VALUES (\(bind: centerId), \(bind: settings.platformUserId), \(bind: timers.acknowledgeMinutes), \(bind: timers.urgentFeedbackMinutes),
                  \(bind: timers.feedbackMinutes))
                ON CONFLICT (center_id) DO UPDATE SET platform_user_id = excluded.platform_user_id, acknowledge_minutes = excluded.acknowledge_minutes,
                  urgent_feedback_minutes = excluded.urgent_feedback_minutes, feedback_minutes = excluded.feedback_minutes
                """).run()
            return try await self.policeSettings(centerId: centerId, db)
        }
    }

    // MARK: 110 → 12345

    /// Records a call 110 diverted: a ticket accepted on the 110 channel with the item's category and urgency (its
    /// deadline from the SLA policies), and the transfer with 110's references — in one transaction. The same alarm
    /// number again answers the first ticket (`replayed`); under other contents it is a 409.
    public func divertFrom110(_ call: DivertedCall, by actor: Actor) async throws
        -> (ticket: CreatedTicket, transfer: PoliceTransfer, deadlines: Deadlines) {
        guard actor.role?.may(.integrate) == true, let centerId = actor.centerId else {
            throw HotlineError(.notIntegration, "只有110平台的对接账号可以分流警情 (only an integration account diverts calls)")
        }
        let alarm = call.alarmNumber.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(alarm.count) else { throw HotlineError.invalid("alarmNumber", "请提供接警单编号（64字以内） (alarmNumber required)") }
        if let url = call.recordingURL, !WebAddress.isValid(url) {
            throw HotlineError.invalid("recordingUrl", "录音地址须为 http(s) 网址 (recordingUrl must be an http or https URL)")
        }
        guard (call.dispatchNumber ?? "").count <= 64, call.itemCode.count <= 40 else {
            throw HotlineError.invalid("dispatchNumber", "处警单编号不超过64字，事项编码不超过40字 (too long)")
        }
        // Another account of the center (a second 110 node) diverting the same call: the same refusal, not a crash.
        let taken = try await database.read { db in
            try await db.raw("""
                SELECT created_by FROM police_transfers WHERE center_id = \(bind: centerId) AND direction = 'fromPolice' AND alarm_number = \(bind: alarm)
                """).first()?.decode(column: "created_by", as: Int64?.self)
        }
        if let taken, taken != actor.userId {
            throw HotlineError(.duplicateReference, "接警单编号 \(alarm) 已由另一对接账号分流 (this alarm number was diverted by another account)")
        }
        guard let item = try await diversionItems(centerId: centerId, activeOnly: true).first(where: { $0.code == call.itemCode }) else {
            throw HotlineError(.unknownDiversionItem, "分流事项「\(call.itemCode)」不在本中心的分流事项清单中 (unknown diversion item)")
        }
        let draft = TicketDraft(
            channel: .police110, type: item.type, urgency: item.urgency,
            title: call.title.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 } ?? "\(item.name)（110分流）", content: call.content,
            categoryCode: item.categoryCode,
            location: Location(address: call.address, latitude: call.latitude, longitude: call.longitude),
            requester: Requester(name: call.callerName, phone: call.callerPhone))
        let started = call.calledAt
        do {
            let created = try await createTicket(draft, centerId: centerId, by: actor, idempotencyKey: "110:" + alarm, alongside: { row, db in
                try await db.raw("""
                    INSERT INTO police_transfers (ticket_id, center_id, direction, alarm_number, dispatch_number, item_code, started_at, recording_url,
                      platform_user_id, created_by)
                    VALUES (\(bind: row.id), \(bind: centerId), \(bind: TransferDirection.fromPolice.rawValue), \(bind: alarm), \(bind: call.dispatchNumber),
                      \(bind: item.code), \(bind: started.millis), \(bind: call.recordingURL), \(bind: actor.userId), \(bind: actor.userId))
                    """).run()
            })
            let transfers = try await policeTransfers(ticketId: created.ticket.state.id)
            guard let transfer = transfers.first(where: { $0.direction == .fromPolice }) else { throw HotlineError.notFound("110联动记录") }
            // The deadlines it runs to once dispatched now (the 110 channel's and the item's urgency's policy).
            let deadlines = try await database.read { db in
                try await self.lifecycle(db).planner.deadlines(for: created.ticket.state.deadlineSubject, from: self.now)
            }
            return (created, transfer, deadlines)
        } catch let error as HotlineError where error.code == .idempotencyKeyReused {
            throw HotlineError(.duplicateReference, "接警单编号 \(alarm) 已分流为另一内容的工单 (this alarm number was diverted with other contents)")
        }
    }

    // MARK: 12345 → 110

    /// Sends a ticket's police matter on to 110 (转110: fire, crime, danger to people), with the reason; the
    /// timers start. One escalation at a time: another while one waits for 110's feedback is a 409.
    public func escalateTo110(ticketId: Int64, reason: String, by actor: Actor) async throws -> PoliceTransfer {
        try actor.require(.dispatchTickets)
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...500).contains(reason.count) else { throw HotlineError.invalid("reason", "请填写转110的理由（500字以内） (reason required)") }
        let at = now
        return try await database.transaction { db in
            let row = try await self.visibleRow(ticketId, actor, db, lock: true)
            guard row.sourceUserId == nil else { throw Self.readOnlyCopy }
            guard !row.state.status.isTerminal else {
                throw HotlineError(.invalidState, "工单已\(row.state.status.label)，不能再转110 (the ticket has ended)")
            }
            let open = try await db.raw("""
                SELECT id FROM police_transfers WHERE ticket_id = \(bind: ticketId) AND direction = 'toPolice' AND feedback_at IS NULL
                """).first()
            guard open == nil else { throw HotlineError(.invalidState, "已转110，正在等待110反馈 (already escalated, waiting for 110)") }
            let settings = try await self.policeSettings(centerId: row.state.centerId, db)
            guard settings.platformUserId != nil else {
                throw HotlineError(.notIntegration, "本中心尚未指定110平台对接账号，无法转110（请在“110联动设置”中指定） (no 110 platform account named)")
            }
            let due = settings.timers.due(from: at, urgency: row.state.urgency)
            guard let inserted = try await db.raw("""
                INSERT INTO police_transfers (ticket_id, center_id, direction, started_at, reason, platform_user_id, created_by, acknowledge_due_at,
                  feedback_due_at)
                VALUES (\(bind: ticketId), \(bind: row.state.centerId), \(bind: TransferDirection.toPolice.rawValue), \(bind: at.millis), \(bind: reason),
                  \(bind: settings.platformUserId), \(bind: actor.userId), \(bind: due.acknowledge.millis), \(bind: due.feedback.millis))
                RETURNING id
                """).first() else { throw HotlineError(.insertFailed, "转110记录未保存") }
            let id = try inserted.decode(column: "id", as: Int64.self)
            try await self.appendEvent(db, ticketId: ticketId, number: row.number, actor: actor, draft: EventDraft(
                action: .escalateTo110, fromStatus: row.state.status, toStatus: row.state.status, note: reason,
                details: ["transferId": [String(id)], "acknowledgeDueAt": [String(due.acknowledge.millis)], "feedbackDueAt": [String(due.feedback.millis)]]),
                at: at)
            return try await self.transfer(id, db)
        }
    }

    /// 110 acknowledges an escalation (签收), with its alarm number. A second acknowledgement is a 409.
    public func acknowledgeTransfer(id: Int64, alarmNumber: String, by actor: Actor) async throws -> PoliceTransfer {
        let alarm = alarmNumber.trimmingCharacters(in: .whitespaces)
        guard (1...64).contains(alarm.count) else { throw HotlineError.invalid("alarmNumber", "请提供接警单编号 (alarmNumber required)") }
        let at = now
        return try await database.transaction { db in
            let transfer = try await self.platformsEscalation(id, actor, db)
            guard transfer.acknowledgedAt == nil else { throw HotlineError(.alreadyAnswered, "110已签收该转办 (already acknowledged)") }
            try await db.raw("""
                UPDATE police_transfers SET acknowledged_at = \(bind: at.millis), alarm_number = \(bind: alarm) WHERE id = \(bind: id)
                """).run()
            try await self.recordPoliceAnswer(transfer, action: .police110Acknowledge, note: "接警单编号 \(alarm)",
                                              details: ["transferId": [String(id)], "alarmNumber": [alarm]], actor: actor, at: at, db)
            return try await self.transfer(id, db)
        }
    }

    /// 110's feedback on an escalation (反馈): written into the ticket's history, which closes this loop. It
    /// acknowledges as well if 110 had not. A second feedback is a 409.
    public func recordTransferFeedback(id: Int64, feedback: String, dispatchNumber: String? = nil, by actor: Actor) async throws -> PoliceTransfer {
        guard (dispatchNumber ?? "").count <= 64 else { throw HotlineError.invalid("dispatchNumber", "处警单编号不超过64字 (dispatchNumber too long)") }
        let text = feedback.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...2000).contains(text.count) else { throw HotlineError.invalid("feedback", "请填写反馈内容（2000字以内） (feedback required)") }
        let at = now
        return try await database.transaction { db in
            let transfer = try await self.platformsEscalation(id, actor, db)
            guard transfer.feedbackAt == nil else { throw HotlineError(.alreadyAnswered, "110已反馈该转办 (feedback already recorded)") }
            try await db.raw("""
                UPDATE police_transfers SET feedback = \(bind: text), feedback_at = \(bind: at.millis),
                  acknowledged_at = COALESCE(acknowledged_at, \(bind: at.millis)), dispatch_number = COALESCE(\(bind: dispatchNumber), dispatch_number)
                WHERE id = \(bind: id)
                """).run()
            try await self.recordPoliceAnswer(transfer, action: .police110Feedback, note: text, details: ["transferId": [String(id)]],
                                              actor: actor, at: at, db)
            return try await self.transfer(id, db)
        }
    }

    /// An escalation the actor answers for: the 110 platform account it was sent to.
    func platformsEscalation(_ id: Int64, _ actor: Actor, _ db: any SQLDatabase) async throws -> PoliceTransfer {
        guard actor.role?.may(.integrate) == true, let centerId = actor.centerId else {
            throw HotlineError(.notIntegration, "只有110平台的对接账号可以答复转办 (only the 110 platform answers)")
        }
        let transfer = try await self.transfer(id, db, lock: true)
        guard transfer.centerId == centerId, transfer.direction == .toPolice, transfer.platformUserId == actor.userId else {
            throw HotlineError.notFound("转110记录")
        }
        return transfer
    }

    func recordPoliceAnswer(_ transfer: PoliceTransfer, action: ActionCode, note: String, details: [String: [String]], actor: Actor, at: Date,
                            _ db: any SQLDatabase) async throws {
        guard let row = try await ticketRow(transfer.ticketId, db) else { throw HotlineError.notFound("工单") }
        try await appendEvent(db, ticketId: transfer.ticketId, number: row.number, actor: actor, draft: EventDraft(
            action: action, fromStatus: row.state.status, toStatus: row.state.status, note: note, details: details), at: at)
    }

    /// Opens the center's supervision on each escalation whose acknowledgement or feedback is late, once per stage;
    /// returns how many it opened. Safe on several nodes (rows claimed `SKIP LOCKED`, each stage marked once).
    @discardableResult
    public func scanPoliceTransfers(batchSize: Int = 200) async throws -> Int {
        let at = now
        return try await database.transaction { db in
            let skipLocked = self.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            let rows = try await db.raw("""
                SELECT * FROM police_transfers WHERE direction = 'toPolice' AND feedback_at IS NULL
                  AND ((acknowledged_at IS NULL AND acknowledge_due_at <= \(bind: at.millis) AND late_marked = '')
                       OR (feedback_due_at <= \(bind: at.millis) AND late_marked <> 'feedback'))
                ORDER BY id LIMIT \(literal: batchSize)\(unsafeRaw: skipLocked)
                """).all()
            var opened = 0
            for row in rows {
                let transfer = try Self.transfer(from: row)
                guard let stage = transfer.lateStageToMark(at: at), let ticket = try await self.ticketRow(transfer.ticketId, db) else { continue }
                let reason = stage == .acknowledgement ? "110逾时未签收转办（转出后\(Self.minutes(transfer.acknowledgeDueAt, transfer.startedAt))分钟）"
                    : "110逾时未反馈转办（转出后\(Self.minutes(transfer.feedbackDueAt, transfer.startedAt))分钟）"
                try await db.raw("UPDATE police_transfers SET late_marked = \(bind: stage.rawValue) WHERE id = \(bind: transfer.id)").run()
                try await db.raw("""
                    INSERT INTO supervisions (ticket_id, level, method, reason, automatic, created_by, created_at)
                    VALUES (\(bind: transfer.ticketId), \(bind: SupervisionLevel.center.rawValue), \(bind: SupervisionMethod.automatic.rawValue),
                      \(bind: reason), \(bind: true), NULL, \(bind: at.millis))
                    """).run()
                try await self.appendEvent(db, ticketId: transfer.ticketId, number: ticket.number, actor: .system, draft: EventDraft(
                    action: .markPolice110Late, fromStatus: ticket.state.status, toStatus: ticket.state.status, note: reason,
                    details: ["transferId": [String(transfer.id)], "stage": [stage.rawValue]]), at: at)
                opened += 1
            }
            return opened
        }
    }

    static func minutes(_ due: Date?, _ start: Date) -> Int {
        Int(((due ?? start).timeIntervalSince(start) / 60).rounded())
    }

    // MARK: Reading

    /// A ticket's transfers both ways, oldest first (for a caller that has already checked the ticket is visible).
    func policeTransfers(ticketId: Int64) async throws -> [PoliceTransfer] {
        try await database.read { db in
            try await db.raw("SELECT * FROM police_transfers WHERE ticket_id = \(bind: ticketId) ORDER BY id").all().map(Self.transfer(from:))
        }
    }

    /// Both loops of one ticket the actor may see: the transfers, and for a diverted call how many of the ticket's
    /// changes reached the 110 platform's subscriptions.
    public func policeLoop(ticketId: Int64, for actor: Actor) async throws -> PoliceLoop {
        let at = now
        return try await database.read { db in
            let row = try await self.visibleRow(ticketId, actor, db)
            var transfers = try await db.raw("SELECT * FROM police_transfers WHERE ticket_id = \(bind: ticketId) ORDER BY id").all().map(Self.transfer(from:))
            // The call's recording is the citizen's voice: for the center's staff (and 110) only.
            if actor.role?.may(.seeWholeCenter) != true { for i in transfers.indices { transfers[i].recordingURL = nil } }
            var fedBack = 0
            var waiting = 0
            if let platform = transfers.first(where: { $0.direction == .fromPolice })?.platformUserId {
                for count in try await db.raw("""
                    SELECT d.status, COUNT(*) AS n FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
                    WHERE d.order_key = \(bind: ticketId) AND s.scope = 'recordedBy' AND s.scope_id = \(bind: platform) GROUP BY d.status
                    """).all() {
                    let n = try count.decode(column: "n", as: Int.self)
                    switch try count.decode(column: "status", as: String.self) {
                    case DeliveryStatus.delivered.rawValue: fedBack += n
                    default: waiting += n
                    }
                }
            }
            return PoliceLoop(transfers: transfers, status: row.state.status, fedBack: fedBack, waiting: waiting, now: at)
        }
    }

    /// Transfers the actor may see, newest first: the 110 platform its own (diverted by it, or escalated to it), the
    /// center's staff their center's; `openOnly` keeps escalations still waiting for feedback.
    public func policeTransfers(direction: TransferDirection? = nil, openOnly: Bool = false, limit: Int = 100, for actor: Actor) async throws
        -> [(transfer: PoliceTransfer, number: String)] {
        guard let role = actor.role, let centerId = actor.centerId, role.may(.integrate) || role.may(.seeWholeCenter) else {
            throw HotlineError.forbidden("无权查看110联动记录 (no permission)")
        }
        return try await database.read { db in
            var filter: SQLQueryString = "p.center_id = \(bind: centerId)"
            if role.may(.integrate) { filter = "\(filter) AND p.platform_user_id = \(bind: actor.userId ?? -1)" }
            if let direction { filter = "\(filter) AND p.direction = \(bind: direction.rawValue)" }
            if openOnly { filter = "\(filter) AND p.direction = 'toPolice' AND p.feedback_at IS NULL" }
            return try await db.raw("""
                SELECT p.*, t.number FROM police_transfers p JOIN tickets t ON t.id = p.ticket_id WHERE \(filter)
                ORDER BY p.id DESC LIMIT \(literal: max(1, min(limit, 500)))
                """).all().map { (try Self.transfer(from: $0), try $0.decode(column: "number", as: String.self)) }
        }
    }

    /// Both directions over `from`…`to` (by the day the call or the escalation started).
    public func policeReport(from: CivilDate, to: CivilDate, for actor: Actor) async throws -> PoliceTransferReport {
        try actor.require(.viewAnalysis)
        let centerId = try actor.requireCenter()
        guard from <= to else { throw HotlineError.invalid("from", "开始日期不能晚于结束日期 (from after to)") }
        let start = from.instant(atMinute: 0).millis
        let end = to.adding(days: 1).instant(atMinute: 0).millis
        let at = now
        return try await database.read { db in
            let rows = try await db.raw("""
                SELECT p.*, t.status FROM police_transfers p JOIN tickets t ON t.id = p.ticket_id
                WHERE p.center_id = \(bind: centerId) AND p.started_at >= \(bind: start) AND p.started_at < \(bind: end)
                """).all()
            var transfers: [PoliceTransfer] = []
            var handled: Set<Int64> = []
            for row in rows {
                let transfer = try Self.transfer(from: row)
                transfers.append(transfer)
                if TicketStatus(rawValue: try row.decode(column: "status", as: String.self))?.isTerminal == true { handled.insert(transfer.ticketId) }
            }
            let names = Dictionary(try await self.diversionItems(centerId: centerId, activeOnly: false, db).map { ($0.code, $0.name) }) { a, _ in a }
            return PoliceTransferReport(transfers: transfers, handled: handled, names: names, now: at)
        }
    }

    func transfer(_ id: Int64, _ db: any SQLDatabase, lock: Bool = false) async throws -> PoliceTransfer {
        guard let row = try await db.raw("SELECT * FROM police_transfers WHERE id = \(bind: id)\(unsafeRaw: lock ? forUpdate : "")").first() else {
            throw HotlineError.notFound("110联动记录")
        }
        return try Self.transfer(from: row)
    }

    static func transfer(from row: any SQLRow) throws -> PoliceTransfer {
        func date(_ column: String) throws -> Date? { try row.decode(column: column, as: Int64?.self).map(Date.init(millis:)) }
        return PoliceTransfer(
            id: try row.decode(column: "id", as: Int64.self), ticketId: try row.decode(column: "ticket_id", as: Int64.self),
            centerId: try row.decode(column: "center_id", as: Int64.self),
            direction: TransferDirection(rawValue: try row.decode(column: "direction", as: String.self)) ?? .fromPolice,
            alarmNumber: try row.decode(column: "alarm_number", as: String?.self), dispatchNumber: try row.decode(column: "dispatch_number", as: String?.self),
            itemCode: try row.decode(column: "item_code", as: String?.self), startedAt: Date(millis: try row.decode(column: "started_at", as: Int64.self)),
            recordingURL: try row.decode(column: "recording_url", as: String?.self), reason: try row.decode(column: "reason", as: String?.self),
            platformUserId: try row.decode(column: "platform_user_id", as: Int64?.self), acknowledgedAt: try date("acknowledged_at"),
            acknowledgeDueAt: try date("acknowledge_due_at"), feedback: try row.decode(column: "feedback", as: String?.self),
            feedbackAt: try date("feedback_at"), feedbackDueAt: try date("feedback_due_at"),
            lateMarked: PoliceStage(rawValue: try row.decode(column: "late_marked", as: String.self)))
    }
}

import Foundation

/// What one action did: the ticket after it, the history event to write, and any supervision it opens.
public struct Transition: Sendable, Equatable {
    public var ticket: TicketState
    public var event: EventDraft
    public var supervision: SupervisionDraft?
}

/// A history event before the store numbers and chains it.
public struct EventDraft: Sendable, Equatable {
    public var action: ActionCode
    public var fromStatus: TicketStatus?
    public var toStatus: TicketStatus?
    public var note: String?
    /// Field changes, `field → [before, after]`, and other facts of the action.
    public var details: [String: [String]]

    public init(action: ActionCode, fromStatus: TicketStatus?, toStatus: TicketStatus?, note: String?, details: [String: [String]] = [:]) {
        self.action = action
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.note = note
        self.details = details
    }
}

/// A supervision (督办) to open alongside a transition.
public struct SupervisionDraft: Sendable, Equatable {
    public var level: SupervisionLevel
    public var method: SupervisionMethod
    public var reason: String
}

/// The ticket state machine: pure, deterministic, and the only place lifecycle rules live.
public struct Lifecycle: Sendable {
    public let planner: DeadlinePlanner
    /// How many redos or returning units escalate a ticket (三次重办/三个单位退单).
    public static let escalationThreshold = 3
    public static let maxExtensionDays = 30

    public init(planner: DeadlinePlanner) {
        self.planner = planner
    }

    /// Checks `action` against its rule (LifecycleTable.swift): role, status, the side of the ticket, preconditions.
    /// Throws 403 or 409 errors and changes nothing.
    public func authorize(_ code: ActionCode, on ticket: TicketState, by actor: Actor) throws {
        guard let rule = ActionRule.rule(for: code) else {
            throw HotlineError(.unknownAction, "不支持的操作 (unsupported action \(code.rawValue))")
        }
        switch actor.kind {
        case .system:
            guard rule.party == .system else { throw Self.roleError(code) }
        case .citizen:
            guard !rule.citizenFrom.isEmpty else { throw Self.roleError(code) }
        case .user:
            guard rule.party != .system, let role = actor.role, rule.roles.contains(role) else { throw Self.roleError(code) }
        }
        guard (actor.kind == .citizen ? rule.citizenFrom : rule.from).contains(ticket.status) else {
            throw HotlineError(.invalidState, "工单当前状态为「\(ticket.status.label)」，不能\(code.label) (cannot \(code.rawValue) a ticket in status \(ticket.status.rawValue))")
        }
        if actor.kind == .user {
            switch rule.party {
            case .center:
                guard actor.centerId == ticket.centerId else { throw Self.roleError(code) }
            case .responsibleUnit:
                guard let unit = actor.unitId, ticket.responsibleUnitIds.contains(unit) else {
                    throw HotlineError.forbidden("只有承办单位可以\(code.label) (only the responsible unit may \(code.rawValue))")
                }
            case .coUnit:
                guard let unit = actor.unitId, ticket.coUnitIds.contains(unit) else {
                    throw HotlineError.forbidden("只有协办单位可以\(code.label) (only a co-unit may \(code.rawValue))")
                }
            case .system:
                throw Self.roleError(code)
            }
        }
        if let refusal = rule.preconditions.lazy.compactMap({ $0.refusal(for: ticket) }).first { throw refusal }
    }

    /// Applies `action` by `actor` at `now`, or throws without changing anything.
    public func apply(_ action: TicketAction, to ticket: TicketState, by actor: Actor, at now: Date) throws -> Transition {
        try authorize(action.code, on: ticket, by: actor)
        var next = ticket
        var note: String?
        var details: [String: [String]] = [:]
        var supervision: SupervisionDraft?

        switch action {
        case .accept:
            next.status = .accepted
        case .reject(let reason, let text):
            next.status = .rejected
            next.rejectReason = reason
            next.closedAt = now
            note = Self.joined(reason.label, try Self.optional(text))
            details["reasonCode"] = [reason.rawValue]
        case .answerOnContact(let answer):
            next.answer = try Self.required(answer, "answer", max: 4000)
            next.status = .closed
            next.closedAt = now
            note = answer
        case .dispatch(let main, let co, let instructions):
            let instructions = try Self.optional(instructions)
            if !instructions.isEmpty { note = instructions }
            try Self.checkDispatchTarget(main, for: ticket)
            if actor.role == .linkedSystem, main.id != actor.unitId || !co.isEmpty {
                throw HotlineError.forbidden("承办对接系统只能把自己受理的诉求派给本单位 (a linked system dispatches its own intake to itself only)")
            }
            for unit in co { try Self.checkDispatchTarget(unit, for: ticket) }
            let coIds = co.map(\.id)
            guard !coIds.contains(main.id), Set(coIds).count == coIds.count else {
                throw HotlineError.invalid("coUnitIds", "协办单位不能重复，也不能与主办单位相同 (co-units must be distinct from each other and the main unit)")
            }
            next.status = .pendingSign
            next.mainUnitId = main.id
            next.coUnitIds = coIds
            next.handlingUnitId = main.id
            next.responsibleUnitIds = [main.id]
            next.dispatchedAt = now
            next.signedAt = nil
            Self.clearUnitWork(&next)
            setDeadlines(&next, from: now)
            details["mainUnit"] = [main.name]
            if !co.isEmpty { details["coUnits"] = co.map(\.name) }
        case .sign:
            next.status = .inProgress
            next.signedAt = now
        case .contactRequester(let text):
            let text = try Self.optional(text)
            note = text.isEmpty ? nil : text
        case .subDispatch(let target):
            guard let holder = ticket.handlingUnitId, target.id != holder, target.path.contains(holder), target.active,
                let mainIndex = target.path.firstIndex(of: ticket.mainUnitId ?? -1)
            else {
                throw HotlineError(.invalidUnit, "只能下派给本单位的下级单位 (sub-dispatch goes to a child of the holding unit)")
            }
            next.handlingUnitId = target.id
            next.responsibleUnitIds = Array(target.path[mainIndex...])
            next.status = .pendingSign
            next.signedAt = nil
            // The child signs within the sign limit from now; the reply deadline stays the parent's.
            next.signDueAt = planner.policy(for: ticket.deadlineSubject).sign.deadline(from: now, calendar: planner.calendar)
            next.signOverdueMarked = false
            details["toUnit"] = [target.name]
        case .coInput(let text):
            note = try Self.required(text, "text", max: 4000)
            // Which co-unit gave it: its turn is assessed (协办及时反馈率).
            if let unit = actor.unitId { details["coUnitId"] = [String(unit)] }
        case .requestReturn(let reason):
            note = try Self.required(reason, "reason", max: 2000)
            next.resumeStatus = ticket.status
            next.status = .returnRequested
            next.returnRequestedBy = actor.unitId
        case .arbitrateReturn(let approve, let text):
            note = Self.joined(approve ? "同意退单" : "不同意退单", try Self.optional(text))
            details["approved"] = [String(approve)]
            let requester = ticket.returnRequestedBy ?? ticket.handlingUnitId
            next.returnRequestedBy = nil
            next.resumeStatus = nil
            if approve, let requester, requester != ticket.mainUnitId, let position = ticket.responsibleUnitIds.firstIndex(of: requester),
                position > 0 {
                // A unit the ticket was passed down to hands it back up to the unit that passed it; the center keeps out of it.
                next.responsibleUnitIds = Array(ticket.responsibleUnitIds[..<position])
                next.handlingUnitId = next.responsibleUnitIds.last
                next.status = .inProgress
                details["returnedTo"] = [String(next.handlingUnitId ?? 0)]
            } else if approve {
                next.returnCount += 1
                if let main = ticket.mainUnitId, !next.returnedUnitIds.contains(main) { next.returnedUnitIds.append(main) }
                next.status = .accepted
                next.mainUnitId = nil
                next.coUnitIds = []
                next.handlingUnitId = nil
                next.responsibleUnitIds = []
                Self.clearUnitWork(&next)
                clearDeadlines(&next)
                if next.returnedUnitIds.count >= Self.escalationThreshold && !ticket.escalated {
                    next.escalated = true
                    next.supervisionCount += 1
                    supervision = SupervisionDraft(level: .government, method: .automatic, reason: "工单已被\(next.returnedUnitIds.count)个单位退回，升级督办")
                }
            } else {
                next.status = ticket.resumeStatus ?? .inProgress
            }
        case .requestExtension(let days, let reason, let progress):
            guard (1...Self.maxExtensionDays).contains(days) else {
                throw HotlineError.invalid("days", "延期天数须在1到\(Self.maxExtensionDays)个工作日之间 (days must be 1–\(Self.maxExtensionDays))")
            }
            let why = try Self.required(reason, "reason", max: 2000)
            let done = try Self.required(progress, "progress", max: 4000)
            next.pendingExtensionDays = days
            note = "\(why)；办理进展：\(done)"
            details["days"] = [String(days)]
        case .decideExtension(let approve, let text):
            let days = ticket.pendingExtensionDays ?? 0
            next.pendingExtensionDays = nil
            note = Self.joined(approve ? "同意延期\(days)个工作日" : "不同意延期", try Self.optional(text))
            details["approved"] = [String(approve)]
            if approve, let due = ticket.replyDueAt {
                let moved = planner.extend(due, byWorkingDays: days, now: now)
                next.replyDueAt = moved.replyDueAt
                next.dueSoonAt = moved.dueSoonAt
                next.dueSoonMarked = false
                next.overdueMarked = false
                next.extensionCount += 1
            }
        case .reply(let content):
            next.reply = try Self.required(content, "content", max: 8000)
            next.repliedAt = now
            next.sentBack = false
            next.pendingExtensionDays = nil
            next.status = .replied
            note = content
        case .review(let approve, let text):
            if approve {
                next.status = .pendingCallback
                note = Self.joined("审核通过", try Self.optional(text))
            } else {
                note = try Self.required(text, "note", max: 2000)
                next.status = .inProgress
                next.sendBackCount += 1
                next.sentBack = true
            }
            details["approved"] = [String(approve)]
        case .evaluate(let satisfaction, let resolved, let reasonable, let comment):
            next.satisfaction = satisfaction
            next.resolved = resolved
            next.evaluationReasonable = reasonable
            let comment = try Self.optional(comment)
            next.evaluationComment = comment.isEmpty ? nil : comment
            note = Self.joined("\(satisfaction.label)，\(resolved ? "已解决" : "未解决")", comment)
            details["satisfaction"] = [satisfaction.rawValue]
            details["resolved"] = [String(resolved)]
            if satisfaction == .dissatisfied && reasonable {
                next.redoCount += 1
                next.status = .inProgress
                next.sentBack = true
                next.reply = nil
                next.pendingExtensionDays = nil
                setDeadlines(&next, from: now)
                details["redo"] = [String(next.redoCount)]
                if next.redoCount >= Self.escalationThreshold && !ticket.escalated {
                    next.escalated = true
                    next.supervisionCount += 1
                    supervision = SupervisionDraft(level: .government, method: .automatic, reason: "工单重办\(next.redoCount)次，升级督办")
                }
            } else {
                next.status = .evaluated
            }
        case .close(let text):
            next.status = .closed
            next.closedAt = now
            let text = try Self.optional(text)
            note = text.isEmpty ? nil : text
        case .merge(let target, let text):
            guard target != ticket.id else {
                throw HotlineError(.invalidMerge, "不能与自身合并 (cannot merge a ticket into itself)")
            }
            next.status = .merged
            next.mergedIntoId = target
            next.closedAt = now
            let text = try Self.optional(text)
            note = text.isEmpty ? nil : text
        case .markUnreasonableRepeat(let text):
            next.unreasonableRepeat = true
            next.status = .closed
            next.closedAt = now
            note = try Self.required(text, "note", max: 2000)
        case .supervise(let level, let method, let text):
            let why = try Self.required(text, "note", max: 2000)
            next.supervisionCount += 1
            note = why
            supervision = SupervisionDraft(level: level, method: method, reason: why)
        case .markDifficult(let text):
            next.difficult = true
            note = try Self.required(text, "note", max: 2000)
            // A dispatched ticket's deadlines are counted again from dispatch under the difficult policy.
            // It never shortens a deadline a redo or an extension already moved.
            if let dispatched = ticket.dispatchedAt, let current = ticket.replyDueAt {
                let deadlines = planner.deadlines(for: next.deadlineSubject, from: dispatched)
                if deadlines.replyDueAt > current {
                    next.replyDueAt = deadlines.replyDueAt
                    next.dueSoonAt = max(deadlines.dueSoonAt, ticket.dueSoonAt ?? deadlines.dueSoonAt)
                    next.dueSoonMarked = next.dueSoonMarked && now >= next.dueSoonAt!
                    next.overdueMarked = next.overdueMarked && now >= deadlines.replyDueAt
                }
            }
        case .markDueSoon:
            next.dueSoonMarked = true
        case .markOverdue:
            next.overdueMarked = true
            next.dueSoonMarked = true
            next.supervisionCount += 1
            supervision = SupervisionDraft(level: .center, method: .automatic, reason: "工单超过答复期限，系统自动督办")
        case .markSignOverdue:
            next.signOverdueMarked = true
        }
        try Self.checkOutcome(action.code, from: ticket.status, to: next.status)
        details.merge(next.changes(from: ticket)) { mine, _ in mine }
        let event = EventDraft(action: action.code, fromStatus: ticket.status, toStatus: next.status, note: note, details: details)
        return Transition(ticket: next, event: event, supervision: supervision)
    }

    /// Refuses (500) a transition the table does not list: `apply` may only lead where `ActionRule.to` says.
    static func checkOutcome(_ code: ActionCode, from: TicketStatus, to: TicketStatus) throws {
        let allowed = ActionRule.rule(for: code)?.to ?? []
        guard allowed.isEmpty ? to == from : allowed.contains(to) else {
            throw HotlineError(.internalError, "状态流转不在规则表中 (\(code.rawValue) may not lead from \(from.rawValue) to \(to.rawValue))")
        }
    }

    /// Checks that `target` is a valid merge target for `ticket`.
    public static func checkMergeTarget(_ target: TicketState, for ticket: TicketState) throws {
        guard target.centerId == ticket.centerId, !target.status.isTerminal, target.id != ticket.id else {
            throw HotlineError(.invalidMerge, "目标工单须为同一中心的未办结工单 (the target must be an open ticket of the same center)")
        }
    }

    private func setDeadlines(_ ticket: inout TicketState, from now: Date) {
        let deadlines = planner.deadlines(for: ticket.deadlineSubject, from: now)
        ticket.signDueAt = deadlines.signDueAt
        ticket.replyDueAt = deadlines.replyDueAt
        ticket.dueSoonAt = deadlines.dueSoonAt
        ticket.dueSoonMarked = false
        ticket.overdueMarked = false
        ticket.signOverdueMarked = false
    }

    private func clearDeadlines(_ ticket: inout TicketState) {
        ticket.signDueAt = nil
        ticket.replyDueAt = nil
        ticket.dueSoonAt = nil
        ticket.dispatchedAt = nil
        ticket.signedAt = nil
        ticket.dueSoonMarked = false
        ticket.overdueMarked = false
        ticket.signOverdueMarked = false
    }

    /// Whether `unit` may take `ticket` by dispatch: an active handling unit of the ticket's center, and not one whose
    /// return of this ticket the center approved — unless the ticket was escalated, when the center designates the
    /// unit that must handle it whoever returned it before. Pages offer exactly these units.
    public static func mayDispatch(_ ticket: TicketState, to unit: UnitRef) -> Bool {
        (try? checkDispatchTarget(unit, for: ticket)) != nil
    }

    private static func checkDispatchTarget(_ unit: UnitRef, for ticket: TicketState) throws {
        guard unit.active, unit.kind != .center, unit.centerId == ticket.centerId else {
            throw HotlineError(.invalidUnit, "「\(unit.name)」不能承办本中心的工单 (unit cannot take this center's tickets)")
        }
        guard ticket.escalated || !ticket.returnedUnitIds.contains(unit.id) else {
            throw HotlineError(.invalidUnit, "「\(unit.name)」已退回本工单，不能再派给该单位 (this unit returned the ticket before)")
        }
    }

    private static func roleError(_ code: ActionCode) -> HotlineError {
        HotlineError.forbidden("当前角色无权\(code.label) (your role may not \(code.rawValue))")
    }


    /// The text trimmed; a 400 naming `field` when it is blank or longer than `max` characters.
    public static func required(_ text: String, _ field: String, max: Int) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw HotlineError.invalid(field, "不能为空 (required)") }
        guard trimmed.count <= max else { throw HotlineError.invalid(field, "不能超过\(max)字 (at most \(max) characters)") }
        return trimmed
    }

    /// A free-text note that may be empty: trimmed, at most 2,000 characters (it goes into the permanent history).
    static func optional(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 2000 else { throw HotlineError.invalid("note", "不能超过2000字 (at most 2000 characters)") }
        return trimmed
    }

    /// Forgets what the unit holding the ticket had under way: a pending extension, a reply sent back.
    static func clearUnitWork(_ ticket: inout TicketState) {
        ticket.pendingExtensionDays = nil
        ticket.sentBack = false
        ticket.reply = nil
        ticket.repliedAt = nil
    }

    static func joined(_ head: String, _ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? head : "\(head)：\(trimmed)"
    }
}

import Foundation

/// One event of a ticket's history as assessment reads it.
public struct AssessmentEvent: Sendable, Equatable {
    public var at: Date
    public var action: ActionCode
    public var details: [String: [String]]

    public init(at: Date, action: ActionCode, details: [String: [String]] = [:]) {
        self.at = at
        self.action = action
        self.details = details
    }
}

/// One unit's turn as a ticket's main unit (主办): from the dispatch until the ticket ends or the center takes it back.
/// Assessment counts these, not tickets: a ticket returned by one unit and dispatched to another is one turn of each.
///
/// A co-unit (协办单位) has a turn of its own on the same dispatch: due by the main unit's reply deadline, done when it
/// gives its input (`firstReplyAt`). A knowledge task (an entry to verify, an error report to resolve) is a turn too,
/// with the entry's id for `ticketId` (see `KnowledgeTasks`).
public struct Assignment: Sendable, Equatable {
    /// Whose work a turn is.
    public enum Role: String, Sendable, Codable, Hashable {
        /// 主办: the main unit's.
        case main
        /// 协办: a co-unit's.
        case co
        /// 知识库维护: a unit's task on its knowledge entries.
        case knowledge
    }

    /// 响应时限: when the unit must have contacted the requester — two hours after signing an urgent ticket, one
    /// working day after signing any other; nil before signing.
    public func responseDue(calendar: WorkingCalendar) -> Date? {
        signedAt.map { urgent ? $0.addingTimeInterval(2 * 3600) : calendar.addingWorkingDays(1, to: $0) }
    }

    /// The ticket's id; for a knowledge task, the entry's.
    public var ticketId: Int64
    public var unitId: Int64
    public var role = Role.main
    public var dispatchedAt: Date
    /// Whether the ticket was urgent (紧急) when it was dispatched: its response time is two hours, not a working day.
    public var urgent = false
    /// The sign deadline set at dispatch.
    public var signDueAt: Date?
    public var signedAt: Date?
    /// The reply deadline as it last stood (extensions, a redo or 疑难件 move it).
    public var replyDueAt: Date?
    /// When the unit first contacted the requester (联系诉求人).
    public var contactedAt: Date?
    public var firstReplyAt: Date?
    /// The latest reply, approved or not yet.
    public var lastReplyAt: Date?
    /// The reply the center approved last, and when it approved it (the ticket then waits for callback).
    public var approvedReplyAt: Date?
    public var approvedAt: Date?
    public var returnRequests = 0
    public var returnsDenied = 0
    /// When the center approved the unit's return and took the ticket back (the turn ends).
    public var returnedAt: Date?
    public var extensionsGranted = 0
    /// Sent back for redo: by review, or by a reasonable dissatisfaction.
    public var redos = 0
    public var overdue = false
    public var supervisions = 0
    /// The last evaluation of the unit's answer.
    public var evaluatedAt: Date?
    public var satisfaction: Satisfaction?
    public var resolved: Bool?
    public var closedAt: Date?

    public init(ticketId: Int64, unitId: Int64, dispatchedAt: Date, role: Role = .main) {
        self.ticketId = ticketId
        self.unitId = unitId
        self.dispatchedAt = dispatchedAt
        self.role = role
    }
}

/// A ticket's history folded into its main units' turns.
public struct TicketAssessment: Sendable, Equatable {
    public var ticketId: Int64
    /// The main units' turns, in order.
    public var assignments: [Assignment]
    /// The co-units' turns (协办), in order.
    public var coAssignments: [Assignment]
    /// Not counted anywhere: never accepted (不予受理), merged into another, or an unreasonable repeat.
    public var excluded: Bool

    /// Folds `events` (in history order) into turns.
    public init(ticketId: Int64, events: [AssessmentEvent]) {
        self.ticketId = ticketId
        var turns: [Assignment] = []
        var coTurns: [Assignment] = []
        var excluded = false
        var open: Int?
        /// The open co-unit turns (indices into `coTurns`).
        var openCo: [Int] = []
        var coUnits: [Int64] = []
        var urgent = false
        for event in events {
            let changed = event.details
            // The urgency as recorded (at intake) or last changed.
            if let urgency = changed["urgency"]?.last { urgent = urgency == Urgency.urgent.rawValue }
            if let co = changed["coUnitIds"]?.last { coUnits = co.split(separator: ",").compactMap { Int64($0) } }
            if event.action == .dispatch, let after = changed["mainUnitId"]?.last, let unit = Int64(after) {
                var turn = Assignment(ticketId: ticketId, unitId: unit, dispatchedAt: event.at)
                turn.urgent = urgent
                turn.signDueAt = changed["signDueAt"]?.last.flatMap(Self.date)
                turn.replyDueAt = changed["replyDueAt"]?.last.flatMap(Self.date)
                turns.append(turn)
                open = turns.count - 1
                // Each co-unit of the dispatch has its turn, due when the main unit's reply is.
                openCo = coUnits.map { unit in
                    var coTurn = Assignment(ticketId: ticketId, unitId: unit, dispatchedAt: event.at, role: .co)
                    coTurn.urgent = urgent
                    coTurn.replyDueAt = turn.replyDueAt
                    coTurns.append(coTurn)
                    return coTurns.count - 1
                }
                continue
            }
            switch event.action {
            case .reject, .merge, .markUnreasonableRepeat: excluded = true
            default: break
            }
            if event.action == .coInput {
                // The co-unit that gave the input (recorded since co-unit turns are assessed), or the only one.
                let giver = changed["coUnitId"]?.last.flatMap { Int64($0) } ?? (openCo.count == 1 ? coTurns[openCo[0]].unitId : nil)
                if let at = openCo.first(where: { coTurns[$0].unitId == giver }), coTurns[at].firstReplyAt == nil {
                    coTurns[at].firstReplyAt = event.at
                }
            }
            guard let index = open else { continue }
            if let due = changed["replyDueAt"]?.last, let moved = Self.date(due) {
                for co in openCo { coTurns[co].replyDueAt = moved }
                turns[index].replyDueAt = moved
                // A deadline moved past now (an extension, 疑难件, a redo) lifts an earlier overdue mark.
                if moved > event.at { turns[index].overdue = false }
            }
            if let counts = changed["supervisionCount"], let before = Int(counts.first ?? ""), let after = Int(counts.last ?? ""), after > before {
                turns[index].supervisions += after - before
            }
            switch event.action {
            case .sign where turns[index].signedAt == nil: turns[index].signedAt = event.at
            case .contactRequester where turns[index].contactedAt == nil: turns[index].contactedAt = event.at
            case .requestReturn: turns[index].returnRequests += 1
            case .arbitrateReturn:
                if changed["approved"] == ["false"] {
                    turns[index].returnsDenied += 1
                } else if changed["mainUnitId"] != nil {
                    turns[index].returnedAt = event.at
                    for co in openCo { coTurns[co].returnedAt = event.at }
                    open = nil
                    openCo = []
                }
            case .decideExtension where changed["approved"] == ["true"]: turns[index].extensionsGranted += 1
            case .reply:
                if turns[index].firstReplyAt == nil { turns[index].firstReplyAt = event.at }
                turns[index].approvedReplyAt = nil
                turns[index].lastReplyAt = event.at
            case .review:
                if changed["approved"] == ["true"] {
                    turns[index].approvedReplyAt = turns[index].lastReplyAt
                    turns[index].approvedAt = event.at
                } else {
                    turns[index].redos += 1
                }
            case .evaluate:
                turns[index].evaluatedAt = event.at
                turns[index].satisfaction = changed["satisfaction"]?.last.flatMap(Satisfaction.init(rawValue:))
                turns[index].resolved = changed["resolved"]?.last.map { $0 == "true" }
                if changed["redo"] != nil {
                    turns[index].redos += 1
                    turns[index].approvedReplyAt = nil
                    turns[index].approvedAt = nil
                }
            case .markOverdue: turns[index].overdue = true
            case .close: turns[index].closedAt = event.at
            default: break
            }
        }
        assignments = turns
        coAssignments = coTurns
        self.excluded = excluded
    }

    static func date(_ text: String) -> Date? {
        text.isEmpty ? nil : try? Date(text, strategy: .iso8601)
    }
}

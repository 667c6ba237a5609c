import Foundation

/// What an indicator counts: a set of turns (`Assignment`), each placed in a period by one of its moments. A ratio's
/// numerator is always a subset of its denominator placed by the same moment, so every rate lies between 0 and 1.
public enum Measure: String, Labelled {
    /// 派单量: turns dispatched in the period.
    case dispatched
    /// 应签收数: turns whose sign deadline fell in the period.
    case signDue
    /// 及时签收数: of those, signed by the deadline.
    case signedOnTime
    /// 签收数: turns signed in the period.
    case signed
    /// 及时联系数: of those, the requester contacted within the response time.
    case contactedInTime
    /// 应结案数: turns whose reply deadline fell in the period, but for those the center took back on a return.
    case replyDue
    /// 按时办结数: of those, the reply the center approved was made by the deadline.
    case repliedOnTime
    /// 办结数: of those, the ticket closed.
    case closedOfDue
    /// 评价数: turns whose last evaluation fell in the period.
    case evaluated
    /// 满意数: of those, satisfied or basically satisfied.
    case satisfied
    /// 解决数: of those, rated resolved.
    case resolved
    /// 应回访数: turns whose reply the center approved in the period (the ticket reached callback).
    case reachedCallback
    /// 回访数: of those, evaluated.
    case calledBack
    /// 申请退单数: turns dispatched in the period that asked to return the ticket.
    case returnRequested
    /// 退单驳回数: of those, a return the center denied.
    case returnDenied
    /// 延期数: turns dispatched in the period granted an extension.
    case extended
    /// 答复数: turns first replied in the period.
    case replied
    /// 重办数: of those, sent back for redo.
    case redone
    /// 超期件数: turns due in the period that went overdue.
    case overdue
    /// 督办件数: turns dispatched in the period that were supervised.
    case supervised
    /// 协办件数: co-unit turns (协办) dispatched in the period.
    case coAssigned
    /// 应反馈协办意见数: co-unit turns whose deadline (the main unit's reply deadline) fell in the period, but for those
    /// the center took back on a return.
    case coInputDue
    /// 按时反馈数: of those, the co-unit gave its input (提交协办意见) by the deadline.
    case coInputOnTime
    /// 应维护知识数: knowledge tasks of the unit due in the period — entries sent to it for verification, error reports
    /// on its entries.
    case knowledgeDue
    /// 按时维护数: of those, decided (verified or sent back) or resolved by the deadline.
    case knowledgeOnTime

    public var label: String {
        switch self {
        case .dispatched: "派单量"
        case .signDue: "应签收数"
        case .signedOnTime: "及时签收数"
        case .signed: "签收数"
        case .contactedInTime: "及时联系数"
        case .replyDue: "应结案数"
        case .repliedOnTime: "按时办结数"
        case .closedOfDue: "已办结数"
        case .evaluated: "评价数"
        case .satisfied: "满意数"
        case .resolved: "解决数"
        case .reachedCallback: "应回访数"
        case .calledBack: "已回访数"
        case .returnRequested: "申请退单数"
        case .returnDenied: "退单驳回数"
        case .extended: "延期数"
        case .replied: "答复数"
        case .redone: "重办数"
        case .overdue: "超期件数"
        case .supervised: "督办件数"
        case .coAssigned: "协办件数"
        case .coInputDue: "应反馈协办意见数"
        case .coInputOnTime: "按时反馈协办意见数"
        case .knowledgeDue: "应维护知识数"
        case .knowledgeOnTime: "按时维护知识数"
        }
    }

    public var englishLabel: String {
        switch self {
        case .dispatched: "dispatched"
        case .signDue: "due for signing"
        case .signedOnTime: "signed on time"
        case .signed: "signed"
        case .contactedInTime: "requester contacted in time"
        case .replyDue: "due for reply"
        case .repliedOnTime: "replied on time"
        case .closedOfDue: "closed"
        case .evaluated: "evaluated"
        case .satisfied: "satisfied"
        case .resolved: "resolved"
        case .reachedCallback: "due for callback"
        case .calledBack: "called back"
        case .returnRequested: "asked to return"
        case .returnDenied: "return denied"
        case .extended: "extended"
        case .replied: "replied"
        case .redone: "sent back for redo"
        case .overdue: "overdue"
        case .supervised: "supervised"
        case .coAssigned: "co-unit tickets"
        case .coInputDue: "co-unit input due"
        case .coInputOnTime: "co-unit input on time"
        case .knowledgeDue: "knowledge tasks due"
        case .knowledgeOnTime: "knowledge tasks done on time"
        }
    }

    /// Whose work the measure counts: a main unit's turns, a co-unit's, or a unit's knowledge tasks.
    public var role: Assignment.Role {
        switch self {
        case .coAssigned, .coInputDue, .coInputOnTime: .co
        case .knowledgeDue, .knowledgeOnTime: .knowledge
        default: .main
        }
    }

    /// The moment that places a turn in a period; nil when the turn is not counted at all.
    public func moment(of turn: Assignment) -> Date? {
        switch self {
        case .dispatched, .returnRequested, .returnDenied, .extended, .supervised, .coAssigned: turn.dispatchedAt
        case .coInputDue, .coInputOnTime, .knowledgeDue, .knowledgeOnTime: turn.replyDueAt
        case .signDue, .signedOnTime: turn.signDueAt
        case .signed, .contactedInTime: turn.signedAt
        case .replyDue, .repliedOnTime, .closedOfDue, .overdue: turn.replyDueAt
        case .evaluated, .satisfied, .resolved: turn.evaluatedAt
        case .reachedCallback, .calledBack: turn.approvedAt
        case .replied, .redone: turn.firstReplyAt
        }
    }

    /// Whether the turn counts yet at `now`: a deadline still ahead counts only once it has been met (signed,
    /// or the reply approved), so a period still running does not count what may yet be done on time.
    public func counts(_ turn: Assignment, at now: Date, contactDue: (Assignment) -> Date?) -> Bool {
        guard let moment = moment(of: turn) else { return false }
        // The response window still open: a turn not yet contacted is not yet a miss.
        if self == .signed || self == .contactedInTime, turn.contactedAt == nil, let due = contactDue(turn), due > now { return false }
        if moment <= now { return true }
        switch self {
        case .signDue, .signedOnTime: return turn.signedAt != nil
        case .replyDue, .repliedOnTime, .closedOfDue, .overdue: return turn.approvedReplyAt != nil
        // Co-unit input and knowledge work still inside their deadline count once done.
        case .coInputDue, .coInputOnTime, .knowledgeDue, .knowledgeOnTime: return turn.firstReplyAt != nil
        default: return true
        }
    }

    /// Whether a turn placed by `moment` belongs to this measure.
    public func holds(for turn: Assignment, contactDue: (Assignment) -> Date?) -> Bool {
        switch self {
        // A turn the center took back on an approved return is not the unit's to finish.
        case .replyDue, .coInputDue: turn.returnedAt == nil
        case .dispatched, .signDue, .signed, .evaluated, .reachedCallback, .replied, .coAssigned, .knowledgeDue: true
        case .signedOnTime: turn.signedAt.map { signed in turn.signDueAt.map { signed <= $0 } ?? true } ?? false
        case .contactedInTime: turn.contactedAt.map { contacted in contactDue(turn).map { contacted <= $0 } ?? true } ?? false
        case .repliedOnTime: turn.approvedReplyAt.map { reply in turn.replyDueAt.map { reply <= $0 } ?? true } ?? false
        case .closedOfDue: turn.closedAt != nil
        case .satisfied: turn.satisfaction == .satisfied || turn.satisfaction == .basicallySatisfied
        case .resolved: turn.resolved == true
        // Evaluated since the reply was last approved: an evaluation before a redo is not a callback of the new reply.
        case .calledBack: turn.evaluatedAt.map { evaluated in turn.approvedAt.map { evaluated >= $0 } ?? false } ?? false
        case .returnRequested: turn.returnRequests > 0
        case .returnDenied: turn.returnsDenied > 0
        case .extended: turn.extensionsGranted > 0
        case .redone: turn.redos > 0
        case .overdue: turn.overdue
        case .supervised: turn.supervisions > 0
        // The co-unit's input, or the knowledge task's decision, by the deadline.
        case .coInputOnTime, .knowledgeOnTime: turn.firstReplyAt.map { done in turn.replyDueAt.map { done <= $0 } ?? true } ?? false
        }
    }

    /// The measures a numerator may be counted over: those placed by the same moment that it narrows.
    public var narrows: Measure? {
        switch self {
        case .signedOnTime: .signDue
        case .contactedInTime: .signed
        case .repliedOnTime, .closedOfDue, .overdue: .replyDue
        case .satisfied, .resolved: .evaluated
        case .calledBack: .reachedCallback
        case .returnRequested, .extended, .supervised: .dispatched
        case .returnDenied: .returnRequested
        case .redone: .replied
        case .coInputOnTime: .coInputDue
        case .knowledgeOnTime: .knowledgeDue
        case .dispatched, .signDue, .signed, .replyDue, .evaluated, .reachedCallback, .replied, .coAssigned, .coInputDue, .knowledgeDue: nil
        }
    }
}

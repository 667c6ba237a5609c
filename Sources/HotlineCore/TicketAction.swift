/// Everything that can happen to a ticket after it is recorded.
public enum TicketAction: Sendable, Equatable {
    /// 受理: take an online submission out of the screening queue.
    case accept
    /// 不予受理: refuse an out-of-scope matter with a reason code.
    case reject(RejectReason, note: String)
    /// 直接办结: answer on first contact and close.
    case answerOnContact(answer: String)
    /// 派单: hand the ticket to a main unit and optional co-units.
    /// 派单, with the dispatcher's instructions (派单意见) if any.
    case dispatch(main: UnitRef, co: [UnitRef], note: String = "")
    /// 签收.
    case sign
    /// 联系诉求人: the unit recorded that it reached the requester (the response indicator counts it).
    case contactRequester(note: String)
    /// 下派: the holding unit passes the ticket to one of its child units, staying responsible.
    case subDispatch(to: UnitRef)
    /// 协办意见: a co-unit gives its input to the main unit.
    case coInput(text: String)
    /// 退单: the unit says the ticket is not its responsibility.
    case requestReturn(reason: String)
    /// 退单审核: the center approves (re-dispatch) or refuses (the unit keeps it).
    case arbitrateReturn(approve: Bool, note: String)
    /// 延期申请.
    case requestExtension(days: Int, reason: String, progress: String)
    /// 延期审批.
    case decideExtension(approve: Bool, note: String)
    /// 答复.
    case reply(content: String)
    /// 审核: approve the reply, or send it back (退回重办).
    case review(approve: Bool, note: String)
    /// 回访评价.
    case evaluate(satisfaction: Satisfaction, resolved: Bool, reasonable: Bool, comment: String)
    /// 办结归档.
    case close(note: String)
    /// 重复件合并: fold this ticket into another open one.
    case merge(into: Int64, note: String)
    /// 无理重复诉求: close a repeated unreasonable request.
    case markUnreasonableRepeat(note: String)
    /// 督办.
    case supervise(level: SupervisionLevel, method: SupervisionMethod, note: String)
    /// 认定疑难件: the center marks the matter difficult, which gives it the difficult deadline policy.
    case markDifficult(note: String)
    /// 临期: the scanner saw the reply deadline approach.
    case markDueSoon
    /// 超期: the scanner saw the reply deadline pass.
    case markOverdue
    /// 签收超期.
    case markSignOverdue

    /// The stable code of this action, as stored in history and used by the API.
    public var code: ActionCode {
        switch self {
        case .accept: .accept
        case .reject: .reject
        case .answerOnContact: .answerOnContact
        case .contactRequester: .contactRequester
        case .dispatch: .dispatch
        case .sign: .sign
        case .subDispatch: .subDispatch
        case .coInput: .coInput
        case .requestReturn: .requestReturn
        case .arbitrateReturn: .arbitrateReturn
        case .requestExtension: .requestExtension
        case .decideExtension: .decideExtension
        case .reply: .reply
        case .review: .review
        case .evaluate: .evaluate
        case .close: .close
        case .merge: .merge
        case .markUnreasonableRepeat: .markUnreasonableRepeat
        case .supervise: .supervise
        case .markDifficult: .markDifficult
        case .markDueSoon: .markDueSoon
        case .markOverdue: .markOverdue
        case .markSignOverdue: .markSignOverdue
        }
    }
}

/// Stable codes for every history event, lifecycle actions and the rest.
public enum ActionCode: String, Labelled {
    case create, accept, reject, answerOnContact, dispatch, sign, contactRequester, subDispatch, coInput, requestReturn, arbitrateReturn
    case requestExtension, decideExtension, reply, review, evaluate, close, merge, mergedFrom, markUnreasonableRepeat
    case supervise, markDifficult, markDueSoon, markOverdue, markSignOverdue, revealIdentity
    /// Not about one ticket: a center published a period's assessment (the audit chain records it).
    case publishAssessment
    /// A unit appealed the ticket's count in an assessment indicator (申诉), and the center's decision on it (销号 or not).
    case appealAssessment, decideAppeal
    /// An early warning was raised (预警) and a person acknowledged it: events of the center, not of one ticket.
    case raiseWarning, acknowledgeWarning
    /// An administrator created, paused, resumed a webhook subscription or redelivered to it: data leaving the center.
    case changeSubscription
    /// 转110: a matter for the police sent on to 110, 110's acknowledgement (签收) and its feedback (反馈).
    case escalateTo110, police110Acknowledge, police110Feedback
    /// 110 did not acknowledge or answer an escalation in time: the center's supervision opens.
    case markPolice110Late
    /// 省市两级平台: a city's ticket changed on the city (the province's read-only copy follows), and the province
    /// supervised a ticket it dispatched to the city (the city's copy records it).
    case syncFromCity, upstreamSupervision
    /// The audit chain's own events: a signed checkpoint of its head (sent to witnesses through the outbox), and a
    /// change of the key that signs it.
    case auditCheckpoint, rotateAuditKey

    /// The actions a client (a person or an integration) may ask for; the rest are the system's or history's own.
    public static let clientActions: [ActionCode] = [
        .accept, .reject, .answerOnContact, .dispatch, .sign, .contactRequester, .subDispatch, .coInput, .requestReturn, .arbitrateReturn,
        .requestExtension, .decideExtension, .reply, .review, .evaluate, .close, .merge, .markUnreasonableRepeat, .supervise,
        .markDifficult,
    ]

    public var label: String {
        switch self {
        case .create: "登记"
        case .accept: "受理"
        case .reject: "不予受理"
        case .answerOnContact: "直接答复办结"
        case .contactRequester: "联系诉求人"
        case .dispatch: "派单"
        case .sign: "签收"
        case .subDispatch: "下派"
        case .coInput: "提交协办意见"
        case .requestReturn: "申请退单"
        case .arbitrateReturn: "退单审核"
        case .requestExtension: "申请延期"
        case .decideExtension: "延期审批"
        case .reply: "答复"
        case .review: "答复审核"
        case .evaluate: "回访评价"
        case .close: "办结"
        case .merge: "合并至其他工单"
        case .mergedFrom: "合并重复件"
        case .markUnreasonableRepeat: "认定无理重复诉求"
        case .supervise: "督办"
        case .markDifficult: "认定疑难件"
        case .markDueSoon: "临期预警"
        case .markOverdue: "超期"
        case .markSignOverdue: "签收超期"
        case .revealIdentity: "查看诉求人信息"
        case .publishAssessment: "发布考核结果"
        case .appealAssessment: "考核申诉"
        case .decideAppeal: "申诉审核"
        case .raiseWarning: "发出预警"
        case .acknowledgeWarning: "预警签收"
        case .changeSubscription: "变更推送订阅"
        case .escalateTo110: "转110"
        case .police110Acknowledge: "110签收"
        case .police110Feedback: "110反馈"
        case .markPolice110Late: "110逾时未答复"
        case .syncFromCity: "下级平台同步"
        case .upstreamSupervision: "省平台督办"
        case .auditCheckpoint: "审计链存证"
        case .rotateAuditKey: "更换审计密钥"
        }
    }

    public var englishLabel: String {
        switch self {
        case .create: "Record"
        case .accept: "Accept"
        case .reject: "Refuse"
        case .answerOnContact: "Answer and close"
        case .contactRequester: "Contact requester"
        case .dispatch: "Dispatch"
        case .sign: "Sign"
        case .subDispatch: "Pass down"
        case .coInput: "Give co-unit input"
        case .requestReturn: "Ask to return"
        case .arbitrateReturn: "Decide return"
        case .requestExtension: "Ask for extension"
        case .decideExtension: "Decide extension"
        case .reply: "Reply"
        case .review: "Review reply"
        case .evaluate: "Record callback"
        case .close: "Close"
        case .merge: "Merge into another ticket"
        case .mergedFrom: "Duplicate merged in"
        case .markUnreasonableRepeat: "Unreasonable repeat"
        case .supervise: "Supervise"
        case .markDifficult: "Mark difficult"
        case .markDueSoon: "Due-soon warning"
        case .markOverdue: "Overdue"
        case .markSignOverdue: "Sign overdue"
        case .revealIdentity: "Reveal identity"
        case .publishAssessment: "Publish assessment"
        case .appealAssessment: "Appeal assessment"
        case .decideAppeal: "Decide appeal"
        case .raiseWarning: "Raise warning"
        case .acknowledgeWarning: "Acknowledge warning"
        case .changeSubscription: "Change subscription"
        case .escalateTo110: "Escalate to 110"
        case .police110Acknowledge: "110 acknowledged"
        case .police110Feedback: "110 feedback"
        case .markPolice110Late: "110 late"
        case .syncFromCity: "Synced from the city"
        case .upstreamSupervision: "Province supervision"
        case .auditCheckpoint: "Audit checkpoint"
        case .rotateAuditKey: "Rotate audit key"
        }
    }

    /// Whether the citizen sees this event when tracking progress.
    public var isPublic: Bool {
        switch self {
        case .create, .accept, .reject, .answerOnContact, .dispatch, .sign, .contactRequester, .reply, .evaluate, .close, .merge: true
        default: false
        }
    }

    /// Whether its events' note goes out with the change to subscribers: what the citizen may read anyway, and the
    /// 110 linkage's own words (the reason for an escalation, 110's feedback).
    public var sharesNote: Bool {
        isPublic || [.escalateTo110, .police110Acknowledge, .police110Feedback, .markPolice110Late, .upstreamSupervision].contains(self)
    }

    /// The facts of its events that go out with the change (the rest stay in the history).
    public static let sharedDetails = ["transferId", "alarmNumber", "satisfaction", "resolved", "stage", "acknowledgeDueAt", "feedbackDueAt"]

    /// The outbox topic its events go out under: `ticket.<action>` for a ticket's, the center's own for the rest.
    public var topic: String {
        switch self {
        case .publishAssessment: "assessment.published"
        case .raiseWarning: "warning.raised"
        case .acknowledgeWarning: "warning.acknowledged"
        case .changeSubscription: "subscription.changed"
        case .auditCheckpoint: "audit.checkpoint"
        case .rotateAuditKey: "audit.keyRotated"
        default: "ticket." + rawValue
        }
    }
}

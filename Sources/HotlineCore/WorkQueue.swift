/// A work queue (待办): the tickets waiting for one side's next step, listed as a tab of a unit's 承办台 or the
/// center's 工作台. Each queue's statuses are read from the lifecycle table, so a queue shows exactly the tickets on
/// which its side's action is possible.
public enum WorkQueue: String, Labelled {
    /// 待签收: the unit's sign.
    case toSign
    /// 办理中: signed and still held, a return possibly pending.
    case inProgress
    /// 临期 and 超期: see `DueState`.
    case dueSoon, overdue
    /// 退回重办: sent back by review or by a dissatisfied citizen, not replied to since.
    case sentBack
    /// 协办: tickets the unit helps with.
    case coHandling
    /// 已答复: replied, newest first.
    case replied
    /// 待审核: replies for the center to review.
    case review
    /// 退单审核: returns to arbitrate.
    case returns
    /// 延期审批: extension requests to decide.
    case extensions
    /// 待回访: callbacks to make.
    case callbacks
    /// 待办结: evaluated, to close.
    case toClose
    /// 督办件: under supervision and still open.
    case supervised

    /// Where queues are worked: a unit's 承办台 or the center's 工作台.
    public enum Desk: Sendable {
        case unit, center

        /// The desk's queues, in tab order.
        public var queues: [WorkQueue] {
            switch self {
            case .unit: [.toSign, .inProgress, .dueSoon, .overdue, .sentBack, .coHandling, .replied]
            case .center: [.review, .returns, .extensions, .callbacks, .toClose, .overdue, .supervised]
            }
        }
    }

    /// What a ticket must show besides its status.
    public enum Mark: Sendable {
        case none, dueSoon, overdue, sentBack, extensionPending, supervised
    }

    /// Whose tickets a unit's queue lists.
    public enum Holder: Sendable {
        /// Held by the unit or one below it.
        case heldWithinUnit
        /// The unit is a co-unit.
        case coUnit
        /// Anything in the unit's data scope.
        case scope
    }

    public var label: String {
        switch self {
        case .toSign: "待签收"
        case .inProgress: "办理中"
        case .dueSoon: "临期"
        case .overdue: "超期"
        case .sentBack: "退回重办"
        case .coHandling: "协办"
        case .replied: "已答复"
        case .review: "待审核"
        case .returns: "退单待审"
        case .extensions: "延期待批"
        case .callbacks: "待回访"
        case .toClose: "待办结"
        case .supervised: "督办件"
        }
    }

    public var englishLabel: String {
        switch self {
        case .toSign: "To sign"
        case .inProgress: "In progress"
        case .dueSoon: "Due soon"
        case .overdue: "Overdue"
        case .sentBack: "Sent back"
        case .coHandling: "Co-handling"
        case .replied: "Replied"
        case .review: "To review"
        case .returns: "Returns"
        case .extensions: "Extensions"
        case .callbacks: "Callbacks"
        case .toClose: "To close"
        case .supervised: "Supervised"
        }
    }

    /// The statuses of the queue's tickets.
    public var statuses: Set<TicketStatus> {
        switch self {
        case .toSign: ActionRule.from(.sign)
        case .inProgress: ActionRule.withUnit.subtracting(ActionRule.from(.sign))
        case .dueSoon, .overdue: DueState.running
        case .sentBack: ActionRule.from(.reply)
        case .coHandling: ActionRule.from(.coInput)
        case .replied: ActionRule.from(.review).union(ActionRule.from(.evaluate)).union(ActionRule.rule(for: .close)?.to ?? [])
        case .review: ActionRule.from(.review)
        case .returns: ActionRule.from(.arbitrateReturn)
        case .extensions: ActionRule.from(.decideExtension)
        case .callbacks: ActionRule.rule(for: .evaluate)?.citizenFrom ?? []
        case .toClose: ActionRule.from(.close).subtracting(ActionRule.rule(for: .evaluate)?.citizenFrom ?? [])
        case .supervised: Set(TicketStatus.allCases.filter { !$0.isTerminal })
        }
    }

    /// The mark the queue's tickets carry.
    public var mark: Mark {
        switch self {
        case .dueSoon: .dueSoon
        case .overdue: .overdue
        case .sentBack: .sentBack
        case .extensions: .extensionPending
        case .supervised: .supervised
        default: .none
        }
    }

    /// Whose tickets the queue lists on a unit's desk (the center's desk lists its whole center).
    public var holder: Holder {
        switch self {
        case .coHandling: .coUnit
        case .replied: .scope
        default: .heldWithinUnit
        }
    }

    /// Whether the newest come first (a record of what was done) rather than the nearest deadline (work to do).
    public var newestFirst: Bool { self == .replied }
}

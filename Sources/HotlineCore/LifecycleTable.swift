/// The ticket's rules, in one table: for every action, the statuses it may start from and lead to, who may take it
/// (roles from the permission table, and the side of the ticket they must stand on), what must hold first, and
/// whether a citizen holding the query code may take it. `Lifecycle.authorize` checks a request against it, the
/// actions offered on a page are derived from it, and so are the work queues (`WorkQueue`). What each action
/// changes besides the status is in `Lifecycle.apply`, which may only lead where this table says.
///
/// To answer "what may happen to a ticket in status X, and who may do it": read `ActionRule.rule(for:)` below.
public struct ActionRule: Sendable {
    /// Which side of the ticket an actor must stand on.
    public enum Party: Sendable {
        /// Staff of the ticket's own hotline center.
        case center
        /// A unit from the main unit down to the unit now holding the ticket.
        case responsibleUnit
        /// One of the co-units (协办单位).
        case coUnit
        /// Background work only.
        case system
    }

    /// Something the ticket must satisfy, beyond its status, for the action to be possible.
    public enum Precondition: Sendable, CaseIterable {
        /// No extension request waits for a decision.
        case noPendingExtension
        /// An extension request waits for a decision.
        case pendingExtension
        /// Not yet marked difficult.
        case notDifficult
        /// The due-soon, overdue or sign-overdue mark is not yet set.
        case notMarkedDueSoon, notMarkedOverdue, notMarkedSignOverdue

        /// Nil when `ticket` satisfies it, else the refusal (409).
        public func refusal(for ticket: TicketState) -> HotlineError? {
            switch self {
            case .noPendingExtension:
                ticket.pendingExtensionDays == nil ? nil : HotlineError(.extensionPending, "已有延期申请待审批 (an extension request is already pending)")
            case .pendingExtension:
                ticket.pendingExtensionDays != nil ? nil : HotlineError(.noExtensionPending, "没有待审批的延期申请 (no extension request is pending)")
            case .notDifficult:
                !ticket.difficult ? nil : HotlineError(.alreadyDifficult, "已认定为疑难件 (already marked difficult)")
            case .notMarkedDueSoon: !ticket.dueSoonMarked ? nil : Self.alreadyMarked
            case .notMarkedOverdue: !ticket.overdueMarked ? nil : Self.alreadyMarked
            case .notMarkedSignOverdue: !ticket.signOverdueMarked ? nil : Self.alreadyMarked
            }
        }

        private static let alreadyMarked = HotlineError(.alreadyMarked, "已标记 (already marked)")
    }

    /// The statuses the action may start from.
    public let from: Set<TicketStatus>
    /// The statuses it may lead to; empty when the status stays as it was.
    public let to: Set<TicketStatus>
    public let roles: Set<Role>
    public let party: Party
    /// What must hold besides the status.
    public let preconditions: [Precondition]
    /// The statuses from which a citizen holding the query code may take it (none for most actions).
    public let citizenFrom: Set<TicketStatus>

    init(from: Set<TicketStatus>, to: Set<TicketStatus>, roles: Set<Role>, party: Party, preconditions: [Precondition] = [],
         citizenFrom: Set<TicketStatus> = []) {
        self.from = from
        self.to = to
        self.roles = roles
        self.party = party
        self.preconditions = preconditions
        self.citizenFrom = citizenFrom
    }

    // Who takes each side's actions comes from the permission table, not from a list written here.
    static let intake = Role.holding(.dispatchTickets)
    static let callback = Role.holding(.recordCallbacks)
    static let supervisor = Role.holding(.superviseTickets)
    static let unit = Role.holding(.handleTickets)
    static let active: Set<TicketStatus> = [.screening, .accepted, .pendingSign, .inProgress, .returnRequested, .replied, .pendingCallback, .evaluated]
    /// Held by a unit, and so running against the unit's deadlines.
    public static let withUnit: Set<TicketStatus> = [.pendingSign, .inProgress, .returnRequested]
    private static let stays: Set<TicketStatus> = []

    /// The rule of each action (DESIGN.md §2).
    public static func rule(for code: ActionCode) -> ActionRule? {
        switch code {
        // 受理: the center screens what came in online, accepts it, refuses it, answers it at once, or dispatches it.
        case .accept: ActionRule(from: [.screening], to: [.accepted], roles: intake, party: .center)
        case .reject: ActionRule(from: [.screening, .accepted], to: [.rejected], roles: intake, party: .center)
        case .answerOnContact: ActionRule(from: [.screening, .accepted], to: [.closed], roles: intake, party: .center)
        // A linked system (a sub-center) dispatches only its own intake, and only to itself (Lifecycle.apply).
        case .dispatch: ActionRule(from: [.accepted], to: [.pendingSign], roles: intake.union([.linkedSystem]), party: .center)
        // 承办: the responsible unit signs, passes it down, asks to return it or for more time, and replies.
        case .sign: ActionRule(from: [.pendingSign], to: [.inProgress], roles: unit, party: .responsibleUnit)
        case .contactRequester: ActionRule(from: [.inProgress], to: stays, roles: unit, party: .responsibleUnit)
        case .subDispatch: ActionRule(from: [.inProgress], to: [.pendingSign], roles: unit, party: .responsibleUnit)
        case .coInput: ActionRule(from: withUnit, to: stays, roles: unit, party: .coUnit)
        case .requestReturn: ActionRule(from: [.pendingSign, .inProgress], to: [.returnRequested], roles: unit, party: .responsibleUnit)
        case .requestExtension:
            ActionRule(from: [.inProgress], to: stays, roles: unit, party: .responsibleUnit, preconditions: [.noPendingExtension])
        case .reply: ActionRule(from: [.inProgress], to: [.replied], roles: unit, party: .responsibleUnit)
        // 审核: the center arbitrates returns (back to dispatch, up to the passing unit, or on as before), decides
        // extensions, and passes or sends back replies.
        case .arbitrateReturn:
            ActionRule(from: [.returnRequested], to: [.accepted, .inProgress, .pendingSign], roles: supervisor, party: .center)
        case .decideExtension:
            ActionRule(from: [.inProgress], to: stays, roles: supervisor, party: .center, preconditions: [.pendingExtension])
        case .review: ActionRule(from: [.replied], to: [.pendingCallback, .inProgress], roles: supervisor, party: .center)
        // 回访: the citizen rates online while the callback is pending; staff may record the callback again after that
        // (回访核实), e.g. to confirm a redo. A reasonable dissatisfaction sends the ticket back to the unit (重办).
        case .evaluate:
            ActionRule(from: [.pendingCallback, .evaluated], to: [.evaluated, .inProgress], roles: callback, party: .center,
                       citizenFrom: [.pendingCallback])
        case .close: ActionRule(from: [.pendingCallback, .evaluated], to: [.closed], roles: supervisor, party: .center)
        // 督办 and housekeeping by the center.
        case .merge: ActionRule(from: [.screening, .accepted, .pendingSign, .inProgress], to: [.merged], roles: intake, party: .center)
        case .markUnreasonableRepeat: ActionRule(from: [.screening, .accepted], to: [.closed], roles: supervisor, party: .center)
        case .supervise: ActionRule(from: active.subtracting([.screening]), to: stays, roles: supervisor, party: .center)
        case .markDifficult:
            ActionRule(from: [.accepted, .pendingSign, .inProgress], to: stays, roles: supervisor, party: .center, preconditions: [.notDifficult])
        // The deadline scanner.
        case .markDueSoon: ActionRule(from: withUnit, to: stays, roles: [], party: .system, preconditions: [.notMarkedDueSoon])
        case .markOverdue: ActionRule(from: withUnit, to: stays, roles: [], party: .system, preconditions: [.notMarkedOverdue])
        case .markSignOverdue: ActionRule(from: [.pendingSign], to: stays, roles: [], party: .system, preconditions: [.notMarkedSignOverdue])
        // Events, not actions.
        case .create, .mergedFrom, .revealIdentity, .publishAssessment, .appealAssessment, .decideAppeal, .raiseWarning, .acknowledgeWarning, .changeSubscription, .escalateTo110, .police110Acknowledge, .police110Feedback, .markPolice110Late, .syncFromCity, .upstreamSupervision, .auditCheckpoint, .rotateAuditKey: nil
        }
    }

    /// Whether a citizen holding the query code may take `code` on a ticket in `status` (e.g. rate the reply).
    public static func citizenMay(_ code: ActionCode, from status: TicketStatus) -> Bool {
        rule(for: code)?.citizenFrom.contains(status) ?? false
    }

    /// The statuses `code` may start from (none for an event).
    public static func from(_ code: ActionCode) -> Set<TicketStatus> {
        rule(for: code)?.from ?? []
    }
}

/// Who may take an action, and from which statuses.
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

    public let from: Set<TicketStatus>
    public let roles: Set<Role>
    public let party: Party
    /// The statuses from which a citizen holding the query code may take it (none for most actions).
    public let citizenFrom: Set<TicketStatus>

    init(from: Set<TicketStatus>, roles: Set<Role>, party: Party, citizenFrom: Set<TicketStatus> = []) {
        self.from = from
        self.roles = roles
        self.party = party
        self.citizenFrom = citizenFrom
    }

    // Who takes each side's actions comes from the permission table, not from a list written here.
    static let intake = Role.holding(.dispatchTickets)
    static let callback = Role.holding(.recordCallbacks)
    static let supervisor = Role.holding(.superviseTickets)
    static let unit = Role.holding(.handleTickets)
    static let active: Set<TicketStatus> = [.screening, .accepted, .pendingSign, .inProgress, .returnRequested, .replied, .pendingCallback, .evaluated]
    static let withUnit: Set<TicketStatus> = [.pendingSign, .inProgress, .returnRequested]

    /// The rule table of the lifecycle (DESIGN.md §2).
    public static func rule(for code: ActionCode) -> ActionRule? {
        switch code {
        case .accept: ActionRule(from: [.screening], roles: intake, party: .center)
        case .reject: ActionRule(from: [.screening, .accepted], roles: intake, party: .center)
        case .answerOnContact: ActionRule(from: [.screening, .accepted], roles: intake, party: .center)
        case .dispatch: ActionRule(from: [.accepted], roles: intake, party: .center)
        case .sign: ActionRule(from: [.pendingSign], roles: unit, party: .responsibleUnit)
        case .subDispatch: ActionRule(from: [.inProgress], roles: unit, party: .responsibleUnit)
        case .coInput: ActionRule(from: withUnit, roles: unit, party: .coUnit)
        case .requestReturn: ActionRule(from: [.pendingSign, .inProgress], roles: unit, party: .responsibleUnit)
        case .arbitrateReturn: ActionRule(from: [.returnRequested], roles: supervisor, party: .center)
        case .requestExtension: ActionRule(from: [.inProgress], roles: unit, party: .responsibleUnit)
        case .decideExtension: ActionRule(from: [.inProgress], roles: supervisor, party: .center)
        case .reply: ActionRule(from: [.inProgress], roles: unit, party: .responsibleUnit)
        case .review: ActionRule(from: [.replied], roles: supervisor, party: .center)
        // Staff may record the callback again after the citizen rated online (回访核实), e.g. to confirm a redo.
        case .evaluate: ActionRule(from: [.pendingCallback, .evaluated], roles: callback, party: .center, citizenFrom: [.pendingCallback])
        case .close: ActionRule(from: [.pendingCallback, .evaluated], roles: supervisor, party: .center)
        case .merge: ActionRule(from: [.screening, .accepted, .pendingSign, .inProgress], roles: intake, party: .center)
        case .markUnreasonableRepeat: ActionRule(from: [.screening, .accepted], roles: supervisor, party: .center)
        case .supervise: ActionRule(from: active.subtracting([.screening]), roles: supervisor, party: .center)
        case .markDifficult: ActionRule(from: [.accepted, .pendingSign, .inProgress], roles: supervisor, party: .center)
        case .markDueSoon, .markOverdue: ActionRule(from: withUnit, roles: [], party: .system)
        case .markSignOverdue: ActionRule(from: [.pendingSign], roles: [], party: .system)
        case .create, .mergedFrom, .revealIdentity: nil
        }
    }
}

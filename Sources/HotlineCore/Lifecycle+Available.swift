extension Lifecycle {
    /// The client actions `actor` may take on `ticket` now: what a page offers as buttons.
    public func availableActions(on ticket: TicketState, for actor: Actor) -> [ActionCode] {
        ActionCode.clientActions.filter { code in
            guard (try? authorize(code, on: ticket, by: actor)) != nil else { return false }
            switch code {
            case .requestExtension: return ticket.pendingExtensionDays == nil
            case .decideExtension: return ticket.pendingExtensionDays != nil
            case .markDifficult: return !ticket.difficult
            default: return true
            }
        }
    }
}

extension Lifecycle {
    /// The client actions `actor` may take on `ticket` now: what a page offers as buttons. Derived from the rule
    /// table alone, so a button is shown exactly when the action would be accepted (its inputs aside).
    public func availableActions(on ticket: TicketState, for actor: Actor) -> [ActionCode] {
        ActionCode.clientActions.filter { (try? authorize($0, on: ticket, by: actor)) != nil }
    }
}

/// The audit view: whether the hash chain of events is intact, and the latest events.
struct AuditPageModel: PageModel {
    let chrome: ChromeModel
    /// How many events were checked.
    let checked: Int64
    /// Where the chain is broken, if it is.
    let broken: String?
    /// When the background last verified everything (chain, ticket rows, checkpoints), whether it failed, what it found.
    let lastCheck: String?
    let lastCheckFailed: Bool
    let findings: [String]
    let events: [Event]

    /// One audited event.
    struct Event: TemplateModel {
        let seq: Int64
        let at: String
        let actor: String
        let action: String
        /// A reveal of a requester's identity, which the view marks.
        let reveal: Bool
        let ticketId: Int64
        let number: String
    }
}

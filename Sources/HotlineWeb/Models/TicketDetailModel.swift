/// The whole ticket for its own page: what its list row shows, and the rest.
struct TicketDetailModel: TemplateModel {
    /// What the ticket's row in a list shows; the templates read its values as the detail's own.
    let summary: TicketRowModel
    let content: String
    let address: String
    let regionCode: String
    /// The requester in detail (instead of the row's one line).
    let requester: RequesterModel
    let confidential: Bool
    let coUnits: String
    let signedAt: String
    let dispatchedAt: String
    let signDueAt: String
    let replyDueAt: String
    let closedAt: String
    let answer: String
    let reply: String
    let repliedAt: String
    let pendingExtensionDays: String
    let counters: Counters
    var evaluation: Evaluation?
    let rejectReason: String
    let mergedInto: String
    let unreasonableRepeat: Bool
    let sentBack: Bool

    func child(named name: String) -> Any? {
        property(named: name) ?? summary.child(named: name)
    }

    /// How often the ticket came back or was pressed.
    struct Counters: TemplateModel {
        let returns: Int
        let extensions: Int
        let redos: Int
        let sendBacks: Int
        let supervisions: Int
    }

    /// The caller's rating at the callback (回访).
    struct Evaluation: TemplateModel {
        let satisfaction: String
        let resolved: Bool
        let comment: String
    }
}

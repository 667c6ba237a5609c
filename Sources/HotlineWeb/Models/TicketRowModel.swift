/// A ticket as one row of a list shows it, every value already a display string in the page's language.
struct TicketRowModel: TemplateModel {
    let id: Int64
    let number: String
    let title: String
    let status: String
    let statusLabel: String
    let typeLabel: String
    let channelLabel: String
    let urgent: Bool
    let difficult: Bool
    let escalated: Bool
    let createdAt: String
    let mainUnit: String
    let handlingUnit: String
    let category: String
    let dueState: String
    let overdue: Bool
    let dueSoon: Bool
    /// The requester in one line, as this viewer may see them.
    let requester: String
    /// The reply deadline and the time left, while a unit holds the ticket.
    var replyDue: String?
    var timeLeft: String?
    /// The signing deadline and the time left, while the ticket waits to be signed.
    var signDue: String?
    var signLeft: String?
}

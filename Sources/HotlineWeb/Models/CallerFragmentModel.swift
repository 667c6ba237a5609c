/// The caller's earlier tickets, fetched while the agent types the phone number.
struct CallerFragmentModel: TemplateModel {
    let t: [String: String]
    let none: Bool
    var tickets: [TicketRowModel] = []
}

/// The ticket search: the filters as chosen, one page of results and the link to the next.
struct TicketsPageModel: PageModel {
    let chrome: ChromeModel
    let tickets: [TicketRowModel]
    let q: String
    let phone: String
    let statuses: [OptionModel]
    let types: [OptionModel]
    let channels: [OptionModel]
    let overdue: Bool
    let dueSoon: Bool
    var nextPage: String?
    /// The query of the filter as chosen, for the export links (shown to who may export).
    var exportQuery: String?
}

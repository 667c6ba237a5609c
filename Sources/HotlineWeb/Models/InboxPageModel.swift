/// 承办台 or the center desk: tabs of tickets waiting for someone, with counts, and the chosen tab's tickets.
struct InboxPageModel: PageModel {
    let chrome: ChromeModel
    let title: String
    let tabs: [TabModel]
    /// Tabs that lead to other views (the desk's duplicates).
    let extraTabs: [TabModel]
    let tabLabel: String
    let tickets: [TicketRowModel]
    /// More tickets wait than are shown.
    let more: Bool
    /// On the center desk: the open early warnings, to acknowledge here.
    var warnings: [WarningModel] = []
    var hasWarnings = false
}

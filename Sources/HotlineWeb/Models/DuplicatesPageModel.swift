/// 重复件: groups of open tickets that may be the same matter, offered for merging.
struct DuplicatesPageModel: PageModel {
    let chrome: ChromeModel
    let title: String
    let tabs: [TabModel]
    let extraTabs: [TabModel]
    let groups: [Group]
    let noGroups: Bool

    /// Tickets that look alike, with why.
    struct Group: TemplateModel {
        let kind: String
        let reasons: [String]
        let tickets: [TicketRowModel]
    }
}

/// 甄别队列: tickets from the portal and integrations waiting to be accepted.
struct ScreeningPageModel: PageModel {
    let chrome: ChromeModel
    let tickets: [TicketRowModel]
    let count: Int
}

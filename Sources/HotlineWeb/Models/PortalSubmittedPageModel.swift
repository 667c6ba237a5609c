/// The receipt of a portal submission: the ticket number and the query code to track it with.
struct PortalSubmittedPageModel: PageModel {
    let chrome: ChromeModel
    let number: String
    let queryCode: String
    let status: String
}

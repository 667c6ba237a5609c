/// The form that asks for a ticket number and query code.
struct PortalTrackPageModel: PageModel {
    let chrome: ChromeModel
    /// The number tried last, kept after a failed attempt.
    var number = ""
}

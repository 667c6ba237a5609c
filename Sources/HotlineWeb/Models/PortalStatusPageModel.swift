/// A ticket as its citizen sees it: status, public reply and history, and the rating form at callback time.
struct PortalStatusPageModel: PageModel {
    let chrome: ChromeModel
    let number: String
    /// The query code, sent again with the rating.
    let code: String
    let title: String
    let statusLabel: String
    let createdAt: String
    let closedAt: String
    let reply: String
    let canEvaluate: Bool
    let satisfactions: [OptionModel]
    let history: [Event]

    /// One event with the note the public may read.
    struct Event: TemplateModel {
        let at: String
        let action: String
        let note: String
    }
}

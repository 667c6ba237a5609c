/// An account's sign-in history.
struct AdminSignInsPageModel: PageModel {
    let chrome: ChromeModel
    let username: String
    let entries: [Entry]

    /// One attempt.
    struct Entry: TemplateModel {
        let at: String
        let address: String
        let result: String
        let failed: Bool
    }
}

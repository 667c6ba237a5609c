/// What every page shows around its content: the texts in the chosen language, who is signed in with the menu,
/// the language switch, the CSRF tokens and the outcome of the last action.
struct ChromeModel: TemplateModel {
    /// The texts in the chosen language (`{{t.login}}`).
    let t: [String: String]
    let lang: String
    let otherLang: String
    let english: Bool
    /// This page's path, percent-encoded, for the language switch to come back to.
    let here: String
    /// The signed-in user's CSRF token.
    var csrf: String?
    var user: User?
    var nav: [NavLink] = []
    /// A citizen portal page (no sign-in).
    var portal = false
    /// The portal links to the published statistics (the center opted in).
    var publicStats = false
    /// The anonymous visitor's CSRF token, echoed from its cookie (sign-in and portal forms).
    var visitorCsrf: String?
    /// A fresh key that makes a portal submission count once however often it is sent.
    var submissionKey: String?
    /// What the last action did, or why it failed.
    var flash: String?
    var error: String?
    /// The audit chain failed its last verification (shown to auditors and administrators on every page).
    var auditAlert: String?

    /// The signed-in user, as the top bar shows them.
    struct User: TemplateModel {
        let name: String
        let roleLabel: String
        let unitName: String
        let role: String
    }

    /// One entry of the menu.
    struct NavLink: TemplateModel {
        let href: String
        let label: String
        let current: Bool
    }
}

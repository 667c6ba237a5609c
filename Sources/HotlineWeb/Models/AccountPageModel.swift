/// One's own password and second factor.
struct AccountPageModel: PageModel {
    let chrome: ChromeModel
    let username: String
    /// Whether the second factor is on.
    var enabled = false
    /// A secret being enrolled, grouped for copying, and its `otpauth://` address.
    var secret: String?
    var uri: String?
}

/// The staff sign-in form, with what was typed and where to go after.
struct LoginPageModel: PageModel {
    let chrome: ChromeModel
    let username: String
    /// The local path to return to after signing in.
    let next: String
    /// A second factor was asked for: the code field comes first.
    var askOTP = false
}

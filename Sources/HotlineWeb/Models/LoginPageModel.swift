/// The staff sign-in form, with what was typed and where to go after.
struct LoginPageModel: PageModel {
    let chrome: ChromeModel
    let username: String
    /// The local path to return to after signing in.
    let next: String
}

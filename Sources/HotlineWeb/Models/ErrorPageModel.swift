/// An error page: the HTTP status, a title for it and what went wrong.
struct ErrorPageModel: PageModel {
    let chrome: ChromeModel
    let status: Int
    let message: String
    let title: String
}

/// Failures that pages answer with a redirect or an error page rather than JSON.
enum WebError: Error {
    /// No (or an expired) session: go to the sign-in page and come back.
    case signInRequired
    /// The form's CSRF token is missing or wrong.
    case badCSRF
    /// Something the page cannot show, with its HTTP status.
    case page(status: Int, message: String)
}

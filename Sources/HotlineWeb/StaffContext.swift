import HotlineStore
import Hummingbird
import HotlineHTTP

/// The context of pages that need a signed-in user: its initializer refuses a request without one,
/// so a handler never sees an optional session.
struct StaffContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let session: WebSession
    let english: Bool
    /// The client's address (behind trusted proxies, the forwarded one).
    let client: String

    init(context: AppRequestContext) throws {
        guard let session = context.session else { throw WebError.signInRequired }
        coreContext = context.coreContext
        self.session = session
        english = context.english
        client = context.client
    }

    var maxUploadSize: Int { 32 * 1024 * 1024 }
}

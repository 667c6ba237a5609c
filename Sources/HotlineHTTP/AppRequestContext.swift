import Foundation
import HTTPTypes
import HotlineStore
import Hummingbird
import NIOCore

/// The request context of the whole application: the caller's address, and for pages the browser session and language.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address, for rate limits.
    public let remoteAddress: String?
    /// The signed-in browser, set by `WebSessionMiddleware` on page routes.
    public var session: WebSession?
    /// Whether the visitor switched the pages to English.
    public var english = false
    /// The client's address as the page middleware found it (see `clientAddress`).
    public var client = "?"

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The client's address: the peer, or — when the peer is one of `trustedProxies` — the last address in
    /// `X-Forwarded-For` that is not a trusted proxy (what rate limits and lockouts count by).
    public func clientAddress(_ request: Request, trustedProxies: Set<String>) -> String {
        let peer = remoteAddress ?? "?"
        guard trustedProxies.contains(peer), let forwarded = request.headers[HTTPField.Name("X-Forwarded-For")!] else { return peer }
        let hops = forwarded.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }

    /// Photos and documents come with forms: allow bodies up to 32 MB (each file is limited separately).
    public var maxUploadSize: Int { 32 * 1024 * 1024 }
}

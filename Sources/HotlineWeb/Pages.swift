import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the Mustache templates shipped with Hotline into HTML responses with the security headers every page carries.
struct Pages: Sendable {
    let library: MustacheLibrary

    /// The `Templates` folder bundled with this module.
    static var bundledTemplates: URL {
        (Bundle.module.resourceURL ?? Bundle.module.bundleURL).appendingPathComponent("Templates")
    }

    /// Registers every `.mustache` file under `folder`, and refuses unless each `Template` is there and parses.
    static func load(from folder: URL = bundledTemplates) throws(TemplateLoadError) -> Pages {
        var library = MustacheLibrary()
        var loaded = Set<Template>()
        let root = folder.resolvingSymlinksInPath().pathComponents
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            let name = url.resolvingSymlinksInPath().deletingPathExtension().pathComponents.dropFirst(root.count).joined(separator: "/")
            guard let template = Template(rawValue: name) else { throw .unknown(name) }
            do {
                try library.register(try String(contentsOf: url, encoding: .utf8), named: name)
            } catch {
                throw .broken(name, error)
            }
            loaded.insert(template)
        }
        if let missing = Template.allCases.first(where: { !loaded.contains($0) }) { throw .missing(missing.rawValue) }
        return Pages(library: library)
    }

    /// The page `template` rendered with `model`.
    func render(_ template: Template, _ model: some PageModel, status: HTTPResponse.Status = .ok) -> Response {
        // `load` made sure every template is registered, so there is always a result.
        Self.html(library.render(model, withTemplate: template.rawValue) ?? "", status: status)
    }

    /// A fragment (no layout) for small scripts that fetch part of a page.
    func fragment(_ template: Template, _ model: some TemplateModel) -> Response {
        Self.html(library.render(model, withTemplate: template.rawValue) ?? "", status: .ok)
    }

    static func html(_ html: String, status: HTTPResponse.Status) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// No inline script, no framing, no sniffing: what a page may load is only this server's own files.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    /// A 303 redirect (after a form, the browser fetches the next page with GET).
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}

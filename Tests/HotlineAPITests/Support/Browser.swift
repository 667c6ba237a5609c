import Foundation
import HTTPTypes
import HotlineTestSupport
import HummingbirdTesting
import NIOCore
import Synchronization

/// A minimal browser over the in-process app: keeps cookies, posts forms (urlencoded or multipart), reads CSRF tokens.
final class Browser: Sendable {
    let api: APIClient
    private let jar = Mutex<[String: String]>([:])

    init(_ api: APIClient) {
        self.api = api
    }

    /// One response as a page.
    struct Page: Sendable {
        let status: Int
        let html: String
        let headers: HTTPFields

        var location: String? { headers[.location] }

        /// The first CSRF token in the page's forms.
        var csrf: String? { value(of: "_csrf") }

        /// The value of the first hidden or text input named `name`.
        func value(of name: String) -> String? {
            guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
            let rest = html[range.upperBound...]
            return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
        }

        func contains(_ text: String) -> Bool { html.contains(text) }
    }

    var cookies: [String: String] { jar.withLock { $0 } }

    func setCookie(_ name: String, _ value: String?) {
        jar.withLock { $0[name] = value }
    }

    private func headers(_ extra: HTTPFields = [:]) -> HTTPFields {
        var headers = extra
        let cookie = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
        if !cookie.isEmpty { headers[.cookie] = cookie }
        return headers
    }

    private func remember(_ headers: HTTPFields) {
        for field in headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = String(pair[1])
            let expired = field.value.contains("Max-Age=0")
            jar.withLock { $0[name] = expired ? nil : value }
        }
    }

    private func execute(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: ByteBuffer?) async throws -> Page {
        let page = try await api.client.execute(uri: path, method: method, headers: self.headers(headers), body: body) { response in
            Page(status: Int(response.status.code), html: String(buffer: response.body), headers: response.headers)
        }
        remember(page.headers)
        return page
    }

    /// GET a page (redirects are not followed: tests look at them).
    func get(_ path: String) async throws -> Page {
        try await execute(.get, path, headers: [:], body: nil)
    }

    /// GET a file's bytes (an export), with the status and headers.
    func download(_ path: String) async throws -> (status: Int, headers: HTTPFields, data: Data) {
        try await api.client.execute(uri: path, method: .get, headers: self.headers([:]), body: nil) { response in
            (Int(response.status.code), response.headers, Data(response.body.readableBytesView))
        }
    }

    /// POST a urlencoded form.
    func post(_ path: String, _ fields: [(String, String)]) async throws -> Page {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = fields.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
        return try await execute(.post, path, headers: [.contentType: "application/x-www-form-urlencoded"], body: ByteBuffer(string: body))
    }

    /// POST a multipart form with files `(field, filename, bytes)`.
    func postMultipart(_ path: String, _ fields: [(String, String)], files: [(String, String, Data)]) async throws -> Page {
        let boundary = "----hotline-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for (name, filename, data) in files {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
            body.append(data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return try await execute(.post, path, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: ByteBuffer(bytes: body))
    }

    /// Signs in through the login form and returns where it landed.
    @discardableResult
    func login(_ username: String, password: String = TestCity.password) async throws -> Page {
        let form = try await get("/login")
        return try await post("/login", [("_csrf", form.value(of: "_csrf") ?? ""), ("username", username), ("password", password)])
    }

    /// The CSRF token of a signed-in page.
    func csrf(_ path: String = "/tickets") async throws -> String {
        try await get(path).csrf ?? ""
    }
}

/// The smallest valid PNG (1×1, transparent).
let tinyPNG = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")!

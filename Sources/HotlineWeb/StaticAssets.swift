import HotlineHTTP
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The stylesheet, script and icons, read into memory at start and served under `/static/`; no path reaches the disk.
struct StaticAssets: Sendable {
    let files: [String: (contentType: String, body: ByteBuffer)]

    static func load() throws -> StaticAssets {
        guard let root = Bundle.module.resourceURL?.appendingPathComponent("Public") else { return StaticAssets(files: [:]) }
        var files: [String: (String, ByteBuffer)] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: root.path) {
            let type = switch (name as NSString).pathExtension {
            case "css": "text/css; charset=utf-8"
            case "js": "text/javascript; charset=utf-8"
            case "svg": "image/svg+xml"
            case "png": "image/png"
            default: "application/octet-stream"
            }
            files[name] = (type, ByteBuffer(bytes: try Data(contentsOf: root.appendingPathComponent(name))))
        }
        return StaticAssets(files: files)
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/static/:name") { _, context -> Response in
            guard let name = context.parameters.get("name"), let file = files[name] else { throw HTTPError(.notFound) }
            return Response(status: .ok, headers: [
                .contentType: file.contentType, .cacheControl: "public, max-age=3600",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ], body: .init(byteBuffer: file.body))
        }
    }
}

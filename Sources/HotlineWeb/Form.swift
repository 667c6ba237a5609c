import Foundation
import HotlineCore
import Hummingbird
import MultipartKit
import NIOCore

/// A submitted HTML form: its text fields (a name may repeat) and its files.
struct Form: Sendable {
    var fields: [String: [String]] = [:]
    var files: [String: [Upload]] = [:]

    /// The first value of a field, trimmed; nil when absent or blank.
    subscript(_ name: String) -> String? {
        guard let value = fields[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every non-blank value of a repeated field.
    func all(_ name: String) -> [String] {
        (fields[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// A field as a whole number, or a 400 naming it.
    func int64(_ name: String) throws -> Int64? {
        guard let text = self[name] else { return nil }
        guard let value = Int64(text) else { throw HotlineError.invalid(name, "须为数字 (must be a number)") }
        return value
    }

    /// A checkbox or yes/no field.
    func bool(_ name: String) -> Bool? {
        guard let text = self[name] else { return nil }
        return ["1", "true", "yes", "on"].contains(text.lowercased())
    }

    /// A field holding one of an enum's codes, or a 400 naming it.
    func code<T: Labelled>(_ name: String, as type: T.Type) throws -> T? {
        guard let text = self[name] else { return nil }
        guard let value = T(rawValue: text) else { throw HotlineError.invalid(name, "无效的取值 \(text) (unknown value)") }
        return value
    }

    /// Reads a urlencoded or multipart body of at most `limit` bytes.
    static func read(_ request: Request, limit: Int) async throws -> Form {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limit)
        } catch {
            throw HotlineError(.tooLarge, "提交的内容过大 (the request is too large)")
        }
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            guard let boundary = Self.boundary(contentType) else { throw HotlineError.invalid("body", "缺少multipart边界 (no boundary)") }
            return try multipart(body, boundary: boundary)
        }
        guard let text = body.getString(at: body.readerIndex, length: body.readableBytes) else {
            throw HotlineError.invalid("body", "须为UTF-8 (must be UTF-8)")
        }
        return urlencoded(text)
    }

    /// Parses `a=1&b=%E4%B8%AD`.
    static func urlencoded(_ text: String) -> Form {
        var form = Form()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let name = decode(parts[0])
            form.fields[name, default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
        return form
    }

    static func boundary(_ contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" { return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }

    /// Parses a multipart/form-data body: parts with a filename are files, the rest text fields.
    static func multipart(_ body: ByteBuffer, boundary: String) throws -> Form {
        final class Collector {
            var form = Form()
            var headers: [String: String] = [:]
            var data = Data()
        }
        let collector = Collector()
        let parser = MultipartParser(boundary: boundary)
        parser.onHeader = { name, value in collector.headers[name.lowercased()] = value }
        parser.onBody = { buffer in collector.data.append(contentsOf: buffer.readableBytesView) }
        parser.onPartComplete = {
            let disposition = collector.headers["content-disposition"] ?? ""
            if let name = Self.parameter("name", in: disposition) {
                if let filename = Self.parameter("filename", in: disposition) {
                    collector.form.files[name, default: []].append(Upload(name: filename, data: collector.data))
                } else {
                    collector.form.fields[name, default: []].append(String(decoding: collector.data, as: UTF8.self))
                }
            }
            collector.headers = [:]
            collector.data = Data()
        }
        do {
            try parser.execute(body)
        } catch {
            throw HotlineError.invalid("body", "表单格式不正确 (malformed multipart body)")
        }
        return collector.form
    }

    /// `name="value"` from a Content-Disposition header.
    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == key {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

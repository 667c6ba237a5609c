import Foundation

/// A file someone uploads, before it is checked and stored.
public struct Upload: Sendable, Equatable {
    public var name: String
    public var data: Data

    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

/// The kinds of file Hotline accepts, recognised by their first bytes, never by the name or the claimed type.
public enum FileKind: String, Sendable, CaseIterable {
    case jpeg, png, gif, webp, pdf, docx, xlsx

    /// The content type the file is served with.
    public var contentType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .gif: "image/gif"
        case .webp: "image/webp"
        case .pdf: "application/pdf"
        case .docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        case .xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    /// Images are shown inline; every other kind is only ever downloaded.
    public var isImage: Bool { [.jpeg, .png, .gif, .webp].contains(self) }

    /// The kind of `data`, or nil when it is none Hotline accepts.
    public static func sniff(_ data: Data, name: String) -> FileKind? {
        let head = [UInt8](data.prefix(12))
        func starts(_ bytes: [UInt8]) -> Bool { head.count >= bytes.count && Array(head.prefix(bytes.count)) == bytes }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return .gif }
        if starts(Array("RIFF".utf8)), head.count >= 12, Array(head[8..<12]) == Array("WEBP".utf8) { return .webp }
        if starts(Array("%PDF-".utf8)) { return .pdf }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            // Office files are zip archives; the name tells which, the zip signature that it is one.
            let lower = name.lowercased()
            if lower.hasSuffix(".docx") { return .docx }
            if lower.hasSuffix(".xlsx") { return .xlsx }
        }
        return nil
    }
}

/// A checked upload: a safe display name and the kind its bytes prove.
public struct CheckedUpload: Sendable, Equatable {
    public var name: String
    public var kind: FileKind
    public var data: Data
}

/// Size and count limits for uploads (附件限制).
public struct UploadPolicy: Sendable {
    public var maxBytes: Int
    public var maxFiles: Int
    public var allowed: Set<FileKind>

    public init(maxBytes: Int = 10 * 1024 * 1024, maxFiles: Int = 5, allowed: Set<FileKind> = Set(FileKind.allCases)) {
        self.maxBytes = maxBytes
        self.maxFiles = maxFiles
        self.allowed = allowed
    }

    /// Photos only, as the citizen portal takes them.
    public static let photos = UploadPolicy(maxBytes: 5 * 1024 * 1024, maxFiles: 3, allowed: [.jpeg, .png, .gif, .webp])

    /// The uploads checked, empty ones dropped; a 400 names the first file refused.
    public func check(_ uploads: [Upload]) throws -> [CheckedUpload] {
        let present = uploads.filter { !$0.data.isEmpty }
        guard present.count <= maxFiles else {
            throw HotlineError.invalid("files", "最多上传\(maxFiles)个文件 (at most \(maxFiles) files)")
        }
        return try present.map { upload in
            let name = Self.safeName(upload.name)
            guard upload.data.count <= maxBytes else {
                throw HotlineError.invalid("files", "「\(name)」超过\(maxBytes / 1024 / 1024)MB (larger than \(maxBytes / 1024 / 1024) MB)")
            }
            guard let kind = FileKind.sniff(upload.data, name: name), allowed.contains(kind) else {
                let kinds = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                throw HotlineError.invalid("files", "「\(name)」的文件类型不允许，仅支持 \(kinds) (file type not allowed)")
            }
            return CheckedUpload(name: name, kind: kind, data: upload.data)
        }
    }

    /// The last path component, without control characters or separators, at most 100 characters.
    public static func safeName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(last.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) && $0 != "\"" }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        let trimmed = cleaned.replacingOccurrences(of: "..", with: ".")
        return trimmed.isEmpty ? "file" : String(trimmed.suffix(100))
    }
}

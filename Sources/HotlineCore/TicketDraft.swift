import Foundation

/// Who made the request. Name, phone and ID number are sensitive: encrypted at rest, masked on screen.
public struct Requester: Sendable, Equatable {
    public var kind: RequesterKind
    public var name: String?
    public var phone: String?
    public var idNumber: String?
    public var enterpriseName: String?
    public var creditCode: String?

    public init(kind: RequesterKind = .person, name: String? = nil, phone: String? = nil, idNumber: String? = nil,
                enterpriseName: String? = nil, creditCode: String? = nil) {
        self.kind = kind
        self.name = name
        self.phone = phone
        self.idNumber = idNumber
        self.enterpriseName = enterpriseName
        self.creditCode = creditCode
    }
}

/// Where the matter is.
public struct Location: Sendable, Equatable {
    public var address: String?
    public var regionCode: String?
    public var latitude: Double?
    public var longitude: Double?

    public init(address: String? = nil, regionCode: String? = nil, latitude: Double? = nil, longitude: Double? = nil) {
        self.address = address
        self.regionCode = regionCode
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// Metadata of an attached file; the bytes live elsewhere.
public struct AttachmentMeta: Sendable, Equatable, Codable {
    public var name: String
    public var contentType: String
    public var size: Int
    public var url: String?

    public init(name: String, contentType: String, size: Int, url: String? = nil) {
        self.name = name
        self.contentType = contentType
        self.size = size
        self.url = url
    }
}

/// A new ticket as an agent, an integration or a citizen submits it, before validation.
public struct TicketDraft: Sendable, Equatable {
    public var channel: Channel
    public var type: TicketType
    public var urgency: Urgency
    public var title: String
    public var content: String
    public var categoryCode: String?
    public var location: Location
    public var requester: Requester
    public var confidential: Bool
    public var attachments: [AttachmentMeta]

    public init(channel: Channel, type: TicketType, urgency: Urgency = .normal, title: String, content: String,
                categoryCode: String? = nil, location: Location = Location(), requester: Requester = Requester(),
                confidential: Bool = false, attachments: [AttachmentMeta] = []) {
        self.channel = channel
        self.type = type
        self.urgency = urgency
        self.title = title
        self.content = content
        self.categoryCode = categoryCode
        self.location = location
        self.requester = requester
        self.confidential = confidential
        self.attachments = attachments
    }

    /// The draft with text trimmed, or a 400 error naming the first bad field.
    public func validated() throws -> TicketDraft {
        var draft = self
        draft.title = try Lifecycle.required(title, "title", max: 200)
        draft.content = try Lifecycle.required(content, "content", max: 10000)
        draft.categoryCode = try Self.optional(categoryCode, "categoryCode", max: 12)
        if let code = draft.categoryCode, !code.allSatisfy(\.isNumber) {
            throw HotlineError.invalid("categoryCode", "分类编码只能是数字 (digits only)")
        }
        draft.location.address = try Self.optional(location.address, "location.address", max: 500)
        draft.location.regionCode = try Self.optional(location.regionCode, "location.regionCode", max: 12)
        if let lat = location.latitude, !(-90...90).contains(lat) {
            throw HotlineError.invalid("location.latitude", "纬度须在-90到90之间 (must be within -90…90)")
        }
        if let lon = location.longitude, !(-180...180).contains(lon) {
            throw HotlineError.invalid("location.longitude", "经度须在-180到180之间 (must be within -180…180)")
        }
        if (location.latitude == nil) != (location.longitude == nil) {
            throw HotlineError.invalid("location", "经纬度须同时提供 (latitude and longitude go together)")
        }
        draft.requester.name = try Self.optional(requester.name, "requester.name", max: 50)
        draft.requester.phone = try Self.optional(requester.phone, "requester.phone", max: 20)
        if let phone = draft.requester.phone {
            draft.requester.phone = try Self.normalizedPhone(phone)
        }
        draft.requester.idNumber = try Self.optional(requester.idNumber, "requester.idNumber", max: 18)?.uppercased()
        if let id = draft.requester.idNumber, !Self.isValidIDNumber(id) {
            throw HotlineError.invalid("requester.idNumber", "身份证号码格式不正确 (not a valid resident ID number)")
        }
        draft.requester.enterpriseName = try Self.optional(requester.enterpriseName, "requester.enterpriseName", max: 100)
        draft.requester.creditCode = try Self.optional(requester.creditCode, "requester.creditCode", max: 18)?.uppercased()
        if let code = draft.requester.creditCode, code.count != 18 || !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) {
            throw HotlineError.invalid("requester.creditCode", "统一社会信用代码应为18位 (18 letters or digits)")
        }
        if requester.kind == .enterprise && draft.requester.enterpriseName == nil {
            throw HotlineError.invalid("requester.enterpriseName", "企业诉求须填写企业名称 (required for a business)")
        }
        guard attachments.count <= 20 else { throw HotlineError.invalid("attachments", "最多20个附件 (at most 20)") }
        for file in attachments {
            _ = try Lifecycle.required(file.name, "attachments.name", max: 200)
            _ = try Lifecycle.required(file.contentType, "attachments.contentType", max: 100)
            // A link the pages will render: only an http(s) address (never `javascript:`, `data:` or a file path).
            if let url = try Self.optional(file.url, "attachments.url", max: 500), !WebAddress.isValid(url) {
                throw HotlineError.invalid("attachments.url", "附件地址须为http(s)网址 (an attachment's url must be http or https)")
            }
            guard file.size >= 0 && file.size <= 50 * 1024 * 1024 else {
                throw HotlineError.invalid("attachments.size", "单个附件不超过50MB (at most 50 MB each)")
            }
        }
        return draft
    }

    /// Every field in one unambiguous string (each part length-prefixed): two drafts have the same fingerprint
    /// only when they are the same request. Idempotency keys are checked against it.
    public var fingerprint: String {
        let parts: [String?] = [
            channel.rawValue, type.rawValue, urgency.rawValue, title, content, categoryCode, location.address, location.regionCode,
            location.latitude.map { String($0) }, location.longitude.map { String($0) }, requester.kind.rawValue, requester.name,
            requester.phone, requester.idNumber, requester.enterpriseName, requester.creditCode, String(confidential),
        ] + attachments.flatMap { [$0.name, $0.contentType, String($0.size), $0.url] }
        return parts.map { part in part.map { "\($0.utf8.count):\($0)" } ?? "-" }.joined(separator: "|")
    }

    /// Digits only, with an optional leading +86 removed; 5 to 15 digits (hotline short numbers to mobiles).
    public static func normalizedPhone(_ text: String) throws -> String {
        var digits = text.filter { !" -()".contains($0) }
        if digits.hasPrefix("+86") { digits.removeFirst(3) }
        guard (5...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw HotlineError.invalid("requester.phone", "电话号码格式不正确 (not a phone number)")
        }
        return digits
    }

    /// GB 11643 check: 17 digits and a check character.
    public static func isValidIDNumber(_ id: String) -> Bool {
        let chars = Array(id)
        guard chars.count == 18, chars[0..<17].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(chars[0..<17], weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        let check = Array("10X98765432")[sum % 11]
        return chars[17] == check
    }

    static func optional(_ text: String?, _ field: String, max: Int) throws -> String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard trimmed.count <= max else { throw HotlineError.invalid(field, "不能超过\(max)字 (at most \(max) characters)") }
        return trimmed
    }
}

import Foundation

/// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): what Hotline's categories, requests and errors look like
/// to an Open311 client, in JSON and in XML. The routes only read the database and hand the results here.
public enum Open311 {
    /// The answer's format, from the file name's extension (`services.json`, `requests/123.xml`).
    public enum Format: String, Sendable, CaseIterable {
        case json, xml

        public var contentType: String { self == .json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8" }

        /// Splits `requests.json` into `requests` and `.json`; nil without a known extension.
        public static func split(_ file: String) -> (name: String, format: Format)? {
            guard let dot = file.lastIndex(of: "."), let format = Format(rawValue: file[file.index(after: dot)...].lowercased()) else { return nil }
            return (String(file[..<dot]), format)
        }
    }

    /// What Open311 calls an error: an HTTP status and a description, answered as the spec's `errors` list.
    public struct Failure: Error, Sendable, Equatable {
        public let status: Int
        public let description: String

        public init(_ status: Int, _ description: String) {
            self.status = status
            self.description = description
        }

        public static func badRequest(_ description: String) -> Failure { Failure(400, description) }
        public static let notFound = Failure(404, "未找到 (not found)")
    }

    // MARK: Services

    /// A service: one category a citizen can report under, grouped by the top of its branch.
    public struct Service: Sendable, Equatable {
        public var code: String
        public var name: String
        public var description: String
        public var group: String
        public var keywords: [String]
    }

    /// The categories a request can be filed under — the leaves of the tree — with the path to each as its description and
    /// its top-level branch as its group.
    public static func services(from categories: [CategoryNode]) -> [Service] {
        let byCode = Dictionary(categories.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
        let parents = Set(categories.compactMap(\.parentCode))
        return categories.filter { !parents.contains($0.code) }.map { leaf in
            var path = [leaf]
            var seen: Set<String> = [leaf.code]
            while let parent = path.last?.parentCode.flatMap({ byCode[$0] }), seen.insert(parent.code).inserted { path.append(parent) }
            let names = path.reversed().map(\.name)
            return Service(code: leaf.code, name: leaf.name, description: leaf.description ?? names.joined(separator: " > "),
                           group: names.first ?? leaf.name, keywords: Array(names.dropLast()))
        }
    }

    public static func servicesDocument(_ services: [Service]) -> Document {
        Document(root: "services", node: .list("service", services.map { service in
            .record([
                ("service_code", .text(service.code)), ("service_name", .text(service.name)), ("description", .text(service.description)),
                ("metadata", .bool(false)), ("type", .text("realtime")), ("keywords", .text(service.keywords.joined(separator: ","))),
                ("group", .text(service.group)),
            ])
        }))
    }

    /// A service's definition: Hotline's categories ask for no attributes beyond the request's own fields.
    public static func definitionDocument(_ service: Service) -> Document {
        Document(root: "service_definition", node: .record([("service_code", .text(service.code)), ("attributes", .list("attribute", []))]))
    }

    // MARK: Requests

    /// A request as the public sees it: what, where, how far — never who.
    public struct PublicRequest: Sendable, Equatable {
        public var id: String
        public var closed: Bool
        public var statusNotes: String
        public var serviceCode: String?
        public var serviceName: String?
        public var description: String
        public var agency: String?
        public var requestedAt: Date
        public var updatedAt: Date
        public var expectedAt: Date?
        public var address: String?
        public var latitude: Double?
        public var longitude: Double?
        public var mediaURL: String?

        public init(id: String, closed: Bool, statusNotes: String, serviceCode: String?, serviceName: String?, description: String,
                    agency: String?, requestedAt: Date, updatedAt: Date, expectedAt: Date?, address: String?, latitude: Double?,
                    longitude: Double?, mediaURL: String?) {
            self.id = id
            self.closed = closed
            self.statusNotes = statusNotes
            self.serviceCode = serviceCode
            self.serviceName = serviceName
            self.description = Masking.freeText(description)
            self.agency = agency
            self.requestedAt = requestedAt
            self.updatedAt = updatedAt
            self.expectedAt = expectedAt
            self.address = address.map(Masking.freeText)
            self.latitude = latitude
            self.longitude = longitude
            self.mediaURL = mediaURL.flatMap { WebAddress.isValid($0) ? $0 : nil }
        }
    }

    /// Open311's two statuses: a ticket is closed once its life has ended (办结, 不予受理, 合并).
    public static func isClosed(_ status: TicketStatus) -> Bool { status.isTerminal }

    public static func requestsDocument(_ requests: [PublicRequest]) -> Document {
        Document(root: "service_requests", node: .list("request", requests.map { request in
            .record([
                ("service_request_id", .text(request.id)), ("status", .text(request.closed ? "closed" : "open")),
                ("status_notes", .text(request.statusNotes)), ("service_name", .optional(request.serviceName)),
                ("service_code", .optional(request.serviceCode)), ("description", .text(request.description)),
                ("agency_responsible", .optional(request.agency)), ("service_notice", .null),
                ("requested_datetime", .text(timestamp(request.requestedAt))), ("updated_datetime", .text(timestamp(request.updatedAt))),
                ("expected_datetime", request.expectedAt.map { .text(timestamp($0)) } ?? .null),
                ("address", .optional(request.address)), ("address_id", .null), ("zipcode", .null),
                ("lat", request.latitude.map(Node.number) ?? .null), ("long", request.longitude.map(Node.number) ?? .null),
                ("media_url", .optional(request.mediaURL)),
            ])
        }))
    }

    /// The answer to a new request: its id (Hotline answers at once, so the token is the id too) and what happens next.
    public static func createdDocument(id: String, notice: String) -> Document {
        Document(root: "service_requests", node: .list("request", [
            .record([("service_request_id", .text(id)), ("token", .text(id)), ("service_notice", .text(notice)), ("account_id", .null)]),
        ]))
    }

    public static func tokenDocument(id: String) -> Document {
        Document(root: "service_requests", node: .list("request", [.record([("service_request_id", .text(id)), ("token", .text(id))])]))
    }

    public static func errorsDocument(_ failure: Failure) -> Document {
        Document(root: "errors", node: .list("error", [.record([("code", .number(Double(failure.status))), ("description", .text(failure.description))])]))
    }

    /// The discovery document: where the endpoint is and what it speaks.
    public static func discoveryDocument(endpoint: String, contact: String, changeset: Date) -> Document {
        Document(root: "discovery", node: .record([
            ("changeset", .text(timestamp(changeset))), ("contact", .text(contact)),
            ("key_service", .text("向热线中心申请对接系统账号的API密钥 (ask the hotline center for an integration key)")),
            ("endpoints", .list("endpoint", [.record([
                ("specification", .text("http://wiki.open311.org/GeoReport_v2")), ("url", .text(endpoint)),
                ("changeset", .text(timestamp(changeset))), ("type", .text("production")),
                ("formats", .list("format", Format.allCases.map { .text($0 == .json ? "application/json" : "text/xml") })),
            ])])),
        ]))
    }

    // MARK: Reading a request

    /// A new request as an Open311 client posts it (form fields), checked.
    public struct Submission: Sendable, Equatable {
        public var serviceCode: String
        public var latitude: Double?
        public var longitude: Double?
        public var address: String?
        public var description: String
        public var name: String?
        public var phone: String?
        public var email: String?
        public var mediaURL: String?

        /// Reads the fields the spec names; a missing service, place or description, or a malformed coordinate, is a 400.
        public static func parse(_ fields: [String: String]) throws(Failure) -> Submission {
            func text(_ key: String, max: Int) throws(Failure) -> String? {
                guard let value = fields[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
                guard value.count <= max else { throw .badRequest("\(key) 过长，最多\(max)字 (\(key) is longer than \(max) characters)") }
                return value
            }
            guard let code = try text("service_code", max: 64) else { throw .badRequest("缺少service_code (service_code is required)") }
            let latitude = try coordinate(fields["lat"], "lat", range: -90...90)
            let longitude = try coordinate(fields["long"], "long", range: -180...180)
            guard (latitude == nil) == (longitude == nil) else { throw .badRequest("lat和long须同时提供 (lat and long go together)") }
            let address = try text("address_string", max: 200)
            guard latitude != nil || address != nil else {
                throw .badRequest("须提供位置：lat/long或address_string (a location is required: lat and long, or address_string)")
            }
            guard let description = try text("description", max: 4000) else { throw .badRequest("缺少description (description is required)") }
            let name = [try text("last_name", max: 50), try text("first_name", max: 50)].compactMap { $0 }.joined()
            let media = try text("media_url", max: 500)
            if let media, !WebAddress.isValid(media) { throw .badRequest("media_url须为http(s)地址 (media_url must be an http(s) address)") }
            let phone = try text("phone", max: 30)
            if let phone, !phone.allSatisfy({ $0.isNumber || "+- ".contains($0) }) { throw .badRequest("phone格式不正确 (phone is not a number)") }
            return Submission(serviceCode: code, latitude: latitude, longitude: longitude, address: address, description: description,
                              name: name.isEmpty ? nil : name, phone: phone, email: try text("email", max: 100), mediaURL: media)
        }

        static func coordinate(_ text: String?, _ key: String, range: ClosedRange<Double>) throws(Failure) -> Double? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let value = Double(text), value.isFinite, range.contains(value) else { throw .badRequest("\(key)不是有效坐标 (\(key) is not a coordinate)") }
            return value
        }

        /// The ticket it becomes: an Open311 request waits in the screening queue like every online submission.
        public func draft(serviceName: String) -> TicketDraft {
            TicketDraft(
                channel: .open311, type: .help, title: String(("\(serviceName)：" + description.prefix(30)).prefix(60)), content: description,
                categoryCode: serviceCode, location: Location(address: address, latitude: latitude, longitude: longitude),
                requester: Requester(name: name, phone: phone),
                attachments: mediaURL.map { [AttachmentMeta(name: "media", contentType: "image/*", size: 0, url: $0)] } ?? [])
        }
    }

    /// The filters of `GET requests`.
    public struct Query: Sendable, Equatable {
        public var ids: [String]?
        public var serviceCodes: [String]?
        public var from: Date
        public var to: Date
        /// nil: both.
        public var closed: Bool?
        /// The spec's limit on one answer.
        public static let maximum = 1000
        public static let longestSpan: TimeInterval = 90 * 86_400

        /// The requests with these ids, whatever their date or status.
        public static func ids(_ ids: [String]) -> Query {
            Query(ids: ids, serviceCodes: nil, from: .distantPast, to: .distantFuture, closed: nil)
        }

        /// Reads the filters; ids override the others, dates default to the last 90 days and may not span more.
        public static func parse(_ fields: [String: String], now: Date) throws(Failure) -> Query {
            func list(_ key: String) -> [String]? {
                let items = (fields[key] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                return items.isEmpty ? nil : items
            }
            if let ids = list("service_request_id") {
                guard ids.count <= maximum else { throw .badRequest("一次最多查询\(maximum)个 (at most \(maximum) ids)") }
                return .ids(ids)
            }
            let start = try date(fields["start_date"], "start_date")
            let end = try date(fields["end_date"], "end_date")
            let to = end ?? (start.map { $0.addingTimeInterval(longestSpan) } ?? now)
            let from = start ?? to.addingTimeInterval(-longestSpan)
            guard from <= to else { throw .badRequest("start_date晚于end_date (start_date is after end_date)") }
            guard to.timeIntervalSince(from) <= longestSpan else { throw .badRequest("时间范围不能超过90天 (the range may not exceed 90 days)") }
            var closed: Bool?
            if let statuses = list("status") {
                let known = statuses.map { $0.lowercased() }
                guard known.allSatisfy({ $0 == "open" || $0 == "closed" }) else { throw .badRequest("status只能是open或closed (status is open or closed)") }
                closed = Set(known).count == 2 ? nil : known.first == "closed"
            }
            return Query(ids: nil, serviceCodes: list("service_code"), from: from, to: to, closed: closed)
        }

        static func date(_ text: String?, _ key: String) throws(Failure) -> Date? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let date = Open311.date(text) else { throw .badRequest("\(key)须为W3C日期时间，如2026-12-01T00:00:00Z (\(key) is not a W3C datetime)") }
            return date
        }
    }

    // MARK: Dates

    /// China Standard Time: what the center's clocks read.
    static let chinaTime = TimeZone(secondsFromGMT: 8 * 3600)!

    /// A W3C datetime in China Standard Time (`2026-12-04T09:30:00+08:00`).
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = chinaTime
        formatter.formatOptions = [.withInternetDateTime, .withColonSeparatorInTimeZone]
        return formatter.string(from: date)
    }

    /// Reads a W3C datetime with a zone, with or without fractions of a second.
    public static func date(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle().parse(text)) ?? (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
    }
}

extension Open311 {
    /// A tree of values written as JSON or as XML.
    public indirect enum Node: Sendable {
        case text(String)
        case number(Double)
        case bool(Bool)
        case null
        /// Named fields, in order.
        case record([(String, Node)])
        /// A list; in XML each item is an element of this name.
        case list(String, [Node])

        static func optional(_ text: String?) -> Node { text.map(Node.text) ?? .null }
    }

    /// One answer: its XML root element and its content.
    public struct Document: Sendable {
        public let root: String
        public let node: Node

        public func rendered(_ format: Format) -> String {
            switch format {
            case .json: Self.json(node)
            case .xml: #"<?xml version="1.0" encoding="utf-8"?>"# + Self.xml(root, node)
            }
        }

        static func json(_ node: Node) -> String {
            switch node {
            case .text(let text): JSONText.quoted(text)
            case .number, .bool: scalar(node)
            case .null: "null"
            case .record(let fields): "{" + fields.map { JSONText.quoted($0.0) + ":" + json($0.1) }.joined(separator: ",") + "}"
            case .list(_, let items): "[" + items.map(json).joined(separator: ",") + "]"
            }
        }

        static func xml(_ name: String, _ node: Node) -> String {
            switch node {
            case .null: "<\(name)/>"
            case .record(let fields): "<\(name)>" + fields.map { xml($0.0, $0.1) }.joined() + "</\(name)>"
            case .list(let element, let items): "<\(name)>" + items.map { xml(element, $0) }.joined() + "</\(name)>"
            case .text, .number, .bool: "<\(name)>" + escaped(scalar(node)) + "</\(name)>"
            }
        }

        /// A scalar's text: whole numbers without a fraction (the error code 400, not 400.0).
        static func scalar(_ node: Node) -> String {
            switch node {
            case .text(let text): text
            case .number(let number): number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
            case .bool(let flag): flag ? "true" : "false"
            default: ""
            }
        }

        static func escaped(_ text: String) -> String {
            var out = ""
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&apos;"
                case _ where character.asciiValue.map({ $0 < 0x20 && $0 != 9 && $0 != 10 && $0 != 13 }) == true: continue
                default: out.append(character)
                }
            }
            return out
        }
    }
}

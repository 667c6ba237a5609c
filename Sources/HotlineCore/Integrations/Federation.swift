import Foundation

/// 省市两级平台: a city's Hotline linked to its province's (the same software). Up (数据归集), the city sends every ticket
/// and every change to it, in commit order, as snapshots the province keeps read-only; down (省派工单), the province
/// dispatches a ticket to the city's unit, the city pulls it, handles it through its own units, and its progress goes
/// back up as the province ticket's signature and reply. This file is the pure part: what a snapshot holds, how a
/// city's history reads on the province, what the province does with a city's progress, and the monthly scores.
public enum Federation {
    /// A batch holds at most this many tickets.
    public static let maximumBatch = 500

    /// The JSON of what travels between platforms (snapshots, shared entries): the core's Codable forms, dates in ISO 8601
    /// as the API's own (whole seconds). Both ends, and the API's handlers, read and write it with these.
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// How much of the requester a city sends up, by its agreement with the province (数据共享协议).
public enum IdentityShare: String, Labelled {
    case masked, full, none

    public var label: String {
        switch self {
        case .masked: "脱敏报送"
        case .full: "完整报送"
        case .none: "不报送身份"
        }
    }

    /// The requester as the province may keep it.
    public func shared(_ requester: Requester, confidential: Bool) -> Requester {
        if confidential || self == .none { return Requester(kind: requester.kind) }
        guard self == .masked else { return requester }
        var shown = requester
        shown.name = requester.name.map(Masking.name)
        shown.phone = requester.phone.map(Masking.phone)
        shown.idNumber = requester.idNumber.map(Masking.idNumber)
        return shown
    }
}

/// One event of a city's ticket as it travels up.
public struct FederatedEvent: Sendable, Equatable, Codable {
    public var seq: Int64
    public var at: Date
    public var action: ActionCode
    public var fromStatus: TicketStatus?
    public var toStatus: TicketStatus?
    public var actorName: String
    public var note: String?
    public var details: [String: [String]]

    public init(seq: Int64, at: Date, action: ActionCode, fromStatus: TicketStatus?, toStatus: TicketStatus?, actorName: String,
                note: String?, details: [String: [String]]) {
        self.seq = seq
        self.at = at
        self.action = action
        self.fromStatus = fromStatus
        self.toStatus = toStatus
        self.actorName = actorName
        self.note = note
        self.details = details
    }

    /// Whether an event's note travels up: what the citizen may read anyway, a reply, a supervision's reason.
    public static func keepsNote(_ action: ActionCode) -> Bool {
        action.sharesNote || action == .reply || action == .supervise
    }

    /// Detail keys that name the city's own units: the province knows only the city as a whole.
    static let unitKeys: Set<String> = ["mainUnitId", "coUnitIds", "handlingUnitId", "responsibleUnitIds", "returnedUnitIds", "returnRequestedBy",
                                        "coUnitId", "unitId", "mainUnit", "coUnits", "unit", "handlingUnit"]

    /// Actions the province records of a city's ticket. What stays inside the city (passing it down, co-units' input,
    /// returns between the city's center and its units, identity reveals) is not the province's to assess.
    static let carried: Set<ActionCode> = [
        .create, .accept, .reject, .answerOnContact, .dispatch, .sign, .contactRequester, .requestExtension, .decideExtension, .reply,
        .review, .evaluate, .close, .merge, .markUnreasonableRepeat, .supervise, .markDifficult, .markDueSoon, .markOverdue, .markSignOverdue,
    ]

    /// This event as the province's history of the city's ticket: held by `cityUnit` (the city as one unit of the
    /// province), with the city's internal units left out. A dispatch after the first (a redispatch inside the city)
    /// and a second signature are not new turns for the city. Nil: not the province's business.
    public func translated(cityUnitId: Int64, cityName: String, dispatched: Bool, signed: Bool) -> FederatedEvent? {
        guard Self.carried.contains(action) else { return nil }
        if action == .dispatch && dispatched { return nil }
        if action == .sign && signed { return nil }
        var kept = details.filter { !Self.unitKeys.contains($0.key) }
        if action == .dispatch {
            kept["mainUnitId"] = ["", String(cityUnitId)]
            kept["mainUnit"] = [cityName]
        }
        return FederatedEvent(seq: seq, at: at, action: action, fromStatus: fromStatus, toStatus: toStatus, actorName: "\(cityName)·\(actorName)",
                              note: Self.keepsNote(action) ? note : nil, details: kept)
    }
}

/// A city's ticket as it travels up: its state now and the events since the last batch.
public struct FederatedTicket: Sendable, Equatable, Codable {
    /// The ticket's id on the city: with the city, its shared identity (a re-sent change is never counted twice).
    public var sourceId: Int64
    public var number: String
    /// The city's version: a snapshot older than the one the province holds changes nothing.
    public var version: Int64
    /// The province's ticket it came from (省派工单), if any.
    public var upstreamTicketId: Int64?
    public var channel: Channel
    public var type: TicketType
    public var urgency: Urgency
    public var status: TicketStatus
    public var categoryCode: String?
    public var title: String
    public var content: String
    public var address: String?
    public var regionCode: String?
    public var latitude: Double?
    public var longitude: Double?
    public var requesterKind: RequesterKind
    public var requesterName: String?
    public var requesterPhone: String?
    public var enterpriseName: String?
    public var confidential: Bool
    /// The city unit holding it (承办单位), by name.
    public var unitName: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var dispatchedAt: Date?
    public var signedAt: Date?
    public var signDueAt: Date?
    public var replyDueAt: Date?
    public var repliedAt: Date?
    public var closedAt: Date?
    public var reply: String?
    public var satisfaction: Satisfaction?
    public var resolved: Bool?
    public var rejectReason: RejectReason?
    public var overdue: Bool
    public var supervisionCount: Int
    public var events: [FederatedEvent]

    public init(sourceId: Int64, number: String, version: Int64, upstreamTicketId: Int64? = nil, channel: Channel, type: TicketType,
                urgency: Urgency, status: TicketStatus, categoryCode: String?, title: String, content: String, address: String? = nil,
                regionCode: String? = nil, latitude: Double? = nil, longitude: Double? = nil, requesterKind: RequesterKind = .person,
                requesterName: String? = nil, requesterPhone: String? = nil, enterpriseName: String? = nil, confidential: Bool = false,
                unitName: String? = nil, createdAt: Date, updatedAt: Date, dispatchedAt: Date? = nil, signedAt: Date? = nil,
                signDueAt: Date? = nil, replyDueAt: Date? = nil, repliedAt: Date? = nil, closedAt: Date? = nil, reply: String? = nil,
                satisfaction: Satisfaction? = nil, resolved: Bool? = nil, rejectReason: RejectReason? = nil, overdue: Bool = false,
                supervisionCount: Int = 0, events: [FederatedEvent] = []) {
        self.sourceId = sourceId
        self.number = number
        self.version = version
        self.upstreamTicketId = upstreamTicketId
        self.channel = channel
        self.type = type
        self.urgency = urgency
        self.status = status
        self.categoryCode = categoryCode
        self.title = title
        self.content = content
        self.address = address
        self.regionCode = regionCode
        self.latitude = latitude
        self.longitude = longitude
        self.requesterKind = requesterKind
        self.requesterName = requesterName
        self.requesterPhone = requesterPhone
        self.enterpriseName = enterpriseName
        self.confidential = confidential
        self.unitName = unitName
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.dispatchedAt = dispatchedAt
        self.signedAt = signedAt
        self.signDueAt = signDueAt
        self.replyDueAt = replyDueAt
        self.repliedAt = repliedAt
        self.closedAt = closedAt
        self.reply = reply
        self.satisfaction = satisfaction
        self.resolved = resolved
        self.rejectReason = rejectReason
        self.overdue = overdue
        self.supervisionCount = supervisionCount
        self.events = events
    }

    /// The snapshot, or a 400 naming what is wrong with it: a peer's bad input changes nothing.
    public func validated() throws -> FederatedTicket {
        func bad(_ message: String) -> HotlineError {
            HotlineError(.invalidRequest, "下级平台工单 \(number.isEmpty ? String(sourceId) : number)：\(message)")
        }
        guard sourceId > 0, version > 0 else { throw bad("编号或版本无效 (sourceId and version must be positive)") }
        guard !number.isEmpty, number.count <= 40 else { throw bad("工单编号无效 (number is empty or too long)") }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty, title.count <= 200 else { throw bad("标题为空或过长 (title is empty or too long)") }
        guard !content.isEmpty, content.count <= 10_000 else { throw bad("内容为空或过长 (content is empty or too long)") }
        guard [address, requesterName, requesterPhone, enterpriseName, unitName].allSatisfy({ ($0?.count ?? 0) <= 200 }),
              (reply?.count ?? 0) <= 10_000, (categoryCode?.count ?? 0) <= 20, (regionCode?.count ?? 0) <= 20 else {
            throw bad("字段过长 (a field is too long)")
        }
        if let latitude, !(-90...90).contains(latitude) { throw bad("纬度无效 (latitude)") }
        if let longitude, !(-180...180).contains(longitude) { throw bad("经度无效 (longitude)") }
        guard updatedAt >= createdAt else { throw bad("更新时间早于创建时间 (updatedAt before createdAt)") }
        guard events.count <= 1000, zip(events, events.dropFirst()).allSatisfy({ $0.seq < $1.seq }), events.allSatisfy({ $0.seq > 0 }) else {
            throw bad("事件须按序号递增 (events must be in increasing seq order)")
        }
        guard events.allSatisfy({ $0.actorName.count <= 100 && ($0.note?.count ?? 0) <= 10_000 && $0.details.count <= 50 }) else {
            throw bad("事件字段过长 (an event field is too long)")
        }
        return self
    }
}

/// What the province does with its own ticket (省派工单) when the city's copy has moved on: the city has it, so the
/// province ticket is signed; the city's center approved a reply, so the province ticket is answered with it; the city
/// refused it, so the province ticket is handed back (退单) with the reason.
public enum UpstreamProgress: Sendable, Equatable {
    case sign
    case reply(String)
    case requestReturn(String)

    /// The steps to take on a province ticket in `provinceStatus`, in order, for the city's copy `city`. `lastReply` is
    /// the reply the city last gave the province ticket and `askedReturn` whether it asked to hand it back before: a reply
    /// the province sent back (退回重办) is not given again until the city's reply changes, and a return the province
    /// refused is not asked again.
    public static func steps(city: FederatedTicket, provinceStatus: TicketStatus, lastReply: String? = nil,
                             askedReturn: Bool = false) -> [UpstreamProgress] {
        var status = provinceStatus
        var steps: [UpstreamProgress] = []
        let refusal = "市级平台不予受理：\(city.rejectReason?.label ?? "")"
        if status == .pendingSign {
            if city.status == .rejected { return askedReturn ? [] : [.requestReturn(refusal)] }
            steps.append(.sign)
            status = .inProgress
        }
        guard status == .inProgress else { return steps }
        if city.status == .rejected {
            if !askedReturn { steps.append(.requestReturn(refusal)) }
        } else if [.pendingCallback, .evaluated, .closed].contains(city.status), let reply = city.reply, !reply.isEmpty, reply != lastReply {
            steps.append(.reply(reply))
        }
        return steps
    }
}

/// One city's month as the province scores it (数据质量): completeness, timeliness and the interface's stability.
public struct FederationQuality: Sendable, Equatable {
    public var cityUnitId: Int64
    public var cityName: String
    public var tickets: Int
    /// Tickets with every field a report needs.
    public var complete: Int
    /// Snapshots received, and those received within `onTimeMinutes` of the city's change.
    public var received: Int
    public var onTime: Int
    /// Hours of the month so far in which the city's link was heard from, and the hours elapsed.
    public var hoursHeard: Int
    public var hoursElapsed: Int
    /// Days reconciled, and those on which the reconciliation found something missing.
    public var daysReconciled: Int
    public var daysWithGaps: Int

    public static let onTimeMinutes = 5

    public init(cityUnitId: Int64, cityName: String, tickets: Int, complete: Int, received: Int, onTime: Int, hoursHeard: Int,
                hoursElapsed: Int, daysReconciled: Int, daysWithGaps: Int) {
        self.cityUnitId = cityUnitId
        self.cityName = cityName
        self.tickets = tickets
        self.complete = complete
        self.received = received
        self.onTime = onTime
        self.hoursHeard = hoursHeard
        self.hoursElapsed = hoursElapsed
        self.daysReconciled = daysReconciled
        self.daysWithGaps = daysWithGaps
    }

    public var completeness: Double? { tickets == 0 ? nil : Double(complete) / Double(tickets) }
    public var timeliness: Double? { received == 0 ? nil : Double(onTime) / Double(received) }
    public var stability: Double? { hoursElapsed == 0 ? nil : Double(min(hoursHeard, hoursElapsed)) / Double(hoursElapsed) }

    /// The month's score out of 100: completeness 40, timeliness 30, stability 30 (a missing part scores nothing).
    public var score: Double {
        40 * (completeness ?? 0) + 30 * (timeliness ?? 0) + 30 * (stability ?? 0)
    }
}

/// A day compared between the city and the province (对账).
public enum Reconciliation {
    /// The city's tickets the province lacks or holds at an older version.
    public static func missing(city: [Int64: Int64], province: [Int64: Int64]) -> [Int64] {
        city.filter { id, version in (province[id] ?? 0) < version }.keys.sorted()
    }
}

import Foundation

/// A system that follows this Hotline's changes by webhook (订阅): where to post them, which ones, within what scope.
public struct Subscription: Sendable, Equatable, Identifiable {
    public let id: Int64
    public var centerId: Int64
    public var name: String
    public var url: String
    /// Topics it wants (`ticket.dispatch`, `warning.raised`, or `ticket.*` for every ticket event); empty: all.
    public var topics: [String]
    public var scope: SubscriptionScope
    public var active: Bool
    public var createdAt: Date

    public init(id: Int64, centerId: Int64, name: String, url: String, topics: [String], scope: SubscriptionScope, active: Bool, createdAt: Date) {
        self.id = id
        self.centerId = centerId
        self.name = name
        self.url = url
        self.topics = topics
        self.scope = scope
        self.active = active
        self.createdAt = createdAt
    }

    /// Whether this subscription wants `event`: its center's, one of its topics, within its scope.
    public func wants(_ event: RoutedEvent) -> Bool {
        // The audit chain's checkpoints are the whole platform's, not a center's: a center's subscription that names
        // them sends them to a witness.
        if event.topic.hasPrefix("audit.") {
            return active && scope == .center && topics.contains { $0 == event.topic || $0 == "audit.*" }
        }
        guard active, event.centerId == centerId, Self.matches(topics, event.topic) else { return false }
        switch scope {
        case .center: return true
        case .unit(let unitId):
            // A ticket some unit of the subtree has held, or a center event naming the unit.
            return event.unitPaths.contains { $0.contains(unitId) } || event.namedUnits.contains(unitId)
        case .recordedBy(let userId):
            return event.recordedBy == userId
        }
    }

    static func matches(_ topics: [String], _ topic: String) -> Bool {
        topics.isEmpty || topics.contains { pattern in
            pattern == topic || (pattern.hasSuffix(".*") && topic.hasPrefix(pattern.dropLast()))
        }
    }

    /// Checks what an administrator entered; the first problem in Chinese and English.
    public static func validate(name: String, url: String, topics: [String]) throws(HotlineError) {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else {
            throw HotlineError(.invalidRequest, "请填写订阅名称（100字以内） (name required, at most 100 characters)")
        }
        guard WebAddress.isValid(url) else {
            throw HotlineError(.invalidRequest, "推送地址须为 http(s) 网址 (url must be an http or https URL)")
        }
        let known = Set(Self.topics.map(\.code))
        for topic in topics where !known.contains(topic) && !(topic.hasSuffix(".*") && known.contains { $0.hasPrefix(topic.dropLast()) }) {
            throw HotlineError(.invalidRequest, "未知的事件类型：\(topic) (unknown topic)")
        }
    }

    /// Every topic a subscription may name, with its label: each ticket action's, then the center's own.
    public static let topics: [(code: String, label: String)] =
        [("ticket.*", "全部工单事件")] + ActionCode.allCases.map { ($0.topic, $0.label) }
}

/// Whose changes a subscription follows.
public enum SubscriptionScope: Sendable, Equatable {
    /// The whole center's (全中心).
    case center
    /// One unit's and its subtree's tickets (本单位).
    case unit(Int64)
    /// The tickets one integration account recorded (a 110 platform follows the calls it diverted).
    case recordedBy(Int64)

    /// The stored code: `center`, `unit`, `recordedBy`.
    public var code: String {
        switch self {
        case .center: "center"
        case .unit: "unit"
        case .recordedBy: "recordedBy"
        }
    }

    /// The unit or account it names.
    public var subjectId: Int64? {
        switch self {
        case .center: nil
        case .unit(let id), .recordedBy(let id): id
        }
    }

    public init?(code: String, subjectId: Int64?) {
        switch (code, subjectId) {
        case ("center", _): self = .center
        case ("unit", let id?): self = .unit(id)
        case ("recordedBy", let id?): self = .recordedBy(id)
        default: return nil
        }
    }
}

/// What the relay knows of a change when it decides who gets it.
public struct RoutedEvent: Sendable, Equatable {
    public var topic: String
    /// The center whose change it is.
    public var centerId: Int64?
    /// For a ticket's event: the paths of every unit that has held the ticket.
    public var unitPaths: [[Int64]]
    /// For a ticket's event: the account that recorded the ticket.
    public var recordedBy: Int64?
    /// For a center's event (a warning): the units it names.
    public var namedUnits: [Int64]

    public init(topic: String, centerId: Int64?, unitPaths: [[Int64]] = [], recordedBy: Int64? = nil, namedUnits: [Int64] = []) {
        self.topic = topic
        self.centerId = centerId
        self.unitPaths = unitPaths
        self.recordedBy = recordedBy
        self.namedUnits = namedUnits
    }
}

/// When a failed delivery is tried again, and when it is given up (死信).
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts before a delivery becomes a dead letter.
    public var maxAttempts: Int
    /// The wait after the first failure; each further failure doubles it.
    public var firstDelay: TimeInterval
    /// The longest wait.
    public var maxDelay: TimeInterval

    public init(maxAttempts: Int = 10, firstDelay: TimeInterval = 5, maxDelay: TimeInterval = 3600) {
        self.maxAttempts = maxAttempts
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// The wait after failed attempt number `attempt` (1 for the first), given `jitter` in 0..<1: half the
    /// exponential step plus a random part of the other half, so receivers coming back up are not hit all at once.
    public func delay(afterAttempt attempt: Int, jitter: Double) -> TimeInterval {
        let step = min(maxDelay, firstDelay * pow(2, Double(max(0, attempt - 1))))
        return step / 2 + step / 2 * min(max(jitter, 0), 1)
    }

    /// Whether a delivery that has failed `attempts` times is given up.
    public func isExhausted(_ attempts: Int) -> Bool {
        attempts >= maxAttempts
    }
}

/// Where a delivery stands (投递状态).
public enum DeliveryStatus: String, Labelled {
    case pending, delivered, dead

    public var label: String {
        switch self {
        case .pending: "待投递"
        case .delivered: "已送达"
        case .dead: "已放弃（死信）"
        }
    }
}

/// The body a subscriber receives: the delivery's id, the topic, when it happened, and the change itself.
public enum WebhookBody {
    /// `{"deliveryId":"…","topic":"…","occurredAt":"…","event":{…}}` — `event` is the outbox payload as written with
    /// the change (canonical JSON), so every subscriber of one change gets the same bytes but the id.
    public static func encode(deliveryId: Int64, topic: String, occurredAt: Date, event: String) -> [UInt8] {
        var text = #"{"deliveryId":""#
        text += String(deliveryId)
        text += #"","topic":"#
        text += quoted(topic)
        text += #","occurredAt":""#
        text += occurredAt.formatted(Self.instant)
        text += #"","event":"#
        text += event
        text += "}"
        return Array(text.utf8)
    }

    /// ISO 8601 in UTC with milliseconds: a receiver can measure its delay.
    static let instant = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func quoted(_ text: String) -> String {
        JSONText.quoted(text)
    }
}

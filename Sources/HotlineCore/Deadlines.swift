import Foundation

/// How a deadline is counted.
public enum DeadlineUnit: String, Labelled {
    case minutes, hours, workingHours, workingDays

    public var label: String {
        switch self {
        case .minutes: "分钟(自然时间)"
        case .hours: "小时(自然时间)"
        case .workingHours: "工作小时"
        case .workingDays: "工作日"
        }
    }
}

/// An amount of time, in natural or working time.
public struct TimeLimit: Sendable, Hashable, Codable, CustomStringConvertible {
    public let amount: Int
    public let unit: DeadlineUnit

    public init(_ amount: Int, _ unit: DeadlineUnit) {
        self.amount = amount
        self.unit = unit
    }

    /// The instant this limit runs out when it starts at `start`.
    public func deadline(from start: Date, calendar: WorkingCalendar) -> Date {
        switch unit {
        case .minutes: start.addingTimeInterval(TimeInterval(amount * 60))
        case .hours: start.addingTimeInterval(TimeInterval(amount * 3600))
        case .workingHours: calendar.addingWorkingMinutes(amount * 60, to: start)
        case .workingDays: calendar.addingWorkingDays(amount, to: start)
        }
    }

    public var description: String { "\(amount) \(unit.label)" }
}

/// 时限策略: the sign and reply limits for tickets matching its keys (nil keys match anything).
public struct SLAPolicy: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var ticketType: TicketType?
    public var urgency: Urgency?
    public var channel: Channel?
    /// A category code prefix such as `0102` (all of 教育管理).
    public var categoryPrefix: String?
    public var difficult: Bool?
    public var sign: TimeLimit
    public var reply: TimeLimit

    public init(
        id: Int64 = 0, name: String, ticketType: TicketType? = nil, urgency: Urgency? = nil, channel: Channel? = nil,
        categoryPrefix: String? = nil, difficult: Bool? = nil, sign: TimeLimit, reply: TimeLimit
    ) {
        self.id = id
        self.name = name
        self.ticketType = ticketType
        self.urgency = urgency
        self.channel = channel
        self.categoryPrefix = categoryPrefix
        self.difficult = difficult
        self.sign = sign
        self.reply = reply
    }

    /// How specific the policy is for `ticket`, or nil when it does not apply.
    func specificity(for ticket: DeadlineSubject) -> Int? {
        var score = 0
        if let ticketType { guard ticketType == ticket.type else { return nil }; score += 10 }
        if let urgency { guard urgency == ticket.urgency else { return nil }; score += 100 }
        if let channel { guard channel == ticket.channel else { return nil }; score += 1000 }
        if let difficult { guard difficult == ticket.difficult else { return nil }; score += 10000 }
        if let prefix = categoryPrefix {
            guard let code = ticket.categoryCode, code.hasPrefix(prefix) else { return nil }
            score += prefix.count
        }
        return score
    }

    /// The defaults of DESIGN.md §2.
    public static let defaults: [SLAPolicy] = [
        SLAPolicy(name: "一般诉求", sign: TimeLimit(2, .workingHours), reply: TimeLimit(5, .workingDays)),
        SLAPolicy(name: "咨询类", ticketType: .consultation, sign: TimeLimit(2, .workingHours), reply: TimeLimit(1, .workingDays)),
        SLAPolicy(name: "紧急诉求", urgency: .urgent, sign: TimeLimit(30, .minutes), reply: TimeLimit(2, .hours)),
        SLAPolicy(name: "110转办紧急诉求", urgency: .urgent, channel: .police110, sign: TimeLimit(30, .minutes), reply: TimeLimit(1, .hours)),
        SLAPolicy(name: "疑难诉求", difficult: true, sign: TimeLimit(2, .workingHours), reply: TimeLimit(15, .workingDays)),
    ]
}

/// The ticket facts that choose a deadline policy.
public struct DeadlineSubject: Sendable {
    public var type: TicketType
    public var urgency: Urgency
    public var channel: Channel
    public var categoryCode: String?
    public var difficult: Bool

    public init(type: TicketType, urgency: Urgency, channel: Channel, categoryCode: String?, difficult: Bool) {
        self.type = type
        self.urgency = urgency
        self.channel = channel
        self.categoryCode = categoryCode
        self.difficult = difficult
    }
}

/// The deadlines a dispatch or redo sets.
public struct Deadlines: Sendable, Equatable {
    public var signDueAt: Date
    public var replyDueAt: Date
    /// When the ticket turns "due soon" (临期): the last quarter of its reply window.
    public var dueSoonAt: Date
}

/// Chooses the policy for a ticket and turns it into instants on the working calendar.
public struct DeadlinePlanner: Sendable {
    public let calendar: WorkingCalendar
    public let policies: [SLAPolicy]

    public init(calendar: WorkingCalendar, policies: [SLAPolicy]) {
        self.calendar = calendar
        self.policies = policies.isEmpty ? SLAPolicy.defaults : policies
    }

    /// The most specific policy matching `subject`.
    public func policy(for subject: DeadlineSubject) -> SLAPolicy {
        var best: (Int, SLAPolicy)?
        for policy in policies {
            guard let score = policy.specificity(for: subject) else { continue }
            if best == nil || score > best!.0 { best = (score, policy) }
        }
        return best?.1 ?? SLAPolicy.defaults[0]
    }

    /// Sign and reply deadlines for a ticket handed to a unit at `start`.
    public func deadlines(for subject: DeadlineSubject, from start: Date) -> Deadlines {
        let policy = policy(for: subject)
        let reply = policy.reply.deadline(from: start, calendar: calendar)
        return Deadlines(
            signDueAt: policy.sign.deadline(from: start, calendar: calendar),
            replyDueAt: reply,
            dueSoonAt: Self.dueSoon(start: start, due: reply)
        )
    }

    /// The reply deadline moved by an approved extension of `days` working days.
    public func extend(_ deadline: Date, byWorkingDays days: Int, now: Date) -> (replyDueAt: Date, dueSoonAt: Date) {
        let due = calendar.addingWorkingDays(days, to: max(deadline, now))
        return (due, Self.dueSoon(start: now, due: due))
    }

    static func dueSoon(start: Date, due: Date) -> Date {
        due.addingTimeInterval(-due.timeIntervalSince(start) / 4)
    }
}

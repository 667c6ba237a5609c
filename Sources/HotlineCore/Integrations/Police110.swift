import Foundation

/// One kind of non-police matter 110 hands to 12345 (分流事项清单): noise, a utility outage, a car to move. Each
/// says what the ticket becomes; its deadline follows from the SLA policies for the 110 channel and its urgency.
public struct DiversionItem: Sendable, Equatable, Codable, Identifiable {
    public var id: Int64
    public var centerId: Int64
    /// The code both platforms use (`noise`, `utilityOutage`).
    public var code: String
    public var name: String
    public var categoryCode: String
    public var type: TicketType
    public var urgency: Urgency
    public var active: Bool

    public init(id: Int64 = 0, centerId: Int64, code: String, name: String, categoryCode: String, type: TicketType = .help,
                urgency: Urgency = .normal, active: Bool = true) {
        self.id = id
        self.centerId = centerId
        self.code = code
        self.name = name
        self.categoryCode = categoryCode
        self.type = type
        self.urgency = urgency
        self.active = active
    }

    /// Checks what an administrator entered.
    public func validated() throws(HotlineError) -> DiversionItem {
        var item = self
        item.code = code.trimmingCharacters(in: .whitespaces)
        item.name = name.trimmingCharacters(in: .whitespaces)
        guard !item.code.isEmpty, item.code.count <= 40, item.code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw HotlineError.invalid("code", "事项编码须为1至40位字母、数字或 -_. (code: 1–40 letters, digits, - _ .)") }
        guard !item.name.isEmpty, item.name.count <= 50 else { throw HotlineError.invalid("name", "请填写事项名称（50字以内） (name required)") }
        guard !categoryCode.isEmpty else { throw HotlineError.invalid("categoryCode", "请选择诉求分类 (category required)") }
        return item
    }

    /// The list a new center starts with (Sichuan's and Henan's lists of 非警务警情: the matters most often diverted).
    public static func standard(centerId: Int64) -> [DiversionItem] {
        [
            DiversionItem(centerId: centerId, code: "noise", name: "噪音扰民", categoryCode: "040201", type: .complaint),
            DiversionItem(centerId: centerId, code: "utilityOutage", name: "停水停电停气", categoryCode: "090403", type: .help),
            DiversionItem(centerId: centerId, code: "propertyDispute", name: "物业纠纷", categoryCode: "030608", type: .complaint),
            DiversionItem(centerId: centerId, code: "strayAnimal", name: "流浪动物", categoryCode: "060401", type: .help),
            DiversionItem(centerId: centerId, code: "moveCar", name: "挪车", categoryCode: "051201", type: .help, urgency: .urgent),
            DiversionItem(centerId: centerId, code: "wageArrears", name: "拖欠工资", categoryCode: "080508", type: .complaint),
            DiversionItem(centerId: centerId, code: "consumerDispute", name: "消费纠纷", categoryCode: "100205", type: .complaint),
            DiversionItem(centerId: centerId, code: "roadFacility", name: "道路设施损坏", categoryCode: "030503", type: .report),
        ]
    }
}

/// Which way a matter crossed between 110 and 12345.
public enum TransferDirection: String, Labelled {
    /// 110 → 12345: a non-police call diverted (非警务警情分流).
    case fromPolice
    /// 12345 → 110: a police matter escalated (转110).
    case toPolice

    public var label: String {
        switch self {
        case .fromPolice: "110转入"
        case .toPolice: "转110"
        }
    }
}

/// A matter that crossed between 110 and 12345 (110联动记录), with both platforms' references and, for an
/// escalation, 110's acknowledgement and feedback.
public struct PoliceTransfer: Sendable, Equatable, Codable, Identifiable {
    public var id: Int64
    public var ticketId: Int64
    public var centerId: Int64
    public var direction: TransferDirection
    /// 接警单编号: 110's reference of the call (for an escalation, given when 110 acknowledges it).
    public var alarmNumber: String?
    /// 处警单编号: 110's reference of its dispatch.
    public var dispatchNumber: String?
    /// The diversion item (for a diverted call).
    public var itemCode: String?
    /// When the caller rang 110 (diverted) or when the escalation was sent (escalated).
    public var startedAt: Date
    public var recordingURL: String?
    /// Why it went to 110 (escalated).
    public var reason: String?
    /// The integration account of the 110 platform.
    public var platformUserId: Int64?
    public var acknowledgedAt: Date?
    public var acknowledgeDueAt: Date?
    public var feedback: String?
    public var feedbackAt: Date?
    public var feedbackDueAt: Date?
    /// The last late stage the center's supervision was opened for.
    public var lateMarked: PoliceStage?

    public init(id: Int64 = 0, ticketId: Int64, centerId: Int64, direction: TransferDirection, alarmNumber: String? = nil,
                dispatchNumber: String? = nil, itemCode: String? = nil, startedAt: Date, recordingURL: String? = nil, reason: String? = nil,
                platformUserId: Int64? = nil, acknowledgedAt: Date? = nil, acknowledgeDueAt: Date? = nil, feedback: String? = nil,
                feedbackAt: Date? = nil, feedbackDueAt: Date? = nil, lateMarked: PoliceStage? = nil) {
        self.id = id
        self.ticketId = ticketId
        self.centerId = centerId
        self.direction = direction
        self.alarmNumber = alarmNumber
        self.dispatchNumber = dispatchNumber
        self.itemCode = itemCode
        self.startedAt = startedAt
        self.recordingURL = recordingURL
        self.reason = reason
        self.platformUserId = platformUserId
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgeDueAt = acknowledgeDueAt
        self.feedback = feedback
        self.feedbackAt = feedbackAt
        self.feedbackDueAt = feedbackDueAt
        self.lateMarked = lateMarked
    }

    /// For an escalation: which of 110's answers is late at `now` (acknowledgement first).
    public func lateStage(at now: Date) -> PoliceStage? {
        guard direction == .toPolice, feedbackAt == nil else { return nil }
        if acknowledgedAt == nil, let due = acknowledgeDueAt, due <= now { return .acknowledgement }
        if let due = feedbackDueAt, due <= now { return .feedback }
        return nil
    }

    /// The late stage the center's supervision is still to be opened for at `now`: each stage once, the
    /// acknowledgement before the feedback.
    public func lateStageToMark(at now: Date) -> PoliceStage? {
        guard direction == .toPolice, feedbackAt == nil else { return nil }
        if lateMarked == nil, acknowledgedAt == nil, let due = acknowledgeDueAt, due <= now { return .acknowledgement }
        if lateMarked != .feedback, let due = feedbackDueAt, due <= now { return .feedback }
        return nil
    }
}

/// The answers 12345 waits for from 110 on an escalation.
public enum PoliceStage: String, Labelled {
    case acknowledgement, feedback

    public var label: String {
        switch self {
        case .acknowledgement: "签收"
        case .feedback: "反馈"
        }
    }
}

/// How long 110 has to acknowledge and answer an escalation (默认：签收10分钟；紧急件反馈1小时，一般件24小时).
public struct PoliceTimers: Sendable, Equatable, Codable {
    public var acknowledgeMinutes: Int
    public var urgentFeedbackMinutes: Int
    public var feedbackMinutes: Int

    public init(acknowledgeMinutes: Int = 10, urgentFeedbackMinutes: Int = 60, feedbackMinutes: Int = 24 * 60) {
        self.acknowledgeMinutes = acknowledgeMinutes
        self.urgentFeedbackMinutes = urgentFeedbackMinutes
        self.feedbackMinutes = feedbackMinutes
    }

    /// When the acknowledgement and the feedback of an escalation sent at `start` are due.
    public func due(from start: Date, urgency: Urgency) -> (acknowledge: Date, feedback: Date) {
        let feedback = urgency == .urgent ? urgentFeedbackMinutes : feedbackMinutes
        return (start.addingTimeInterval(TimeInterval(acknowledgeMinutes * 60)), start.addingTimeInterval(TimeInterval(feedback * 60)))
    }

    public func validated() throws(HotlineError) -> PoliceTimers {
        guard (1...1440).contains(acknowledgeMinutes), (1...10080).contains(urgentFeedbackMinutes), (1...43200).contains(feedbackMinutes),
              urgentFeedbackMinutes >= acknowledgeMinutes else {
            throw HotlineError.invalid("timers", "时限须为正数分钟，紧急反馈时限不短于签收时限 (timers out of range)")
        }
        return self
    }
}

/// Both loops of the 110 linkage for one ticket (双闭环), as the ticket page shows them.
public struct PoliceLoop: Sendable, Equatable {
    /// 110 → 12345: the diverted matter was handled to the end, and the 110 platform was told each step.
    public var diverted: Diverted?
    /// 12345 → 110: 110 acknowledged and answered.
    public var escalations: [Escalation]

    public struct Diverted: Sendable, Equatable {
        public var transfer: PoliceTransfer
        /// The ticket reached an end (办结, 不予受理, 合并).
        public var handled: Bool
        /// Changes of the ticket delivered to the 110 platform, and still waiting.
        public var fedBack: Int
        public var waiting: Int
        /// Closed: handled, and every change delivered.
        public var closed: Bool { handled && waiting == 0 && fedBack > 0 }
    }

    public struct Escalation: Sendable, Equatable {
        public var transfer: PoliceTransfer
        public var late: PoliceStage?
        public var closed: Bool { transfer.feedbackAt != nil }
    }

    public init(transfers: [PoliceTransfer], status: TicketStatus, fedBack: Int, waiting: Int, now: Date) {
        diverted = transfers.first { $0.direction == .fromPolice }.map {
            Diverted(transfer: $0, handled: status.isTerminal, fedBack: fedBack, waiting: waiting)
        }
        escalations = transfers.filter { $0.direction == .toPolice }.map { Escalation(transfer: $0, late: $0.lateStage(at: now)) }
    }
}

/// The two directions over a period (110联动统计): counts by diversion item, time to 110's feedback, escalations that
/// never came back.
public struct PoliceTransferReport: Sendable, Equatable, Codable {
    public struct ItemCount: Sendable, Equatable, Codable {
        public var code: String
        public var name: String
        public var count: Int
        /// Of them, handled to the end.
        public var handled: Int
    }

    public var diverted: Int
    public var divertedHandled: Int
    public var byItem: [ItemCount]
    public var escalated: Int
    public var acknowledged: Int
    /// Acknowledged within the acknowledgement deadline.
    public var acknowledgedOnTime: Int
    /// Escalations whose acknowledgement is settled: acknowledged, or its deadline passed (the on-time rate's base).
    public var acknowledgeSettled: Int
    public var answered: Int
    public var answeredOnTime: Int
    /// Escalations whose feedback is settled: answered, or its deadline passed.
    public var answerSettled: Int
    /// Median minutes from escalation to 110's feedback (nil when none came).
    public var medianFeedbackMinutes: Double?
    /// Escalations without feedback whose feedback deadline has passed (never came back).
    public var unanswered: Int

    /// Sums `transfers` started in the period; `handled` says which tickets reached an end; `names` labels items.
    public init(transfers: [PoliceTransfer], handled: Set<Int64>, names: [String: String], now: Date) {
        let diverted = transfers.filter { $0.direction == .fromPolice }
        self.diverted = diverted.count
        divertedHandled = diverted.filter { handled.contains($0.ticketId) }.count
        byItem = Dictionary(grouping: diverted, by: { $0.itemCode ?? "" }).map { code, group in
            ItemCount(code: code, name: names[code] ?? code, count: group.count, handled: group.filter { handled.contains($0.ticketId) }.count)
        }.sorted { ($0.count, $1.code) > ($1.count, $0.code) }
        let escalated = transfers.filter { $0.direction == .toPolice }
        self.escalated = escalated.count
        acknowledged = escalated.filter { $0.acknowledgedAt != nil }.count
        acknowledgedOnTime = escalated.filter { t in t.acknowledgedAt.map { at in t.acknowledgeDueAt.map { at <= $0 } ?? true } ?? false }.count
        acknowledgeSettled = escalated.filter { $0.acknowledgedAt != nil || ($0.acknowledgeDueAt.map { $0 <= now } ?? false) }.count
        answered = escalated.filter { $0.feedbackAt != nil }.count
        answerSettled = escalated.filter { $0.feedbackAt != nil || ($0.feedbackDueAt.map { $0 <= now } ?? false) }.count
        answeredOnTime = escalated.filter { t in t.feedbackAt.map { at in t.feedbackDueAt.map { at <= $0 } ?? true } ?? false }.count
        let minutes = escalated.compactMap { t in t.feedbackAt.map { $0.timeIntervalSince(t.startedAt) / 60 } }.sorted()
        medianFeedbackMinutes = minutes.isEmpty ? nil
            : minutes.count % 2 == 1 ? minutes[minutes.count / 2] : (minutes[minutes.count / 2 - 1] + minutes[minutes.count / 2]) / 2
        unanswered = escalated.filter { $0.feedbackAt == nil && ($0.feedbackDueAt.map { $0 <= now } ?? false) }.count
    }
}

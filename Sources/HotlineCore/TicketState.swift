import Foundation

/// A unit as the lifecycle needs to know it: where it sits in the tree and which center owns it.
public struct UnitRef: Sendable, Hashable, Codable {
    public let id: Int64
    public let name: String
    public let kind: UnitKind
    /// Unit ids from the root to this unit, itself last.
    public let path: [Int64]
    public let centerId: Int64?
    public let active: Bool
    /// 考核分组: the assessment group an administrator put the unit in; nil for the group of its kind.
    public let group: String?

    public init(id: Int64, name: String, kind: UnitKind, path: [Int64], centerId: Int64?, active: Bool = true, group: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.path = path
        self.centerId = centerId
        self.active = active
        self.group = group
    }
}

/// The part of a ticket that its lifecycle reads and writes.
public struct TicketState: Sendable, Equatable {
    public var id: Int64
    public var centerId: Int64
    public var status: TicketStatus
    public var type: TicketType
    public var urgency: Urgency
    public var channel: Channel
    public var categoryCode: String?
    public var difficult: Bool

    public var mainUnitId: Int64?
    public var coUnitIds: [Int64]
    /// The unit now holding the ticket: the main unit or a child it sub-dispatched to.
    public var handlingUnitId: Int64?
    /// Units from the main unit down to the handling unit; each may act for the ticket.
    public var responsibleUnitIds: [Int64]
    /// Units whose return (退单) the center approved.
    public var returnedUnitIds: [Int64]
    /// The status to resume when a return request is denied.
    public var resumeStatus: TicketStatus?
    /// The unit that asked to return the ticket (the main unit, or one it passed the ticket down to).
    public var returnRequestedBy: Int64?

    public var dispatchedAt: Date?
    public var signedAt: Date?
    public var signDueAt: Date?
    public var replyDueAt: Date?
    public var dueSoonAt: Date?
    public var dueSoonMarked: Bool
    public var overdueMarked: Bool
    public var signOverdueMarked: Bool

    public var returnCount: Int
    public var extensionCount: Int
    public var redoCount: Int
    public var sendBackCount: Int
    public var supervisionCount: Int
    public var pendingExtensionDays: Int?
    /// Flagged for escalated supervision (three redos or three units returning it).
    public var escalated: Bool
    public var unreasonableRepeat: Bool
    /// 退回重办: the reply was sent back in review or the citizen's dissatisfaction sent it back; cleared by the next reply.
    public var sentBack: Bool
    public var mergedIntoId: Int64?

    public var answer: String?
    public var reply: String?
    public var repliedAt: Date?
    public var satisfaction: Satisfaction?
    public var resolved: Bool?
    public var evaluationReasonable: Bool?
    public var evaluationComment: String?
    public var rejectReason: RejectReason?
    public var closedAt: Date?

    public init(id: Int64, centerId: Int64, status: TicketStatus, type: TicketType, urgency: Urgency, channel: Channel,
                categoryCode: String?, difficult: Bool = false) {
        self.id = id
        self.centerId = centerId
        self.status = status
        self.type = type
        self.urgency = urgency
        self.channel = channel
        self.categoryCode = categoryCode
        self.difficult = difficult
        self.coUnitIds = []
        self.responsibleUnitIds = []
        self.returnedUnitIds = []
        self.dueSoonMarked = false
        self.overdueMarked = false
        self.signOverdueMarked = false
        self.returnCount = 0
        self.extensionCount = 0
        self.redoCount = 0
        self.sendBackCount = 0
        self.supervisionCount = 0
        self.escalated = false
        self.unreasonableRepeat = false
        self.sentBack = false
    }

    /// The facts that pick this ticket's deadline policy.
    public var deadlineSubject: DeadlineSubject {
        DeadlineSubject(type: type, urgency: urgency, channel: channel, categoryCode: categoryCode, difficult: difficult)
    }
}

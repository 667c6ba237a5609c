import Foundation
import HotlineCore

/// A ticket as the store keeps it, identity decrypted; callers mask it before showing it.
public struct TicketRecord: Sendable {
    public var state: TicketState
    public var number: String
    public var title: String
    public var content: String
    public var location: Location
    public var requester: Requester
    public var confidential: Bool
    public var attachments: [AttachmentMeta]
    public var createdBy: Int64?
    public var createdAt: Date
    public var updatedAt: Date
    public var version: Int64
    /// On a province, a city's ticket kept read-only: the city's account that sends it, and when it last came.
    public var copiedBy: Int64? = nil
    public var receivedAt: Date? = nil
}

extension TicketRecord {
    /// The answer a citizen may read: the reply once the center approved it, or the answer given on contact.
    public var publicReply: String? {
        let approved: Set<TicketStatus> = [.pendingCallback, .evaluated, .closed]
        return approved.contains(state.status) ? (state.reply ?? state.answer) : nil
    }
}

/// A ticket just recorded, with the query code the citizen needs to track it (shown once).
public struct CreatedTicket: Sendable {
    public var ticket: TicketRecord
    public var queryCode: String
    /// True when an earlier request with the same idempotency key created it.
    public var replayed: Bool
}

/// One entry of a ticket's history.
public struct TicketEvent: Sendable, Hashable {
    public var seq: Int64
    public var ticketId: Int64?
    public var at: Date
    public var actorId: Int64?
    public var actorName: String
    public var action: ActionCode
    public var fromStatus: TicketStatus?
    public var toStatus: TicketStatus?
    public var note: String?
    public var details: [String: [String]]
    public var isPublic: Bool
}

extension TicketEvent {
    /// What a citizen may read of this event: answers given on contact and refusal reasons, never internal remarks.
    /// A unit's reply is shown only once the center approved it (`TicketRecord.publicReply`), not in the history.
    public var publicNote: String? {
        switch action {
        case .answerOnContact, .reject: note
        case .dispatch: details["mainUnit"].map { "已转\($0.joined())办理" }
        default: nil
        }
    }
}

/// A supervision (督办) record.
public struct Supervision: Sendable, Hashable {
    public var id: Int64
    public var ticketId: Int64
    public var level: SupervisionLevel
    public var method: SupervisionMethod
    public var reason: String
    public var automatic: Bool
    public var createdAt: Date
}

/// Filters for the ticket list; nil means "any".
public struct TicketFilter: Sendable {
    public var statuses: [TicketStatus] = []
    public var unitId: Int64?
    public var categoryCode: String?
    public var channel: Channel?
    public var type: TicketType?
    public var dueSoon: Bool = false
    public var overdue: Bool = false
    public var escalated: Bool = false
    /// Sent back by review or by a dissatisfied callback (退回重办) and not replied to since.
    public var sentBack: Bool = false
    /// An extension request waits for the center's decision.
    public var extensionPending: Bool = false
    /// Under supervision: supervised at least once, or escalated.
    public var supervised: Bool = false
    /// Held (to sign or in progress) by this unit or one below it: the unit's path from the root.
    public var heldWithin: [Int64]?
    /// A co-unit (协办) of the ticket.
    public var coUnit: Int64?
    /// Recorded by this user.
    public var createdBy: Int64?
    public var excludingId: Int64?
    /// Recorded for this region code (a district's; empty: none), or held as main unit by this unit (0: none).
    public var regionCode: String?
    public var mainUnitId: Int64?
    public var createdFrom: Date?
    public var createdTo: Date?
    public var text: String?
    public var phone: String?
    /// Return tickets with ids below this (the cursor of the previous page).
    public var before: Int64?
    public var limit: Int = 50
    public var order: TicketOrder = .newest
    /// Rows to skip, with `.deadline` order.
    public var offset: Int = 0

    public init() {}
}

extension TicketFilter {
    /// The tickets of `queue` on `desk`, within `actor`'s scope: on a unit's desk what the unit holds (or helps with),
    /// on the center's desk the whole center. Work to do comes nearest deadline first; a record of work done newest first.
    public init(queue: WorkQueue, on desk: WorkQueue.Desk, for actor: Actor) {
        self.init()
        statuses = TicketStatus.allCases.filter(queue.statuses.contains)
        order = queue.newestFirst ? .newest : .deadline
        limit = queue.newestFirst ? 50 : 100
        switch queue.mark {
        case .none: break
        case .dueSoon: dueSoon = true
        case .overdue: overdue = true
        case .sentBack: sentBack = true
        case .extensionPending: extensionPending = true
        case .supervised: supervised = true
        }
        guard desk == .unit else { return }
        switch queue.holder {
        case .heldWithinUnit: heldWithin = actor.unitPath
        case .coUnit: coUnit = actor.unitId ?? -1
        case .scope: break
        }
    }
}

/// How a ticket list is sorted.
public enum TicketOrder: Sendable {
    /// Newest first, paged by cursor.
    case newest
    /// Nearest reply deadline first, tickets without one last, paged by offset.
    case deadline
    /// Oldest first (a queue), paged by offset.
    case oldest
}

/// One page of tickets and the cursor of the next one.
public struct TicketPage: Sendable {
    public var tickets: [TicketRecord]
    public var nextCursor: Int64?
    /// More rows follow this page.
    public var hasMore: Bool
}

import Foundation

/// How close a ticket is to its reply deadline. This file is the one definition of "overdue" and "due soon": the
/// ticket page reads `dueState(at:)`, and the store's lists, counts and deadline scan build their SQL from
/// `DueState.running` and the same comparisons (`Store.dueCondition`), tested to agree.
public enum DueState: String, Labelled {
    case none, normal, dueSoon, overdue

    public var label: String {
        switch self {
        case .none: "无时限"
        case .normal: "正常"
        case .dueSoon: "临期"
        case .overdue: "超期"
        }
    }

    /// The statuses in which a ticket runs against its reply deadline: while a unit holds it.
    public static let running: Set<TicketStatus> = ActionRule.withUnit

    /// The state of a ticket in `status` with these deadlines at `now`: overdue from the reply deadline on, due soon
    /// from the warning moment until then; only a running ticket has one.
    public static func of(status: TicketStatus, replyDueAt: Date?, dueSoonAt: Date?, at now: Date) -> DueState {
        guard running.contains(status), let due = replyDueAt else { return .none }
        if now >= due { return .overdue }
        if let soon = dueSoonAt, now >= soon { return .dueSoon }
        return .normal
    }
}

extension TicketState {
    /// The deadline state at `now`.
    public func dueState(at now: Date) -> DueState {
        DueState.of(status: status, replyDueAt: replyDueAt, dueSoonAt: dueSoonAt, at: now)
    }
}

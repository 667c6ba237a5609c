import Foundation

/// How close a ticket is to its reply deadline.
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
}

extension TicketState {
    /// The deadline state at `now`; only tickets held by a unit run against a deadline.
    public func dueState(at now: Date) -> DueState {
        guard status.isWithUnit, let due = replyDueAt else { return .none }
        if now >= due { return .overdue }
        if let soon = dueSoonAt, now >= soon { return .dueSoon }
        return .normal
    }
}

extension Requester {
    /// The identity as shown on screen: masked for everyone, hidden entirely from units when confidential.
    public func disclosed(confidential: Bool, to actor: Actor) -> Requester {
        var shown = self
        let unitSide = !(actor.role?.may(.seeWholeCenter) ?? false)
        if confidential && unitSide {
            shown.name = nil
            shown.phone = nil
            shown.idNumber = nil
            shown.enterpriseName = nil
            shown.creditCode = nil
            return shown
        }
        shown.name = name.map(Masking.name)
        shown.phone = phone.map(Masking.phone)
        shown.idNumber = idNumber.map(Masking.idNumber)
        return shown
    }
}

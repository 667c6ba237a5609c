import Foundation

extension TicketState {
    /// The fields recorded in history, as text: the "before" and "after" of each event.
    public var snapshot: [String: String] {
        var fields: [String: String] = [
            "status": status.rawValue,
            "urgency": urgency.rawValue,
            "difficult": String(difficult),
            "returnCount": String(returnCount),
            "extensionCount": String(extensionCount),
            "redoCount": String(redoCount),
            "supervisionCount": String(supervisionCount),
            "escalated": String(escalated),
        ]
        fields["categoryCode"] = categoryCode
        fields["mainUnitId"] = mainUnitId.map { String($0) }
        fields["handlingUnitId"] = handlingUnitId.map { String($0) }
        if !coUnitIds.isEmpty { fields["coUnitIds"] = coUnitIds.map { String($0) }.joined(separator: ",") }
        fields["signDueAt"] = signDueAt.map(Self.format)
        fields["replyDueAt"] = replyDueAt.map(Self.format)
        fields["pendingExtensionDays"] = pendingExtensionDays.map { String($0) }
        fields["mergedIntoId"] = mergedIntoId.map { String($0) }
        fields["satisfaction"] = satisfaction?.rawValue
        fields["rejectReason"] = rejectReason?.rawValue
        return fields
    }

    /// `field → [before, after]` for every recorded field that differs from `old` ("" stands for none).
    public func changes(from old: TicketState) -> [String: [String]] {
        let before = old.snapshot
        let after = snapshot
        var diff: [String: [String]] = [:]
        for key in Set(before.keys).union(after.keys) where before[key] != after[key] {
            diff[key] = [before[key] ?? "", after[key] ?? ""]
        }
        return diff
    }

    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}

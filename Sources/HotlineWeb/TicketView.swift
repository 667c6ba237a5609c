import Foundation
import HotlineCore
import HotlineStore

/// A ticket as the templates show it: every value already a display string in the page's language.
enum TicketView {
    /// One row of a ticket list.
    static func row(_ record: TicketRecord, actor: Actor, now: Date, english: Bool, ref: ReferenceData.Snapshot) -> [String: Any] {
        let s = record.state
        let due = s.dueState(at: now)
        var row: [String: Any] = [
            "id": s.id, "number": record.number, "title": record.title,
            "status": s.status.rawValue, "statusLabel": s.status.label(english: english),
            "typeLabel": s.type.label(english: english), "channelLabel": s.channel.label(english: english),
            "urgent": s.urgency == .urgent, "difficult": s.difficult, "escalated": s.escalated,
            "createdAt": Chrome.time(record.createdAt), "mainUnit": ref.unitName(s.mainUnitId),
            "handlingUnit": ref.unitName(s.handlingUnitId),
            "category": s.categoryCode.map { ref.categoryPaths[$0] ?? $0 } ?? "",
            "dueState": due.rawValue, "overdue": due == .overdue, "dueSoon": due == .dueSoon,
            "requester": requester(record, actor: actor, english: english)["line"] ?? "",
        ]
        if let replyDue = s.replyDueAt, s.status.isWithUnit {
            row["replyDue"] = Chrome.time(replyDue)
            row["timeLeft"] = TimeLeft.describe(until: replyDue, now: now, english: english)
        }
        if s.status == .pendingSign, let signDue = s.signDueAt {
            row["signDue"] = Chrome.time(signDue)
            row["signLeft"] = TimeLeft.describe(until: signDue, now: now, english: english)
        }
        return row
    }

    /// The requester as this actor may see it: masked, hidden when confidential to a unit, or in clear after a reveal.
    static func requester(_ record: TicketRecord, actor: Actor, english: Bool, revealed: Requester? = nil) -> [String: Any] {
        let shown = revealed ?? record.requester.disclosed(confidential: record.confidential, to: actor)
        let hidden = record.confidential && !(actor.role?.may(.seeWholeCenter) ?? false)
        let parts = [shown.name, shown.phone].compactMap { $0 }
        return [
            "name": shown.name ?? "", "phone": shown.phone ?? "", "idNumber": shown.idNumber ?? "",
            "enterpriseName": shown.enterpriseName ?? "", "creditCode": shown.creditCode ?? "",
            "kindLabel": shown.kind.label(english: english), "enterprise": shown.kind == .enterprise,
            "hidden": hidden, "revealed": revealed != nil,
            "canReveal": revealed == nil && !hidden && (actor.role?.may(.revealIdentity) ?? false)
                && (record.requester.name != nil || record.requester.phone != nil || record.requester.idNumber != nil),
            "line": hidden ? "" : parts.joined(separator: " "),
        ]
    }

    /// The whole ticket for its own page.
    static func detail(_ record: TicketRecord, actor: Actor, now: Date, english: Bool, ref: ReferenceData.Snapshot,
                       revealed: Requester? = nil) -> [String: Any] {
        let s = record.state
        var view = row(record, actor: actor, now: now, english: english, ref: ref)
        view["content"] = record.content
        view["address"] = record.location.address ?? ""
        view["regionCode"] = record.location.regionCode ?? ""
        view["requester"] = requester(record, actor: actor, english: english, revealed: revealed)
        view["confidential"] = record.confidential
        view["coUnits"] = s.coUnitIds.map { ref.unitName($0) }.joined(separator: "、")
        view["signedAt"] = Chrome.time(s.signedAt)
        view["dispatchedAt"] = Chrome.time(s.dispatchedAt)
        view["signDueAt"] = Chrome.time(s.signDueAt)
        view["replyDueAt"] = Chrome.time(s.replyDueAt)
        view["closedAt"] = Chrome.time(s.closedAt)
        view["answer"] = s.answer ?? ""
        view["reply"] = s.reply ?? ""
        view["repliedAt"] = Chrome.time(s.repliedAt)
        view["pendingExtensionDays"] = s.pendingExtensionDays.map { String($0) } ?? ""
        view["counters"] = [
            "returns": s.returnCount, "extensions": s.extensionCount, "redos": s.redoCount, "sendBacks": s.sendBackCount,
            "supervisions": s.supervisionCount,
        ]
        if let satisfaction = s.satisfaction {
            view["evaluation"] = [
                "satisfaction": satisfaction.label(english: english), "resolved": s.resolved ?? false,
                "comment": s.evaluationComment ?? "",
            ]
        }
        view["rejectReason"] = s.rejectReason?.label(english: english) ?? ""
        view["mergedInto"] = s.mergedIntoId.map { String($0) } ?? ""
        view["unreasonableRepeat"] = s.unreasonableRepeat
        view["sentBack"] = s.sentBack
        return view
    }

    /// History events, oldest first, with their actors, notes and status changes.
    static func history(_ events: [TicketEvent], files: [StoredFile], english: Bool) -> [[String: Any]] {
        events.map { event in
            var item: [String: Any] = [
                "at": Chrome.time(event.at), "actor": event.actorName, "action": event.action.label(english: english),
                "code": event.action.rawValue, "note": event.note ?? "",
            ]
            if let from = event.fromStatus, let to = event.toStatus, from != to {
                item["change"] = "\(from.label(english: english)) → \(to.label(english: english))"
            }
            // Always set, so that Mustache never falls back to the ticket's own files for an event without any.
            item["eventFiles"] = files.filter { $0.eventSeq == event.seq }.map(file)
            item["change"] = item["change"] ?? ""
            return item
        }
    }

    /// An attachment link.
    static func file(_ file: StoredFile) -> [String: Any] {
        ["id": file.id, "name": file.name, "image": file.isImage, "size": sizeText(file.size)]
    }

    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(max(1, bytes / 1024)) KB"
    }

    /// Options for a `<select>` of an enum, with one selected.
    static func options<T: Labelled>(_ type: T.Type, selected: String?, english: Bool, only: [T]? = nil) -> [[String: Any]] {
        (only ?? Array(T.allCases)).map { ["code": $0.rawValue, "label": $0.label(english: english), "selected": $0.rawValue == selected] }
    }
}

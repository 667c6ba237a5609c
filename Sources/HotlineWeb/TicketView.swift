import Foundation
import HotlineCore
import HotlineStore

/// A ticket as the templates show it: every value already a display string in the page's language.
enum TicketView {
    /// One row of a ticket list.
    static func row(_ record: TicketRecord, actor: Actor, now: Date, english: Bool, ref: ReferenceData.Snapshot) -> TicketRowModel {
        let s = record.state
        let due = s.dueState(at: now)
        var row = TicketRowModel(
            id: s.id, number: record.number, title: record.title,
            status: s.status.rawValue, statusLabel: s.status.label(english: english),
            typeLabel: s.type.label(english: english), channelLabel: s.channel.label(english: english),
            urgent: s.urgency == .urgent, difficult: s.difficult, escalated: s.escalated,
            createdAt: Chrome.time(record.createdAt), mainUnit: ref.unitName(s.mainUnitId),
            handlingUnit: ref.unitName(s.handlingUnitId),
            category: s.categoryCode.map { ref.categoryPaths[$0] ?? $0 } ?? "",
            dueState: due.rawValue, overdue: due == .overdue, dueSoon: due == .dueSoon,
            requester: requester(record, actor: actor, english: english).line)
        if let replyDue = s.replyDueAt, s.status.isWithUnit {
            row.replyDue = Chrome.time(replyDue)
            row.timeLeft = TimeLeft.describe(until: replyDue, now: now, english: english)
        }
        if s.status == .pendingSign, let signDue = s.signDueAt {
            row.signDue = Chrome.time(signDue)
            row.signLeft = TimeLeft.describe(until: signDue, now: now, english: english)
        }
        return row
    }

    /// The requester as this actor may see it: masked, hidden when confidential to a unit, or in clear after a reveal.
    static func requester(_ record: TicketRecord, actor: Actor, english: Bool, revealed: Requester? = nil) -> RequesterModel {
        let shown = revealed ?? record.requester.disclosed(confidential: record.confidential, to: actor)
        let hidden = record.confidential && !(actor.role?.may(.seeWholeCenter) ?? false)
        let parts = [shown.name, shown.phone].compactMap { $0 }
        return RequesterModel(
            name: shown.name ?? "", phone: shown.phone ?? "", idNumber: shown.idNumber ?? "",
            enterpriseName: shown.enterpriseName ?? "", creditCode: shown.creditCode ?? "",
            kindLabel: shown.kind.label(english: english), enterprise: shown.kind == .enterprise,
            hidden: hidden, revealed: revealed != nil,
            canReveal: revealed == nil && !hidden && (actor.role?.may(.revealIdentity) ?? false)
                && (record.requester.name != nil || record.requester.phone != nil || record.requester.idNumber != nil),
            line: hidden ? "" : parts.joined(separator: " "))
    }

    /// The whole ticket for its own page.
    static func detail(_ record: TicketRecord, actor: Actor, now: Date, english: Bool, ref: ReferenceData.Snapshot,
                       revealed: Requester? = nil) -> TicketDetailModel {
        let s = record.state
        return TicketDetailModel(
            summary: row(record, actor: actor, now: now, english: english, ref: ref),
            content: record.content,
            address: record.location.address ?? "",
            regionCode: record.location.regionCode ?? "",
            requester: requester(record, actor: actor, english: english, revealed: revealed),
            confidential: record.confidential,
            coUnits: s.coUnitIds.map { ref.unitName($0) }.joined(separator: "、"),
            signedAt: Chrome.time(s.signedAt),
            dispatchedAt: Chrome.time(s.dispatchedAt),
            signDueAt: Chrome.time(s.signDueAt),
            replyDueAt: Chrome.time(s.replyDueAt),
            closedAt: Chrome.time(s.closedAt),
            answer: s.answer ?? "",
            reply: s.reply ?? "",
            repliedAt: Chrome.time(s.repliedAt),
            pendingExtensionDays: s.pendingExtensionDays.map { String($0) } ?? "",
            counters: .init(returns: s.returnCount, extensions: s.extensionCount, redos: s.redoCount, sendBacks: s.sendBackCount,
                            supervisions: s.supervisionCount),
            evaluation: s.satisfaction.map { satisfaction in
                .init(satisfaction: satisfaction.label(english: english), resolved: s.resolved ?? false, comment: s.evaluationComment ?? "")
            },
            rejectReason: s.rejectReason?.label(english: english) ?? "",
            mergedInto: s.mergedIntoId.map { String($0) } ?? "",
            unreasonableRepeat: s.unreasonableRepeat,
            sentBack: s.sentBack)
    }

    /// History events, oldest first, with their actors, notes and status changes.
    static func history(_ events: [TicketEvent], files: [StoredFile], english: Bool) -> [TicketEventModel] {
        events.map { event in
            var change = ""
            if let from = event.fromStatus, let to = event.toStatus, from != to {
                change = "\(from.label(english: english)) → \(to.label(english: english))"
            }
            return TicketEventModel(
                at: Chrome.time(event.at), actor: event.actorName, action: event.action.label(english: english),
                code: event.action.rawValue, note: event.note ?? "", change: change,
                eventFiles: files.filter { $0.eventSeq == event.seq }.map(file))
        }
    }

    /// An attachment link.
    static func file(_ file: StoredFile) -> FileModel {
        FileModel(id: file.id, name: file.name, image: file.isImage, size: sizeText(file.size))
    }

    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? String(format: "%.1f MB", Double(bytes) / 1_048_576) : "\(max(1, bytes / 1024)) KB"
    }

    /// Options for a `<select>` of an enum, with one selected.
    static func options<T: Labelled>(_ type: T.Type, selected: String?, english: Bool, only: [T]? = nil) -> [OptionModel] {
        (only ?? Array(T.allCases)).map { OptionModel(code: $0.rawValue, label: $0.label(english: english), selected: $0.rawValue == selected) }
    }
}

extension TicketView {
    /// Both loops of the 110 linkage, in the page's words.
    static func police(_ loop: PoliceLoop, items: [DiversionItem], english: Bool, recordings: Bool) -> PoliceLoopModel {
        func text(_ key: String) -> String { Strings.text(key, english: english) }
        return PoliceLoopModel(
            diverted: loop.diverted.map { diverted in
                let transfer = diverted.transfer
                return .init(
                    alarmNumber: transfer.alarmNumber ?? "—", dispatchNumber: transfer.dispatchNumber ?? "—",
                    item: items.first { $0.code == transfer.itemCode }?.name ?? transfer.itemCode ?? "—", calledAt: Chrome.time(transfer.startedAt),
                    recordingURL: recordings ? transfer.recordingURL : nil,
                    fedBack: String(format: text("fedBackTo110"), diverted.fedBack, diverted.waiting)
                        + (diverted.handled ? "" : "；" + text("stillHandling")),
                    closed: diverted.closed)
            },
            escalations: loop.escalations.map { escalation in
                let transfer = escalation.transfer
                return .init(
                    reason: transfer.reason ?? "", startedAt: Chrome.time(transfer.startedAt), acknowledgeDue: Chrome.time(transfer.acknowledgeDueAt),
                    acknowledged: transfer.acknowledgedAt.map { text("acknowledgedAtPrefix") + Chrome.time($0) } ?? text("notAcknowledged"), alarmNumber: transfer.alarmNumber ?? "—",
                    feedbackDue: Chrome.time(transfer.feedbackDueAt), feedbackAt: transfer.feedbackAt.map { text("answeredAtPrefix") + Chrome.time($0) } ?? text("notAnswered"),
                    feedback: transfer.feedback ?? "",
                    late: escalation.late.map { text("policeLate").replacingOccurrences(of: "{stage}", with: $0.label(english: english)) } ?? "",
                    closed: escalation.closed)
            })
    }
}

import Foundation
import HotlineCore
import HotlineStore

/// Converts between the domain's codes and the generated API enums, which share raw values.
func convert<A: RawRepresentable, B: RawRepresentable>(_ value: A) -> B where A.RawValue == String, B.RawValue == String {
    guard let converted = B(rawValue: value.rawValue) else { preconditionFailure("API enum \(B.self) lacks \(value.rawValue)") }
    return converted
}

/// The same for input: an API enum to a domain code.
func domain<A: RawRepresentable, B: RawRepresentable>(_ value: A) throws -> B where A.RawValue == String, B.RawValue == String {
    guard let converted = B(rawValue: value.rawValue) else { throw HotlineError.invalid("enum", "不支持的取值 \(value.rawValue)") }
    return converted
}

extension Components.Schemas.Ticket {
    /// The API view of a ticket as `actor` may see it at `now` (identity masked).
    init(_ record: TicketRecord, for actor: Actor, now: Date) {
        let s = record.state
        let shown = record.requester.disclosed(confidential: record.confidential, to: actor)
        self.init(
            id: s.id, number: record.number, centerId: s.centerId, status: convert(s.status), statusLabel: s.status.label,
            channel: convert(s.channel), _type: convert(s.type), urgency: convert(s.urgency), difficult: s.difficult,
            title: record.title, content: record.content, categoryCode: s.categoryCode,
            location: .init(address: record.location.address, regionCode: record.location.regionCode,
                            latitude: record.location.latitude, longitude: record.location.longitude),
            requester: .init(shown, masked: true), confidential: record.confidential,
            attachments: record.attachments.map { .init(name: $0.name, contentType: $0.contentType, size: $0.size, url: $0.url) },
            mainUnitId: s.mainUnitId, coUnitIds: s.coUnitIds, handlingUnitId: s.handlingUnitId,
            deadlines: .init(signDueAt: s.signDueAt, replyDueAt: s.replyDueAt, dueSoonAt: s.dueSoonAt),
            dueState: convert(s.dueState(at: now)),
            counters: .init(returns: s.returnCount, extensions: s.extensionCount, redos: s.redoCount, sendBacks: s.sendBackCount,
                            supervisions: s.supervisionCount),
            pendingExtensionDays: s.pendingExtensionDays, escalated: s.escalated, unreasonableRepeat: s.unreasonableRepeat,
            mergedIntoId: s.mergedIntoId, answer: s.answer, reply: s.reply, repliedAt: s.repliedAt,
            evaluation: s.satisfaction.map {
                .init(satisfaction: convert($0), resolved: s.resolved ?? false, reasonable: s.evaluationReasonable, comment: s.evaluationComment)
            },
            rejectReason: s.rejectReason.map { convert($0) }, createdAt: record.createdAt, updatedAt: record.updatedAt,
            closedAt: s.closedAt, version: record.version)
    }
}

extension Components.Schemas.Requester {
    init(_ requester: Requester, masked: Bool) {
        self.init(
            kind: convert(requester.kind), name: requester.name, phone: requester.phone, idNumber: requester.idNumber,
            enterpriseName: requester.enterpriseName, creditCode: requester.creditCode, masked: masked)
    }
}

extension Components.Schemas.Event {
    init(_ event: TicketEvent) {
        self.init(
            seq: event.seq, at: event.at, actorId: event.actorId, actorName: event.actorName, action: event.action.rawValue,
            actionLabel: event.action.label, fromStatus: event.fromStatus.map { convert($0) }, toStatus: event.toStatus.map { convert($0) },
            note: event.note, details: .init(additionalProperties: event.details))
    }
}

extension Components.Schemas.User {
    init(_ user: HotlineStore.User) {
        self.init(id: user.id, username: user.username, displayName: user.displayName, role: convert(user.role), roleLabel: user.role.label,
                  unitId: user.unitId, active: user.active)
    }
}

extension Components.Schemas.OrgUnit {
    init(_ unit: OrgUnit) {
        self.init(id: unit.id, parentId: unit.parentId, name: unit.name, kind: convert(unit.kind), kindLabel: unit.kind.label, code: unit.code,
                  regionCode: unit.regionCode, path: unit.path, centerId: unit.centerId, active: unit.active)
    }
}

extension Components.Schemas.SLAPolicy {
    init(_ policy: SLAPolicy) {
        self.init(
            id: policy.id, name: policy.name, ticketType: policy.ticketType.map { convert($0) }, urgency: policy.urgency.map { convert($0) },
            channel: policy.channel.map { convert($0) }, categoryPrefix: policy.categoryPrefix, difficult: policy.difficult,
            sign: .init(amount: policy.sign.amount, unit: convert(policy.sign.unit)),
            reply: .init(amount: policy.reply.amount, unit: convert(policy.reply.unit)))
    }

    func domainPolicy(id: Int64) throws -> SLAPolicy {
        SLAPolicy(
            id: id, name: name, ticketType: try ticketType.map { try domain($0) }, urgency: try urgency.map { try domain($0) },
            channel: try channel.map { try domain($0) }, categoryPrefix: categoryPrefix, difficult: difficult,
            sign: TimeLimit(sign.amount, try domain(sign.unit)), reply: TimeLimit(reply.amount, try domain(reply.unit)))
    }
}

extension Components.Schemas.CalendarDay {
    init(_ day: CalendarDay) {
        self.init(date: day.date.description, kind: convert(day.kind), name: day.name, weekday: day.date.weekdayLabel)
    }
}

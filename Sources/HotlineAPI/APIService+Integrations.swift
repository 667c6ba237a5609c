import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

/// The change feed, webhook subscriptions and their deliveries.
extension APIService {
    func listChanges(_ input: Operations.ListChanges.Input) async throws -> Operations.ListChanges.Output {
        let page = try await store.changes(after: input.query.after ?? 0, limit: input.query.limit ?? 100, for: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(
            events: page.events.map { event in
                .init(topic: event.action.topic, ticketId: event.ticketId, ticketNumber: event.ticketId.flatMap { page.numbers[$0] }, event: .init(event))
            },
            cursor: page.cursor, more: page.more))))
    }

    func listSubscriptions(_ input: Operations.ListSubscriptions.Input) async throws -> Operations.ListSubscriptions.Output {
        .ok(.init(body: .json(try await store.subscriptions(by: try RequestIdentity.require()).map(Components.Schemas.Subscription.init))))
    }

    func createSubscription(_ input: Operations.CreateSubscription.Input) async throws -> Operations.CreateSubscription.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let code = body.scope?.rawValue ?? "center"
        guard let scope = SubscriptionScope(code: code, subjectId: body.scopeId) else {
            throw HotlineError.invalid("scopeId", "按单位或对接账号推送时须指明 scopeId (scopeId required for this scope)")
        }
        let created = try await store.createSubscription(name: body.name, url: body.url, topics: body.topics ?? [], scope: scope,
                                                         by: try RequestIdentity.require())
        return .created(.init(body: .json(.init(subscription: .init(created.subscription), secret: created.secret))))
    }

    func updateSubscription(_ input: Operations.UpdateSubscription.Input) async throws -> Operations.UpdateSubscription.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let subscription = try await store.setSubscriptionActive(id: input.path.id, active: body.active, by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(subscription))))
    }

    func listDeliveries(_ input: Operations.ListDeliveries.Input) async throws -> Operations.ListDeliveries.Output {
        let status = input.query.status.flatMap { DeliveryStatus(rawValue: $0.rawValue) }
        let records = try await store.deliveries(subscriptionId: input.path.id, status: status, limit: input.query.limit ?? 100,
                                                 by: try RequestIdentity.require())
        return .ok(.init(body: .json(records.map(Components.Schemas.Delivery.init))))
    }

    func redeliver(_ input: Operations.Redeliver.Input) async throws -> Operations.Redeliver.Output {
        .ok(.init(body: .json(.init(try await store.redeliver(deliveryId: input.path.id, by: try RequestIdentity.require())))))
    }
}

extension Components.Schemas.Subscription {
    init(_ subscription: HotlineCore.Subscription) {
        self.init(id: subscription.id, name: subscription.name, url: subscription.url, topics: subscription.topics,
                  scope: .init(rawValue: subscription.scope.code) ?? .center, scopeId: subscription.scope.subjectId, active: subscription.active,
                  createdAt: subscription.createdAt)
    }
}

extension Components.Schemas.Delivery {
    init(_ record: DeliveryRecord) {
        self.init(id: record.id, subscriptionId: record.subscriptionId, eventSeq: record.eventSeq, topic: record.topic, ticketNumber: record.ticketNumber,
                  status: .init(rawValue: record.status.rawValue) ?? .pending, statusLabel: record.status.label, attempts: record.attempts,
                  lastStatus: record.lastStatus, lastError: record.lastError, createdAt: record.createdAt, nextAt: record.nextAt,
                  lastAttemptAt: record.lastAttemptAt, deliveredAt: record.deliveredAt)
    }
}

/// Notices and their templates.
extension APIService {
    func listNotices(_ input: Operations.ListNotices.Input) async throws -> Operations.ListNotices.Output {
        let records = try await store.notices(limit: input.query.limit ?? 100, by: try RequestIdentity.require())
        return .ok(.init(body: .json(records.map { record in
            .init(id: record.id, kind: .init(rawValue: record.kind.rawValue) ?? .accepted, ticketNumber: record.ticketNumber, to: record.maskedTo,
                  text: record.text, status: .init(rawValue: record.status.rawValue) ?? .pending, attempts: record.attempts, lastError: record.lastError,
                  createdAt: record.createdAt, sentAt: record.sentAt)
        })))
    }

    func listNoticeTemplates(_ input: Operations.ListNoticeTemplates.Input) async throws -> Operations.ListNoticeTemplates.Output {
        let actor = try RequestIdentity.require(.manageIntegrations)
        let templates = try await store.noticeTemplates(centerId: try actor.requireCenter())
        return .ok(.init(body: .json(NoticeKind.allCases.map { Self.template($0, templates[$0] ?? $0.defaultTemplate) })))
    }

    func saveNoticeTemplate(_ input: Operations.SaveNoticeTemplate.Input) async throws -> Operations.SaveNoticeTemplate.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard let kind = NoticeKind(rawValue: input.path.kind.rawValue) else { throw HotlineError.invalid("kind", "未知的通知类型 (unknown kind)") }
        let text = try await store.saveNoticeTemplate(kind, text: body.text, by: try RequestIdentity.require())
        return .ok(.init(body: .json(Self.template(kind, text))))
    }

    static func template(_ kind: NoticeKind, _ text: String) -> Components.Schemas.NoticeTemplate {
        .init(kind: .init(rawValue: kind.rawValue) ?? .accepted, label: kind.label, audience: .init(rawValue: kind.audience.rawValue) ?? .citizen,
              text: text, variables: kind.variables)
    }
}

/// The phone system.
extension APIService {
    func reportCall(_ input: Operations.ReportCall.Input) async throws -> Operations.ReportCall.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard let kind = CallEventKind(rawValue: body.event.rawValue) else { throw HotlineError.invalid("event", "未知的通话事件 (unknown event)") }
        let call = try await store.recordCallEvent(CallEvent(callId: body.callId, kind: kind, caller: body.caller, agent: body.agent, at: body.at,
                                                             recordingURL: body.recordingUrl), by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(id: call.id, callId: call.callId, ringingAt: call.ringingAt, answeredAt: call.answeredAt, endedAt: call.endedAt,
                                           recordingUrl: call.recordingURL, ticketId: call.ticketId))))
    }
}

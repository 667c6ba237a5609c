import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 推送订阅: the systems that follow the center's changes by webhook, what was delivered to each, dead letters to send
/// again.
struct IntegrationPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/admin/subscriptions") { _, context in try await list(context) }
        router.post("/admin/subscriptions") { request, context in
            var secret: String?
            return try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
                try await list(context, flash: flash, error: error, secret: secret, status: status)
            }) { form, actor in
                let created = try await app.store.createSubscription(
                    name: form["name"] ?? "", url: form["url"] ?? "", topics: form.all("topic"), scope: try Self.scope(form["scope"]), by: actor)
                secret = created.secret
                return Strings.text("saved", english: context.english) + "：" + created.subscription.name
            }
        }
        router.post("/admin/subscriptions/:id/active") { request, context in
            try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
                try await list(context, flash: flash, error: error, status: status)
            }) { form, actor in
                let subscription = try await app.store.setSubscriptionActive(
                    id: try context.parameters.require("id", as: Int64.self), active: form.bool("active") ?? false, by: actor)
                return Strings.text(subscription.active ? "resumed" : "paused", english: context.english)
            }
        }
        router.get("/admin/subscriptions/:id") { request, context in
            try await deliveries(context, id: try context.parameters.require("id", as: Int64.self),
                                 status: request.uri.queryParameters.get("status").flatMap(DeliveryStatus.init(rawValue:)))
        }
        router.post("/admin/deliveries/:id/redeliver") { request, context in
            var subscriptionId: Int64 = 0
            return try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
                try await deliveries(context, id: subscriptionId, status: nil, flash: flash, error: error, status: status)
            }) { form, actor in
                subscriptionId = try form.int64("subscriptionId") ?? 0
                _ = try await app.store.redeliver(deliveryId: try context.parameters.require("id", as: Int64.self), by: actor)
                return Strings.text("redelivering", english: context.english)
            }
        }
    }

    /// `center`, `unit:<id>` or `recordedBy:<id>` from the scope select.
    static func scope(_ value: String?) throws -> SubscriptionScope {
        let parts = (value ?? "center").split(separator: ":", maxSplits: 1).map(String.init)
        guard let scope = SubscriptionScope(code: parts.first ?? "", subjectId: parts.count == 2 ? Int64(parts[1]) : nil) else {
            throw HotlineError.invalid("scope", "请选择推送范围 (choose a scope)")
        }
        return scope
    }

    func chrome(_ context: StaffContext, flash: String?, error: String?) throws -> ChromeModel {
        _ = try app.require(context, .manageIntegrations)
        var chrome = app.chrome(context, path: "/admin/subscriptions")
        chrome.flash = flash
        chrome.error = error
        return chrome
    }

    func list(_ context: StaffContext, flash: String? = nil, error: String? = nil, secret: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let chrome = try chrome(context, flash: flash, error: error)
        let actor = context.session.actor
        let english = context.english
        let units = try await app.reference.snapshot().dispatchTargets(centerId: actor.centerId)
        let accounts = try await app.store.users(visibleTo: actor).filter { $0.role.may(.integrate) }
        func scopeLabel(_ scope: SubscriptionScope) -> String {
            switch scope {
            case .center: Strings.text("scopeCenter", english: english)
            case .unit(let id): Strings.text("scopeUnit", english: english) + (units.first { $0.id == id }?.name ?? "#\(id)")
            case .recordedBy(let id): Strings.text("scopeRecordedBy", english: english) + (accounts.first { $0.id == id }?.displayName ?? "#\(id)")
            }
        }
        let backlog = try await app.store.deliveryBacklog(centerId: try actor.requireCenter())
        var scopes = [AdminSubscriptionsPageModel.Option(value: "center", label: Strings.text("scopeCenter", english: english))]
        for unit in units {
            scopes.append(.init(value: "unit:\(unit.id)", label: Strings.text("scopeUnit", english: english) + unit.name))
        }
        for account in accounts {
            scopes.append(.init(value: "recordedBy:\(account.id)", label: Strings.text("scopeRecordedBy", english: english) + account.displayName))
        }
        let model = AdminSubscriptionsPageModel(
            chrome: chrome, secret: secret,
            backlog: String(format: Strings.text("backlog", english: english), backlog.pending, backlog.dead),
            subscriptions: try await app.store.subscriptions(by: actor).map { subscription in
                .init(id: subscription.id, name: subscription.name, url: subscription.url,
                      topics: subscription.topics.isEmpty ? Strings.text("allTopics", english: english) : subscription.topics.joined(separator: ", "),
                      scope: scopeLabel(subscription.scope), active: subscription.active, createdAt: Chrome.time(subscription.createdAt))
            },
            scopes: scopes,
            topics: Subscription.topics.map { .init(value: $0.code, label: "\($0.label)（\($0.code)）") })
        return app.pages.render(.adminSubscriptions, model, status: status)
    }

    func deliveries(_ context: StaffContext, id: Int64, status filter: DeliveryStatus?, flash: String? = nil, error: String? = nil,
                    status: HTTPResponse.Status = .ok) async throws -> Response {
        let chrome = try chrome(context, flash: flash, error: error)
        let actor = context.session.actor
        let subscription = try await app.store.subscription(id: id, by: actor)
        let records = try await app.store.deliveries(subscriptionId: id, status: filter, limit: 200, by: actor)
        let model = AdminDeliveriesPageModel(
            chrome: chrome, subscriptionId: subscription.id, name: subscription.name, url: subscription.url,
            filters: ([nil] + DeliveryStatus.allCases.map(Optional.some)).map { status in
                .init(href: "/admin/subscriptions/\(id)" + (status.map { "?status=\($0.rawValue)" } ?? ""),
                      label: status?.label(english: context.english) ?? Strings.text("all", english: context.english), current: status == filter)
            },
            deliveries: records.map { record in
                .init(id: record.id, seq: record.eventSeq, topic: record.topic, ticketNumber: record.ticketNumber ?? "—",
                      status: record.status.label(english: context.english), statusCode: record.status.rawValue, attempts: record.attempts,
                      lastResult: record.lastStatus.map { "HTTP \($0)" } ?? record.lastError.map { String($0.prefix(80)) } ?? "—",
                      createdAt: Chrome.time(record.createdAt), lastAttemptAt: Chrome.time(record.lastAttemptAt),
                      nextAt: record.status == .pending ? Chrome.time(record.nextAt) : "—", canRedeliver: record.status != .pending)
            })
        return app.pages.render(.adminDeliveries, model, status: status)
    }
}

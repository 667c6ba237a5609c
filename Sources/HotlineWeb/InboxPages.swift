import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 承办台 (a unit's inbox) and the center desk (中心工作台): tabs of tickets waiting for someone, with counts.
struct InboxPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/workbench") { request, context -> Response in
            let actor = try app.require(context, .handleTickets)
            return try await inbox(request, context, actor: actor, desk: .unit)
        }
        router.get("/desk") { request, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            if request.uri.queryParameters.get("tab") == "duplicates" {
                return try await duplicates(context, actor: actor)
            }
            return try await inbox(request, context, actor: actor, desk: .center)
        }
    }

    static func path(_ desk: WorkQueue.Desk) -> String { desk == .center ? "/desk" : "/workbench" }

    /// A desk's work queues (WorkQueue, read from the lifecycle table) as tabs, with counts, and the chosen one's tickets.
    func inbox(_ request: Request, _ context: StaffContext, actor: Actor, desk: WorkQueue.Desk) async throws -> Response {
        let english = context.english
        let path = Self.path(desk)
        let queues = desk.queues
        let chosen = queues.first { $0.rawValue == request.uri.queryParameters.get("tab") } ?? queues[0]
        var countable: [String: TicketFilter] = [:]
        for queue in queues { countable[queue.rawValue] = TicketFilter(queue: queue, on: desk, for: actor) }
        let counts = try await app.store.countTickets(countable, for: actor)
        let page = try await app.store.tickets(matching: TicketFilter(queue: chosen, on: desk, for: actor), for: actor)
        let ref = try await app.reference.snapshot()
        let strings = Strings.table(english: english)
        var model = InboxPageModel(
            chrome: app.chrome(context, path: path),
            title: strings[desk == .center ? "navDesk" : "navWorkbench"] ?? "",
            tabs: queues.map { queue in
                TabModel(key: queue.rawValue, label: queue.label(english: english), href: "\(path)?tab=\(queue.rawValue)", current: queue == chosen,
                         count: counts[queue.rawValue] ?? 0)
            },
            extraTabs: desk == .center ? [TabModel(label: strings["tab_duplicates"] ?? "", href: "/desk?tab=duplicates", current: false)] : [],
            tabLabel: chosen.label(english: english),
            tickets: page.tickets.map { TicketView.row($0, actor: actor, now: app.now, english: english, ref: ref) },
            more: page.hasMore)
        if desk == .center, actor.may(.viewAnalysis) {
            model.warnings = try await AnalysisPages(app: app).warningModels(try await app.store.warnings(status: .open, limit: 5, for: actor),
                                                                            actor: actor, english: english, back: "desk")
            model.hasWarnings = !model.warnings.isEmpty
        }
        return app.pages.render(.inbox, model)
    }

    /// 重复件: open tickets from the same caller, offered for merging.
    func duplicates(_ context: StaffContext, actor: Actor) async throws -> Response {
        let english = context.english
        let groups = try await app.store.sameCallerGroups(for: actor, days: 30, limit: 30)
        let ref = try await app.reference.snapshot()
        let strings = Strings.table(english: english)
        var shown: [DuplicatesPageModel.Group] = []
        if let centerId = actor.centerId {
            // The same matter in other words, from other callers: near-duplicate text at the same place and time.
            for group in try await app.advisor.similarGroups(centerId: centerId).prefix(30) {
                let tickets = try await app.store.tickets(ids: group.ids, for: actor)
                guard tickets.count > 1 else { continue }
                shown.append(.init(kind: strings["similarText"] ?? "", reasons: group.reasons,
                                   tickets: tickets.map { TicketView.row($0, actor: actor, now: app.now, english: english, ref: ref) }))
            }
        }
        for group in groups {
            shown.append(.init(kind: strings["sameCaller"] ?? "", reasons: [],
                               tickets: group.map { TicketView.row($0, actor: actor, now: app.now, english: english, ref: ref) }))
        }
        let model = DuplicatesPageModel(
            chrome: app.chrome(context, path: "/desk"),
            title: strings["navDesk"] ?? "",
            tabs: WorkQueue.Desk.center.queues.map { TabModel(label: $0.label(english: english), href: "/desk?tab=\($0.rawValue)", current: false) },
            extraTabs: [TabModel(label: strings["tab_duplicates"] ?? "", href: "/desk?tab=duplicates", current: true)],
            groups: shown,
            noGroups: shown.isEmpty)
        return app.pages.render(.duplicates, model)
    }
}

import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 承办台 (a unit's inbox) and the center desk (中心工作台): tabs of tickets waiting for someone, with counts.
struct InboxPages {
    let app: WebApp

    /// One tab: its key, the tickets it lists, and whether it sorts by deadline.
    struct Tab {
        let key: String
        let filter: TicketFilter
    }

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/workbench") { request, context -> Response in
            let actor = try app.require(context, .handleTickets)
            return try await inbox(request, context, actor: actor, path: "/workbench", tabs: Self.unitTabs(actor))
        }
        router.get("/desk") { request, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            if request.uri.queryParameters.get("tab") == "duplicates" {
                return try await duplicates(context, actor: actor)
            }
            return try await inbox(request, context, actor: actor, path: "/desk", tabs: Self.deskTabs())
        }
    }

    static func filter(_ build: (inout TicketFilter) -> Void) -> TicketFilter {
        var filter = TicketFilter()
        filter.order = .deadline
        filter.limit = 100
        build(&filter)
        return filter
    }

    /// A unit's tabs: to sign, in progress, due soon, overdue, sent back, co-handling, replied.
    static func unitTabs(_ actor: Actor) -> [Tab] {
        [
            Tab(key: "toSign", filter: filter { $0.statuses = [.pendingSign]; $0.heldWithin = actor.unitPath }),
            Tab(key: "inProgress", filter: filter { $0.statuses = [.inProgress, .returnRequested]; $0.heldWithin = actor.unitPath }),
            Tab(key: "dueSoon", filter: filter { $0.dueSoon = true; $0.heldWithin = actor.unitPath }),
            Tab(key: "overdue", filter: filter { $0.overdue = true; $0.heldWithin = actor.unitPath }),
            Tab(key: "sentBack", filter: filter { $0.sentBack = true; $0.statuses = [.inProgress]; $0.heldWithin = actor.unitPath }),
            Tab(key: "coHandling", filter: filter { $0.coUnit = actor.unitId; $0.statuses = [.pendingSign, .inProgress, .returnRequested] }),
            Tab(key: "replied", filter: filter { $0.statuses = [.replied, .pendingCallback, .evaluated, .closed]; $0.order = .newest; $0.limit = 50 }),
        ]
    }

    /// The center's tabs: replies to review, returns to arbitrate, extensions to decide, callbacks, to close, overdue, supervised.
    static func deskTabs() -> [Tab] {
        [
            Tab(key: "review", filter: filter { $0.statuses = [.replied] }),
            Tab(key: "returns", filter: filter { $0.statuses = [.returnRequested] }),
            Tab(key: "extensions", filter: filter { $0.extensionPending = true; $0.statuses = [.inProgress] }),
            Tab(key: "callbacks", filter: filter { $0.statuses = [.pendingCallback] }),
            Tab(key: "toClose", filter: filter { $0.statuses = [.evaluated] }),
            Tab(key: "overdue", filter: filter { $0.overdue = true }),
            Tab(key: "supervised", filter: filter { $0.supervised = true; $0.statuses = TicketStatus.allCases.filter { !$0.isTerminal } }),
        ]
    }

    func inbox(_ request: Request, _ context: StaffContext, actor: Actor, path: String, tabs: [Tab]) async throws -> Response {
        let english = context.english
        let chosen = tabs.first { $0.key == request.uri.queryParameters.get("tab") } ?? tabs[0]
        var countable: [String: TicketFilter] = [:]
        for tab in tabs { countable[tab.key] = tab.filter }
        let counts = try await app.store.countTickets(countable, for: actor)
        let page = try await app.store.tickets(matching: chosen.filter, for: actor)
        let ref = try await app.reference.snapshot()
        let strings = Strings.table(english: english)
        let model = InboxPageModel(
            chrome: app.chrome(context, path: path),
            title: strings[path == "/desk" ? "navDesk" : "navWorkbench"] ?? "",
            tabs: tabs.map { tab in
                TabModel(key: tab.key, label: strings["tab_" + tab.key] ?? tab.key, href: "\(path)?tab=\(tab.key)", current: tab.key == chosen.key,
                         count: counts[tab.key] ?? 0)
            },
            extraTabs: path == "/desk" ? [TabModel(label: strings["tab_duplicates"] ?? "", href: "/desk?tab=duplicates", current: false)] : [],
            tabLabel: strings["tab_" + chosen.key] ?? "",
            tickets: page.tickets.map { TicketView.row($0, actor: actor, now: app.now, english: english, ref: ref) },
            more: page.hasMore)
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
            tabs: Self.deskTabs().map { TabModel(label: strings["tab_" + $0.key] ?? $0.key, href: "/desk?tab=\($0.key)", current: false) },
            extraTabs: [TabModel(label: strings["tab_duplicates"] ?? "", href: "/desk?tab=duplicates", current: true)],
            groups: shown,
            noGroups: shown.isEmpty)
        return app.pages.render(.duplicates, model)
    }
}

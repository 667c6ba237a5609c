import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 110联动: the diversion list and the 110 platform's settings (administration), and the report of both directions
/// (analysis).
struct PolicePages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/admin/police110") { _, context in try await settings(context) }
        router.post("/admin/police110/items") { request, context in
            try await change(request, context) { form, actor in
                let item = DiversionItem(
                    centerId: try actor.requireCenter(), code: form["code"] ?? "", name: form["name"] ?? "", categoryCode: form["categoryCode"] ?? "",
                    type: try form.code("type", as: TicketType.self) ?? .help, urgency: try form.code("urgency", as: Urgency.self) ?? .normal,
                    active: form.bool("active") ?? true)
                return Strings.text("saved", english: context.english) + "：" + (try await app.store.saveDiversionItem(item, by: actor)).name
            }
        }
        router.post("/admin/police110/settings") { request, context in
            try await change(request, context) { form, actor in
                let timers = PoliceTimers(acknowledgeMinutes: try form.int64("acknowledgeMinutes").map { Int($0) } ?? 10,
                                          urgentFeedbackMinutes: try form.int64("urgentFeedbackMinutes").map { Int($0) } ?? 60,
                                          feedbackMinutes: try form.int64("feedbackMinutes").map { Int($0) } ?? 1440)
                _ = try await app.store.savePoliceSettings(Store.PoliceSettings(platformUserId: try form.int64("platformUserId"), timers: timers),
                                                           by: actor)
                return Strings.text("saved", english: context.english)
            }
        }
        router.get("/analysis/police110") { request, context in
            let actor = try app.require(context, .viewAnalysis)
            let query = request.uri.queryParameters
            let today = CivilDate(app.now)
            let from = query.get("from").flatMap(CivilDate.init) ?? today.adding(days: -29)
            let to = query.get("to").flatMap(CivilDate.init) ?? today
            do {
                return try await report(context, actor: actor, from: from, to: to)
            } catch let error as HotlineError {
                var chrome = app.chrome(context, path: "/analysis/police110", section: "/analysis")
                chrome.error = error.message
                return try await report(context, actor: actor, from: today, to: today, chrome: chrome, status: .init(code: error.httpStatus))
            }
        }
    }

    func change(_ request: Request, _ context: StaffContext, _ body: (Form, Actor) async throws -> String) async throws -> Response {
        try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
            try await settings(context, flash: flash, error: error, status: status)
        }, body)
    }

    func settings(_ context: StaffContext, flash: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try app.require(context, .manageIntegrations)
        let english = context.english
        var chrome = app.chrome(context, path: "/admin/police110")
        chrome.flash = flash
        chrome.error = error
        let centerId = try actor.requireCenter()
        let ref = try await app.reference.snapshot()
        let lifecycle = try await app.store.lifecycle()
        let current = try await app.store.policeSettings(centerId: centerId)
        let accounts = try await app.store.users(visibleTo: actor).filter { $0.role.may(.integrate) }
        let model = AdminPolicePageModel(
            chrome: chrome,
            items: try await app.store.diversionItems(centerId: centerId).map { item in
                let policy = lifecycle.planner.policy(for: DeadlineSubject(type: item.type, urgency: item.urgency, channel: .police110,
                                                                           categoryCode: item.categoryCode, difficult: false))
                return .init(code: item.code, name: item.name, categoryCode: item.categoryCode,
                             category: ref.categoryPaths[item.categoryCode] ?? item.categoryCode, type: item.type.label(english: english),
                             typeCode: item.type.rawValue, urgency: item.urgency.label(english: english), urgencyCode: item.urgency.rawValue,
                             deadline: "\(policy.name)：\(Strings.text("signWithin", english: english)) \(policy.sign) · \(Strings.text("replyWithin", english: english)) \(policy.reply)",
                             active: item.active)
            },
            types: TicketView.options(TicketType.self, selected: "help", english: english),
            urgencies: TicketView.options(Urgency.self, selected: "normal", english: english),
            accounts: accounts.map { .init(id: $0.id, name: "\($0.displayName) (\($0.username))", selected: $0.id == current.platformUserId) },
            acknowledgeMinutes: current.timers.acknowledgeMinutes, urgentFeedbackMinutes: current.timers.urgentFeedbackMinutes,
            feedbackMinutes: current.timers.feedbackMinutes)
        return app.pages.render(.adminPolice, model, status: status)
    }

    func report(_ context: StaffContext, actor: Actor, from: CivilDate, to: CivilDate, chrome given: ChromeModel? = nil,
                status: HTTPResponse.Status = .ok) async throws -> Response {
        let english = context.english
        let report = try await app.store.policeReport(from: from, to: to, for: actor)
        let open = try await app.store.policeTransfers(direction: .toPolice, openOnly: true, limit: 50, for: actor)
        func percent(_ part: Int, _ whole: Int) -> String { AnalysisPages.percent(whole == 0 ? nil : Double(part) / Double(whole)) }
        let model = PoliceReportPageModel(
            chrome: given ?? app.chrome(context, path: "/analysis/police110", section: "/analysis"),
            from: from.description, to: to.description,
            diverted: report.diverted, divertedHandled: report.divertedHandled, handledRate: percent(report.divertedHandled, report.diverted),
            items: report.byItem.map { .init(name: $0.name, count: $0.count, handled: $0.handled, share: percent($0.count, report.diverted)) },
            escalated: report.escalated, acknowledgedOnTime: percent(report.acknowledgedOnTime, report.acknowledgeSettled),
            answeredOnTime: percent(report.answeredOnTime, report.answerSettled), answered: report.answered,
            medianFeedback: report.medianFeedbackMinutes.map { String(format: "%.0f", $0) + Strings.text("minutesUnit", english: english) } ?? "—",
            unanswered: report.unanswered,
            open: open.map { transfer, number in
                .init(ticketId: transfer.ticketId, number: number, reason: transfer.reason ?? "", startedAt: Chrome.time(transfer.startedAt),
                      feedbackDue: Chrome.time(transfer.feedbackDueAt), late: transfer.lateStage(at: app.now) != nil)
            })
        return app.pages.render(.policeReport, model, status: status)
    }
}

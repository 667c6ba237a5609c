import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 短信通知: each notice's wording for the center, with the variables it may use, and the log of what was sent.
struct NoticePages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/admin/notices") { _, context in try await page(context) }
        router.post("/admin/notices/:kind") { request, context in
            try await app.submit(request, context, .manageIntegrations, page: { flash, error, status in
                try await page(context, flash: flash, error: error, status: status)
            }) { form, actor in
                guard let kind = NoticeKind(rawValue: try context.parameters.require("kind")) else { throw HotlineError.notFound("通知类型") }
                _ = try await app.store.saveNoticeTemplate(kind, text: form["text"] ?? "", by: actor)
                return Strings.text("saved", english: context.english) + "：" + kind.label(english: context.english)
            }
        }
    }

    func page(_ context: StaffContext, flash: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let actor = try app.require(context, .manageIntegrations)
        let english = context.english
        var chrome = app.chrome(context, path: "/admin/notices")
        chrome.flash = flash
        chrome.error = error
        let templates = try await app.store.noticeTemplates(centerId: try actor.requireCenter())
        let model = AdminNoticesPageModel(
            chrome: chrome,
            templates: NoticeKind.allCases.map { kind in
                .init(kind: kind.rawValue, label: kind.label(english: english),
                      audience: Strings.text("audience_" + kind.audience.rawValue, english: english),
                      text: templates[kind] ?? kind.defaultTemplate, variables: kind.variables.map { "{\($0)}" }.joined(separator: " "))
            },
            notices: try await app.store.notices(limit: 100, by: actor).map { notice in
                .init(kind: notice.kind.label(english: english), ticketNumber: notice.ticketNumber ?? "—", to: notice.maskedTo, text: notice.text,
                      status: notice.status == .delivered ? Strings.text("noticeSent", english: english) : notice.status.label(english: english),
                      attempts: notice.attempts, createdAt: Chrome.time(notice.createdAt))
            })
        return app.pages.render(.adminNotices, model, status: status)
    }
}

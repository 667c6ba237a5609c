import Foundation
import HotlineCore
import HotlineStore
import Hummingbird
import NIOCore
import ServiceLifecycle

/// 受理台: the agent's intake form, the caller's earlier tickets, the screening queue and the agent's own recent tickets.
struct ConsolePages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/console") { _, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            return try await console(context, actor: actor, form: Form(), banner: nil, error: nil, status: .ok)
        }
        router.post("/console/intake") { request, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            let form = try await Form.read(request, limit: context.maxUploadSize)
            try app.checkCSRF(form, context)
            do {
                let created = try await intake(form, actor: actor)
                let ticket = created.ticket
                let banner = ConsolePageModel.Banner(
                    id: ticket.state.id, number: ticket.number, queryCode: created.queryCode,
                    status: ticket.state.status.label(english: context.english), replayed: created.replayed)
                return try await console(context, actor: actor, form: Form(), banner: banner, error: nil, status: .ok)
            } catch let error as HotlineError {
                // Keep what the agent typed so nothing is lost; the error says which field to fix.
                return try await console(context, actor: actor, form: form, banner: nil, error: error.message,
                                         status: .init(code: error.httpStatus))
            }
        }
        router.get("/console/caller") { request, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            var filter = TicketFilter()
            filter.phone = request.uri.queryParameters.get("phone")
            filter.limit = 10
            guard let phone = filter.phone, (try? TicketDraft.normalizedPhone(phone)) != nil else {
                return app.pages.fragment(.caller, CallerFragmentModel(t: Strings.table(english: context.english), none: true))
            }
            let page = try await app.store.tickets(matching: filter, for: actor)
            let ref = try await app.reference.snapshot()
            let rows = page.tickets.map { TicketView.row($0, actor: actor, now: app.now, english: context.english, ref: ref) }
            return app.pages.fragment(.caller, CallerFragmentModel(t: Strings.table(english: context.english), none: rows.isEmpty, tickets: rows))
        }
        // The screen-pop (来电弹屏): server-sent events of the calls ringing at this agent, read from the database so a
        // call reported to any node reaches the node the agent's console is on.
        router.get("/console/calls/stream") { _, context -> Response in
            let actor = try app.require(context, .recordTickets)
            guard let agentId = actor.userId else { throw HotlineError.forbidden("无坐席 (no agent)") }
            let store = app.store
            let opened = app.now.addingTimeInterval(-120)
            // Produced beside the response: it stops when the page goes (the body is no longer read), when the server
            // shuts down, or after 25 s, when the browser opens the stream again (`retry`).
            let (buffers, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(64))
            let producer = Task {
                try? await cancelWhenGracefulShutdown {
                    continuation.yield(ByteBuffer(string: "retry: 3000\n\n"))
                    var sent: [Int64: String] = [:]
                    let until = ContinuousClock.now + .seconds(25)
                    var beat = ContinuousClock.now
                    while ContinuousClock.now < until, !Task.isCancelled {
                        let seen = store.database.commits.rings
                        for call in try await store.activeCalls(agentUserId: agentId, since: opened) {
                            let state = call.answeredAt == nil ? "ringing" : "answered"
                            guard sent[call.id] != state else { continue }
                            sent[call.id] = state
                            continuation.yield(ByteBuffer(string: "data: \(Self.popJSON(call, state: state))\n\n"))
                        }
                        if ContinuousClock.now - beat > .seconds(15) {
                            continuation.yield(ByteBuffer(string: ": keep-alive\n\n"))
                            beat = ContinuousClock.now
                        }
                        try await store.database.commits.wait(upTo: .seconds(1), since: seen)
                    }
                }
                continuation.finish()
            }
            continuation.onTermination = { _ in producer.cancel() }
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-store"],
                            body: ResponseBody(asyncSequence: buffers))
        }
        router.post("/console/suggest") { request, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let suggestions = try await app.advisor.suggest(
                title: form["title"] ?? "", content: String((form["content"] ?? "").prefix(4000)), address: form["address"],
                categoryCode: form["categoryCode"], centerId: actor.centerId)
            let similar = try await app.store.tickets(ids: suggestions.similar.map(\.ticketId), for: actor)
            return app.pages.fragment(.suggest, Self.suggestionModel(suggestions, similar: similar, english: context.english))
        }
        router.get("/console/screening") { _, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            var filter = TicketFilter()
            filter.statuses = [.screening]
            filter.order = .oldest
            filter.limit = 100
            let page = try await app.store.tickets(matching: filter, for: actor)
            let ref = try await app.reference.snapshot()
            let model = ScreeningPageModel(
                chrome: app.chrome(context, path: "/console/screening"),
                tickets: page.tickets.map { TicketView.row($0, actor: actor, now: app.now, english: context.english, ref: ref) },
                count: page.tickets.count)
            return app.pages.render(.screening, model)
        }
    }

    /// Records the call, with the follow-up the agent chose, in one transaction.
    func intake(_ form: Form, actor: Actor) async throws -> CreatedTicket {
        let content = form["content"] ?? ""
        let title = form["title"] ?? Self.title(from: content)
        let draft = TicketDraft(
            channel: try form.code("channel", as: Channel.self) ?? .phone, type: try form.code("type", as: TicketType.self) ?? .consultation,
            urgency: try form.code("urgency", as: Urgency.self) ?? .normal, title: title, content: content,
            categoryCode: form["categoryCode"].map { String($0.prefix(while: { $0.isNumber })) },
            location: Location(address: form["address"], regionCode: form["regionCode"]),
            requester: Requester(kind: try form.code("requesterKind", as: RequesterKind.self) ?? .person, name: form["name"],
                                 phone: form["phone"], idNumber: form["idNumber"], enterpriseName: form["enterpriseName"],
                                 creditCode: form["creditCode"]),
            confidential: form.bool("confidential") ?? false)
        let followUp: ActionInput?
        switch form["next"] ?? "save" {
        case "dispatch":
            guard let main = try form.int64("mainUnitId") else { throw HotlineError.invalid("mainUnitId", "请选择主办单位 (choose the main unit)") }
            followUp = ActionInput(code: .dispatch, mainUnitId: main, coUnitIds: try form.all("coUnitIds").map {
                guard let id = Int64($0) else { throw HotlineError.invalid("coUnitIds", "无效的单位 (bad unit)") }
                return id
            })
        case "answer":
            followUp = ActionInput(code: .answerOnContact, note: form["answer"])
        case "reject":
            followUp = ActionInput(code: .reject, note: form["rejectNote"], reasonCode: try form.code("reasonCode", as: RejectReason.self))
        default:
            followUp = nil
        }
        let files = try UploadPolicy().check(form.files["files"] ?? [])
        guard let centerId = actor.centerId else { throw HotlineError.forbidden("账号未归属热线中心 (no center)") }
        let created: CreatedTicket
        if let callId = form["callId"] {
            // Recorded during a call the phone system reported: the ticket keeps the call and its recording.
            created = try await app.store.createTicket(draft, centerId: centerId, duringCall: callId, by: actor, idempotencyKey: form["_intake"],
                                                       files: files, then: followUp)
        } else {
            created = try await app.store.createTicket(draft, centerId: centerId, by: actor, idempotencyKey: form["_intake"], files: files,
                                                       then: followUp)
        }
        // An answer taken from the knowledge base counts as a use of that entry.
        if form["next"] == "answer", !created.replayed, let entry = try form.int64("kbEntryId") {
            try? await app.store.recordKnowledgeUse(id: entry, helpful: nil, used: true, centerId: centerId)
        }
        return created
    }

    /// One screen-pop event: the call, its caller's number for the form, and where it stands.
    static func popJSON(_ call: CallRecord, state: String) -> String {
        struct Pop: Encodable {
            let callId: String
            let caller: String
            let state: String
            let recordingUrl: String?
        }
        let data = (try? JSONEncoder().encode(Pop(callId: call.callId, caller: call.caller ?? "", state: state, recordingUrl: call.recordingURL))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The suggestion panel: each suggestion with its reason and a button that fills the form.
    static func suggestionModel(_ s: Suggestions, similar: [TicketRecord], english: Bool) -> SuggestFragmentModel {
        let explanations = Dictionary(uniqueKeysWithValues: s.similar.map { ($0.ticketId, $0.explanation) })
        return SuggestFragmentModel(
            t: Strings.table(english: english),
            categories: s.categories.map { c in
                .init(code: c.code, name: c.name, percent: Int((c.probability * 100).rounded()), words: c.words.map { "「\($0)」" }.joined())
            },
            units: s.units.map { u in .init(id: u.unitId, name: u.name, reasons: u.reasons) },
            similar: similar.map { t in
                SimilarTicketModel(id: t.state.id, number: t.number, title: t.title, status: t.state.status.label(english: english),
                                   why: explanations[t.state.id] ?? "")
            },
            answers: s.answers.map(KnowledgePages.hit),
            elapsed: String(format: "%.1f", s.elapsedMilliseconds),
            emergency: s.emergency.map { EmergencyModel(lines: $0.lines.map(\.rawValue).joined(separator: " / "), why: $0.explanation ?? "") },
            nothing: s.categories.isEmpty && s.units.isEmpty && s.similar.isEmpty && s.answers.isEmpty && s.emergency == nil)
    }

    /// A title from the first clause of the content, when the agent left it blank.
    static func title(from content: String) -> String {
        let first = content.split(whereSeparator: { "。！？!?\n，,".contains($0) }).first.map(String.init) ?? content
        return String(first.trimmingCharacters(in: .whitespaces).prefix(30))
    }

    func console(_ context: StaffContext, actor: Actor, form: Form, banner: ConsolePageModel.Banner?, error: String?,
                 status: HTTPResponse.Status) async throws -> Response {
        let english = context.english
        let ref = try await app.reference.snapshot()
        var mine = TicketFilter()
        mine.createdBy = actor.userId
        mine.limit = 10
        let recent = try await app.store.tickets(matching: mine, for: actor)
        var screening = TicketFilter()
        screening.statuses = [.screening]
        let counts = try await app.store.countTickets(["screening": screening], for: actor)
        var chrome = app.chrome(context, path: "/console")
        chrome.error = error
        let targets = ref.dispatchTargets(centerId: actor.centerId)
        let chosenCo = Set(form.all("coUnitIds"))
        let model = ConsolePageModel(
            chrome: chrome,
            banner: banner,
            intakeKey: AuthPages.newVisitorToken(),
            form: FormEcho(form),
            channels: TicketView.options(Channel.self, selected: form["channel"] ?? "phone", english: english),
            types: TicketView.options(TicketType.self, selected: form["type"] ?? "consultation", english: english),
            urgencies: TicketView.options(Urgency.self, selected: form["urgency"] ?? "normal", english: english),
            reasons: TicketView.options(RejectReason.self, selected: form["reasonCode"], english: english),
            requesterKinds: TicketView.options(RequesterKind.self, selected: form["requesterKind"] ?? "person", english: english),
            categories: ref.leafCategories,
            units: targets.map { unit in
                .init(id: unit.id, name: unit.name, kind: unit.kind.label(english: english), depth: String(repeating: "　", count: max(unit.path.count - 2, 0)),
                      selected: form["mainUnitId"] == String(unit.id), co: chosenCo.contains(String(unit.id)))
            },
            regions: targets.filter { $0.kind == .district && $0.regionCode != nil }.map {
                .init(code: $0.regionCode ?? "", name: $0.name, selected: form["regionCode"] == $0.regionCode)
            },
            nextIs: [form["next"] ?? "save": true],
            recent: recent.tickets.map { TicketView.row($0, actor: actor, now: app.now, english: english, ref: ref) },
            screeningCount: counts["screening"] ?? 0)
        return app.pages.render(.console, model, status: status)
    }
}

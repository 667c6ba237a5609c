import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import Hummingbird
import HummingbirdCore

/// The ticket search, one ticket's page with the actions its viewer may take, attachments, and the audit view.
struct TicketPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/tickets") { request, context -> Response in
            let actor = try app.require(context, .searchTickets)
            return try await search(request, context, actor: actor)
        }
        router.get("/tickets/export/:format") { request, context -> Response in
            let actor = try app.require(context, .exportTickets)
            return try await export(request, context, actor: actor, format: try context.parameters.require("format"))
        }
        router.get("/tickets/:id") { request, context -> Response in
            let actor = try app.require(context, .searchTickets)
            let id = try context.parameters.require("id", as: Int64.self)
            let done = request.uri.queryParameters.get("done").flatMap(ActionCode.init(rawValue:))
            let flash = done.map { Strings.text("done", english: context.english) + $0.label(english: context.english) }
            return try await ticketPage(id, context, actor: actor, flash: flash, error: nil, status: .ok)
        }
        router.post("/tickets/:id/act") { request, context -> Response in
            let actor = try app.require(context, .useStaffPages)
            let id = try context.parameters.require("id", as: Int64.self)
            let form = try await Form.read(request, limit: context.maxUploadSize)
            try app.checkCSRF(form, context)
            do {
                let code = try action(form, ticketId: id, actor: actor)
                let input = try await input(code, form, actor: actor)
                let files = try UploadPolicy().check(form.files["files"] ?? [])
                _ = try await app.store.perform(input, onTicket: id, by: actor, files: files)
                return Pages.redirect("/tickets/\(id)?done=\(code.rawValue)")
            } catch let error as HotlineError where error.kind != .notFound {
                return try await ticketPage(id, context, actor: actor, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
        }
        router.post("/tickets/:id/police110") { request, context -> Response in
            let actor = try app.require(context, .dispatchTickets)
            let id = try context.parameters.require("id", as: Int64.self)
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            do {
                _ = try await app.store.escalateTo110(ticketId: id, reason: form["reason"] ?? "", by: actor)
                return Pages.redirect("/tickets/\(id)?done=\(ActionCode.escalateTo110.rawValue)")
            } catch let error as HotlineError where error.kind != .notFound {
                return try await ticketPage(id, context, actor: actor, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
        }
        router.post("/tickets/:id/reveal") { request, context -> Response in
            let actor = try app.require(context, .useStaffPages)
            let id = try context.parameters.require("id", as: Int64.self)
            try app.checkCSRF(try await Form.read(request, limit: 64 * 1024), context)
            let revealed = try await app.store.revealIdentity(ticketId: id, by: actor)
            return try await ticketPage(id, context, actor: actor, flash: Strings.text("revealAudited", english: context.english), error: nil,
                                        status: .ok, revealed: revealed)
        }
        router.get("/files/:id") { _, context -> Response in
            let actor = try app.require(context, .searchTickets)
            let (file, data) = try await app.store.file(id: try context.parameters.require("id", as: Int64.self), for: actor)
            return Self.fileResponse(file.name, contentType: file.contentType, image: file.isImage, data: data)
        }
        router.get("/audit/export/:format") { request, context -> Response in
            let actor = try app.require(context, .viewAuditLog)
            return try await auditExport(request, context, actor: actor, format: try context.parameters.require("format"))
        }
        router.get("/audit") { _, context -> Response in
            let actor = try app.require(context, .viewAuditLog)
            let (checked, broken) = try await app.store.verifyAuditChain(tail: 10_000)
            let events = try await app.store.recentEvents(for: actor, limit: 100)
            let last = try await app.store.latestAuditVerification()
            let model = AuditPageModel(
                chrome: app.chrome(context, path: "/audit"), checked: checked, broken: broken.map { $0.description },
                lastCheck: last.map { Chrome.time($0.finishedAt) }, lastCheckFailed: last.map { !$0.intact } ?? false, findings: last?.findings ?? [],
                events: events.map { event in
                    .init(seq: event.seq, at: Chrome.time(event.at), actor: event.actorName, action: event.action.label(english: context.english),
                          reveal: event.action == .revealIdentity, ticketId: event.ticketId ?? 0, number: event.number ?? "")
                })
            return app.pages.render(.audit, model)
        }
    }

    /// Serves an attachment: images inline, everything else as a download, never sniffed or scripted.
    static func fileResponse(_ name: String, contentType: String, image: Bool, data: Data) -> Response {
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        return Response(status: .ok, headers: [
            .contentType: contentType,
            .contentDisposition: "\(image ? "inline" : "attachment"); filename*=UTF-8''\(encoded)",
            .contentSecurityPolicy: "default-src 'none'; sandbox",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .cacheControl: "private, no-store",
        ], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The action a form asks for; only client actions.
    func action(_ form: Form, ticketId: Int64, actor: Actor) throws -> ActionCode {
        guard let code = try form.code("action", as: ActionCode.self), ActionCode.clientActions.contains(code) else {
            throw HotlineError.invalid("action", "未知操作 (unknown action)")
        }
        return code
    }

    /// The action's parameters from the form's fields.
    func input(_ code: ActionCode, _ form: Form, actor: Actor) async throws -> ActionInput {
        var input = ActionInput(code: code, note: form["note"])
        input.reasonCode = try form.code("reasonCode", as: RejectReason.self)
        input.mainUnitId = try form.int64("mainUnitId")
        input.coUnitIds = try form.all("coUnitIds").map {
            guard let id = Int64($0) else { throw HotlineError.invalid("coUnitIds", "无效的单位 (bad unit)") }
            return id
        }
        input.unitId = try form.int64("unitId")
        if let days = form["days"] {
            guard let value = Int(days) else { throw HotlineError.invalid("days", "须为数字 (must be a number)") }
            input.days = value
        }
        input.progress = form["progress"]
        input.approve = form.bool("approve")
        input.satisfaction = try form.code("satisfaction", as: Satisfaction.self)
        input.resolved = form.bool("resolved")
        // An unticked checkbox is not sent at all: on the callback form it means "not reasonable".
        input.reasonable = code == .evaluate ? (form.bool("reasonable") ?? false) : form.bool("reasonable")
        input.level = try form.code("level", as: SupervisionLevel.self)
        input.method = try form.code("method", as: SupervisionMethod.self)
        if code == .merge {
            guard let number = form["targetNumber"] else { throw HotlineError.invalid("targetNumber", "请填写目标工单编号 (target number required)") }
            let target = try await app.store.ticket(number: number, for: actor)
            input.targetTicketId = target.state.id
        }
        return input
    }

    func ticketPage(_ id: Int64, _ context: StaffContext, actor: Actor, flash: String?, error: String?, status: HTTPResponse.Status,
                    revealed: Requester? = nil) async throws -> Response {
        let english = context.english
        let record = try await app.store.ticket(id: id, for: actor)
        let events = try await app.store.history(ticketId: id, for: actor)
        let files = try await app.store.files(ticketId: id, for: actor)
        let supervisions = try await app.store.supervisions(ticketId: id, for: actor)
        let ref = try await app.reference.snapshot()
        let lifecycle = try await app.store.lifecycle()
        var chrome = app.chrome(context, path: "/tickets/\(id)", section: "/tickets")
        chrome.flash = flash
        chrome.error = error
        let children = record.state.handlingUnitId.map { ref.descendants(of: $0) } ?? []
        // Sub-dispatch is offered only where there is a child unit to pass the ticket to.
        // A city's copy on the province is read-only: its own platform handles it.
        let available = record.copiedBy != nil ? []
            : lifecycle.availableActions(on: record.state, for: actor).filter { $0 != .subDispatch || !children.isEmpty }
        var can: [String: Bool] = [:]
        for code in available { can[code.rawValue] = true }
        var model = TicketPageModel(
            chrome: chrome,
            ticket: TicketView.detail(record, actor: actor, now: app.now, english: english, ref: ref, revealed: revealed),
            history: TicketView.history(events, files: files, english: english),
            files: files.filter { $0.eventSeq == nil }.map(TicketView.file),
            supervisions: supervisions.map { s in
                .init(at: Chrome.time(s.createdAt), level: s.level.label(english: english), method: s.method.label(english: english),
                      reason: s.reason, automatic: s.automatic)
            },
            can: can,
            anyAction: !available.isEmpty,
            reasons: TicketView.options(RejectReason.self, selected: nil, english: english),
            satisfactions: TicketView.options(Satisfaction.self, selected: nil, english: english),
            levels: TicketView.options(SupervisionLevel.self, selected: "center", english: english),
            methods: TicketView.options(SupervisionMethod.self, selected: "phone", english: english, only: [.phone, .written, .onSite]),
            units: ref.dispatchTargets(centerId: record.state.centerId)
                .filter { Lifecycle.mayDispatch(record.state, to: $0.ref) }
                .map { .init(id: $0.id, name: $0.name, depth: String(repeating: "　", count: max($0.path.count - 2, 0))) },
            children: children.map { ChoiceModel(id: $0.id, name: $0.name) })
        // A recording is the citizen's voice: the center's staff hear it, the units do not.
        let hearsRecordings = actor.may(.seeWholeCenter)
        model.call = try await app.store.call(ofTicket: id, for: actor).map { call in
            .init(callId: call.callId, ringingAt: Chrome.time(call.ringingAt), answeredIn: call.answerSeconds.map { String(format: "%.0f s", $0) } ?? "—",
                  recordingURL: hearsRecordings ? call.recordingURL : nil)
        }
        let loop = try await app.store.policeLoop(ticketId: id, for: actor)
        if loop.diverted != nil || !loop.escalations.isEmpty {
            let items = try await app.store.diversionItems(centerId: record.state.centerId)
            model.police = TicketView.police(loop, items: items, english: english, recordings: hearsRecordings)
        }
        model.canEscalate = actor.may(.dispatchTickets) && !record.state.status.isTerminal && !loop.escalations.contains { !$0.closed }
            && record.copiedBy == nil
        if record.copiedBy != nil {
            let city = record.state.mainUnitId.flatMap { ref.units[$0]?.name } ?? Strings.text("cityPlatform", english: english)
            model.federation = .init(copy: true, text: String(format: Strings.text("federationCopy", english: english), city,
                                                              record.receivedAt.map(Chrome.time) ?? "—"))
        } else if let upstream = try await app.store.upstreamReference(ticketId: id) {
            model.federation = .init(copy: false, text: String(format: Strings.text("federationDown", english: english), upstream.number,
                                                               upstream.replyDueAt.map(Chrome.time) ?? "—"))
        }
        // Center staff see open tickets that look like the same matter, to merge.
        if actor.may(.seeWholeCenter), actor.may(.useStaffPages), !record.state.status.isTerminal {
            let suggestions = try await app.advisor.suggest(title: record.title, content: record.content, address: record.location.address,
                                                            categoryCode: record.state.categoryCode, centerId: record.state.centerId, excluding: id)
            let explanations = Dictionary(uniqueKeysWithValues: suggestions.similar.map { ($0.ticketId, $0.explanation) })
            if model.canEscalate, let emergency = suggestions.emergency, emergency.lines.contains(.police) {
                model.policeHint = emergency.explanation
            }
            model.showSimilar = true
            model.similar = try await app.store.tickets(ids: suggestions.similar.map(\.ticketId), for: actor).map { ticket in
                SimilarTicketModel(id: ticket.state.id, number: ticket.number, title: ticket.title, status: ticket.state.status.label(english: english),
                                   why: explanations[ticket.state.id] ?? "")
            }
        }
        return app.pages.render(.ticket, model, status: status)
    }

    func search(_ request: Request, _ context: StaffContext, actor: Actor) async throws -> Response {
        let english = context.english
        let query = request.uri.queryParameters
        var filter: TicketFilter
        var error: String?
        do {
            filter = try Self.filter(query)
        } catch let failure as HotlineError {
            error = failure.message
            filter = TicketFilter()
            filter.limit = 50
        }
        let page = try await app.store.tickets(matching: filter, for: actor)
        let ref = try await app.reference.snapshot()
        var chrome = app.chrome(context, path: "/tickets")
        chrome.error = error
        var model = TicketsPageModel(
            chrome: chrome,
            tickets: page.tickets.map { TicketView.row($0, actor: actor, now: app.now, english: english, ref: ref) },
            q: query.get("q") ?? "",
            phone: query.get("phone") ?? "",
            statuses: TicketView.options(TicketStatus.self, selected: query.get("status"), english: english),
            types: TicketView.options(TicketType.self, selected: query.get("type"), english: english),
            channels: TicketView.options(Channel.self, selected: query.get("channel"), english: english),
            overdue: filter.overdue,
            dueSoon: filter.dueSoon)
        if actor.may(.exportTickets) {
            var items = URLComponents()
            items.queryItems = Self.filterFields.compactMap { name in
                // An empty category or region asks for tickets without one: kept; other empty fields are no filter.
                query.get(name).flatMap { $0.isEmpty && name != "category" && name != "region" ? nil : URLQueryItem(name: name, value: $0) }
            }
            model.exportQuery = items.percentEncodedQuery.flatMap { $0.isEmpty ? nil : $0 } ?? "all=1"
        }
        if let next = page.nextCursor {
            var items = URLComponents()
            items.queryItems = Self.filterFields.compactMap { name in
                query.get(name).map { URLQueryItem(name: name, value: $0) }
            } + [URLQueryItem(name: "before", value: String(next))]
            model.nextPage = "/tickets?" + (items.percentEncodedQuery ?? "")
        }
        return app.pages.render(.tickets, model)
    }

    /// The list's filter from its query (`q`, `phone`, `status`, `type`, `channel`, `overdue`, `dueSoon`, `before`); an
    /// unknown code is a 400.
    static func filter(_ query: FlatDictionary<Substring, Substring>) throws -> TicketFilter {
        var filter = TicketFilter()
        if let status = query.get("status"), !status.isEmpty {
            guard let value = TicketStatus(rawValue: status) else { throw HotlineError.invalid("status", "未知状态 (unknown status)") }
            filter.statuses = [value]
        }
        if let type = query.get("type"), !type.isEmpty {
            guard let value = TicketType(rawValue: type) else { throw HotlineError.invalid("type", "未知类型 (unknown type)") }
            filter.type = value
        }
        if let channel = query.get("channel"), !channel.isEmpty {
            guard let value = Channel(rawValue: channel) else { throw HotlineError.invalid("channel", "未知渠道 (unknown channel)") }
            filter.channel = value
        }
        if let text = query.get("q"), !text.isEmpty { filter.text = String(text.prefix(100)) }
        if let phone = query.get("phone"), !phone.isEmpty {
            _ = try TicketDraft.normalizedPhone(phone)
            filter.phone = phone
        }
        filter.overdue = query.get("overdue") == "1"
        filter.dueSoon = query.get("dueSoon") == "1"
        // The tickets behind a number of the analysis: recorded from one day to another, of a category, district or main unit.
        func day(_ name: String) throws -> CivilDate? {
            guard let text = query.get(name), !text.isEmpty else { return nil }
            guard let day = CivilDate(text) else { throw HotlineError.invalid(name, "日期须为 2026-11-01 的形式 (a day as 2026-11-01)") }
            return day
        }
        filter.createdFrom = try day("from")?.instant(atMinute: 0)
        filter.createdTo = try day("to")?.adding(days: 1).instant(atMinute: 0)
        if let category = query.get("category") { filter.categoryCode = String(category.prefix(20)) }
        if let region = query.get("region") { filter.regionCode = String(region.prefix(20)) }
        if let unit = query.get("mainUnit"), !unit.isEmpty {
            // `none`: not dispatched to any unit (answered on the call, refused, waiting).
            guard let id = unit == "none" ? 0 : Int64(unit) else { throw HotlineError.invalid("mainUnit", "单位编号须为数字 (a unit id)") }
            filter.mainUnitId = id
        }
        if let cursor = query.get("before"), let before = Int64(cursor) { filter.before = before }
        filter.limit = 50
        return filter
    }

    /// The list's tickets as CSV or Excel, newest first, read 200 at a time: CSV goes out as it is read, the workbook
    /// is written to a temporary file and sent from there. At most `exportLimit` rows.
    func export(_ request: Request, _ context: StaffContext, actor: Actor, format text: String) async throws -> Response {
        let format = try Exports.format(text)
        var filter = try Self.filter(request.uri.queryParameters)
        filter.before = nil
        filter.limit = 200
        let english = context.english
        let ref = try await app.reference.snapshot()
        let store = app.store
        let name = "工单-\(CivilDate(app.now))"
        let header = Exports.ticketHeader(english: english)
        let limit = Self.exportLimit
        switch format {
        case .csv:
            let first = filter
            return Response(status: .ok, headers: Exports.headers(.csv, name: name), body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "\u{FEFF}" + Exports.csvLine(header.map(XLSXWriter.Cell.text))))
                try await store.exportTickets(matching: first, limit: limit, for: actor) { batch in
                    try await writer.write(ByteBuffer(string: batch.map { Exports.csvLine(Exports.ticketRow($0, ref: ref, english: english)) }.joined()))
                }
                try await writer.finish(nil)
            })
        case .xlsx:
            let writer = try XLSXWriter(sheetName: "工单")
            try writer.append(texts: header)
            try await store.exportTickets(matching: filter, limit: limit, for: actor) { batch in
                for record in batch { try writer.append(Exports.ticketRow(record, ref: ref, english: english)) }
            }
            return try Exports.file(writer, name: name)
        }
    }

    /// The audit extract of a range of days (`from`, `to` inclusive; the last 30 days when left out), as CSV or Excel,
    /// read 1,000 events at a time. An identity reveal is listed as any event: who, when, which ticket — never what was
    /// revealed.
    func auditExport(_ request: Request, _ context: StaffContext, actor: Actor, format text: String) async throws -> Response {
        let format = try Exports.format(text)
        let query = request.uri.queryParameters
        let today = CivilDate(app.now)
        func day(_ name: String, _ fallback: CivilDate) throws -> CivilDate {
            guard let text = query.get(name), !text.isEmpty else { return fallback }
            guard let day = CivilDate(text) else { throw HotlineError.invalid(name, "日期须为 2026-11-01 的形式 (a day as 2026-11-01)") }
            return day
        }
        let from = try day("from", today.adding(days: -29))
        let to = try day("to", today)
        guard from <= to, to.dayNumber - from.dayNumber <= 366 else { throw HotlineError.invalid("to", "导出区间须在一年以内 (at most a year)") }
        let english = context.english
        let header = ["seq", "time", "actor", "action", "ticketNumber", "fromStatus", "toStatus", "note", "hash"].map { Strings.text("audit_" + $0, english: english) }
        let store = app.store
        let (start, end) = (from.instant(atMinute: 0), to.adding(days: 1).instant(atMinute: 0))
        @Sendable func cells(_ row: AuditExtractRow) -> [XLSXWriter.Cell] {
            [.number(Double(row.seq)), .text(Chrome.time(row.at)), .text(row.actorName), .text(row.action.label(english: english)), .text(row.number ?? ""),
             .text(row.fromStatus?.label(english: english) ?? ""), .text(row.toStatus?.label(english: english) ?? ""), .text(row.note ?? ""), .text(row.hash)]
        }
        let name = "审计日志-\(from)-\(to)"
        switch format {
        case .csv:
            return Response(status: .ok, headers: Exports.headers(.csv, name: name), body: ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "\u{FEFF}" + Exports.csvLine(header.map(XLSXWriter.Cell.text))))
                var after: Int64 = 0
                while true {
                    let rows = try await store.auditExtract(from: start, to: end, afterSeq: after, for: actor)
                    guard let last = rows.last else { break }
                    try await writer.write(ByteBuffer(string: rows.map { Exports.csvLine(cells($0)) }.joined()))
                    after = last.seq
                }
                try await writer.finish(nil)
            })
        case .xlsx:
            let writer = try XLSXWriter(sheetName: "审计日志")
            try writer.append(texts: header)
            var after: Int64 = 0
            while writer.rows <= Self.exportLimit {
                let rows = try await store.auditExtract(from: start, to: end, afterSeq: after, for: actor)
                guard let last = rows.last else { break }
                for row in rows { try writer.append(cells(row)) }
                after = last.seq
            }
            return try Exports.file(writer, name: name)
        }
    }

    /// The query fields of the list's filter, kept by its next-page and export links.
    static let filterFields = ["q", "phone", "status", "type", "channel", "overdue", "dueSoon", "from", "to", "category", "region", "mainUnit"]

    /// The most rows one export holds.
    static let exportLimit = 1_000_000
}

import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

extension APIService {
    func createTicket(_ input: Operations.CreateTicket.Input) async throws -> Operations.CreateTicket.Output {
        let actor = try RequestIdentity.require()
        try actor.require(.recordTickets)
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard let centerId = body.centerId ?? actor.centerId else {
            throw HotlineError.invalid("centerId", "请指定热线中心 (centerId required)")
        }
        if let requested = body.centerId, requested != actor.centerId {
            guard let center = try await store.unit(id: requested), let own = actor.centerId, center.path.contains(own) else {
                throw HotlineError.forbidden("不能为其他中心登记工单 (not your center)")
            }
        }
        let requester = body.requester
        let draft = TicketDraft(
            channel: try domain(body.channel), type: try domain(body._type), urgency: try body.urgency.map { try domain($0) } ?? .normal,
            title: body.title, content: body.content, categoryCode: body.categoryCode,
            location: Location(address: body.location?.address, regionCode: body.location?.regionCode,
                               latitude: body.location?.latitude, longitude: body.location?.longitude),
            requester: Requester(
                kind: try requester?.kind.map { try domain($0) } ?? .person, name: requester?.name, phone: requester?.phone,
                idNumber: requester?.idNumber, enterpriseName: requester?.enterpriseName, creditCode: requester?.creditCode),
            confidential: body.confidential ?? false,
            attachments: (body.attachments ?? []).map { AttachmentMeta(name: $0.name, contentType: $0.contentType, size: $0.size, url: $0.url) })
        let created = try await store.createTicket(draft, centerId: centerId, by: actor, idempotencyKey: input.headers.idempotencyKey)
        let payload = Components.Schemas.TicketCreated(
            ticket: .init(created.ticket, for: actor, now: clock.now()), queryCode: created.queryCode, replayed: created.replayed)
        return created.replayed ? .ok(.init(body: .json(payload))) : .created(.init(body: .json(payload)))
    }

    func listTickets(_ input: Operations.ListTickets.Input) async throws -> Operations.ListTickets.Output {
        let actor = try RequestIdentity.require(.searchTickets)
        let q = input.query
        var filter = TicketFilter()
        if let statuses = q.status {
            filter.statuses = try statuses.split(separator: ",").map {
                guard let status = TicketStatus(rawValue: $0.trimmingCharacters(in: .whitespaces)) else {
                    throw HotlineError.invalid("status", "未知状态 \($0) (unknown status)")
                }
                return status
            }
        }
        filter.unitId = q.unitId
        filter.categoryCode = q.categoryCode
        filter.channel = try q.channel.map { try domain($0) }
        filter.type = try q._type.map { try domain($0) }
        filter.dueSoon = q.dueSoon ?? false
        filter.overdue = q.overdue ?? false
        filter.escalated = q.escalated ?? false
        try FilterDates.check(from: q.createdFrom, to: q.createdTo)
        filter.createdFrom = q.createdFrom
        filter.createdTo = q.createdTo
        if let text = q.q, text.count > 100 { throw HotlineError.invalid("q", "不超过100字 (at most 100 characters)") }
        filter.text = q.q
        filter.phone = q.phone
        if let cursor = q.cursor {
            guard let before = Int64(cursor) else { throw HotlineError.invalid("cursor", "无效的分页游标 (bad cursor)") }
            filter.before = before
        }
        if let limit = q.limit {
            guard (1...200).contains(limit) else { throw HotlineError.invalid("limit", "须在1到200之间 (1–200)") }
            filter.limit = limit
        }
        let page = try await store.tickets(matching: filter, for: actor)
        let now = clock.now()
        return .ok(.init(body: .json(.init(
            items: page.tickets.map { .init($0, for: actor, now: now) }, nextCursor: page.nextCursor.map { String($0) }))))
    }

    func getTicket(_ input: Operations.GetTicket.Input) async throws -> Operations.GetTicket.Output {
        let actor = try RequestIdentity.require(.searchTickets)
        let record = try await store.ticket(id: input.path.id, for: actor)
        let history = try await store.history(ticketId: input.path.id, for: actor)
        let supervisions = try await store.supervisions(ticketId: input.path.id, for: actor)
        return .ok(.init(body: .json(.init(
            ticket: .init(record, for: actor, now: clock.now()), history: history.map(Components.Schemas.Event.init),
            supervisions: supervisions.map {
                .init(id: $0.id, level: convert($0.level), method: convert($0.method), reason: $0.reason, automatic: $0.automatic, createdAt: $0.createdAt)
            }))))
    }

    func performAction(_ input: Operations.PerformAction.Input) async throws -> Operations.PerformAction.Output {
        let actor = try RequestIdentity.require()
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        if let note = body.note, note.count > 8000 { throw HotlineError.invalid("note", "不能超过8000字 (at most 8000 characters)") }
        let action = ActionInput(
            code: try domain(body.action), note: body.note, reasonCode: try body.reasonCode.map { try domain($0) },
            mainUnitId: body.mainUnitId, coUnitIds: body.coUnitIds ?? [], unitId: body.unitId, days: body.days, progress: body.progress,
            approve: body.approve, satisfaction: try body.satisfaction.map { try domain($0) }, resolved: body.resolved,
            reasonable: body.reasonable, targetTicketId: body.targetTicketId, level: try body.level.map { try domain($0) },
            method: try body.method.map { try domain($0) })
        let record = try await store.perform(action, onTicket: input.path.id, by: actor)
        return .ok(.init(body: .json(.init(record, for: actor, now: clock.now()))))
    }

    func revealIdentity(_ input: Operations.RevealIdentity.Input) async throws -> Operations.RevealIdentity.Output {
        let actor = try RequestIdentity.require()
        let requester = try await store.revealIdentity(ticketId: input.path.id, by: actor)
        return .ok(.init(body: .json(.init(requester, masked: false))))
    }

    func publicLookup(_ input: Operations.PublicLookup.Input) async throws -> Operations.PublicLookup.Output {
        let (record, events) = try await store.publicTicket(number: input.path.number, queryCode: input.query.code, client: RequestIdentity.client)
        return .ok(.init(body: .json(.init(record, events))))
    }

    func publicEvaluate(_ input: Operations.PublicEvaluate.Input) async throws -> Operations.PublicEvaluate.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        if let comment = body.comment, comment.count > 2000 { throw HotlineError.invalid("comment", "不能超过2000字") }
        _ = try await store.citizenEvaluate(
            number: input.path.number, queryCode: body.code, satisfaction: try domain(body.satisfaction), resolved: body.resolved,
            comment: body.comment ?? "", client: RequestIdentity.client)
        let (record, events) = try await store.publicTicket(number: input.path.number, queryCode: body.code, client: RequestIdentity.client)
        return .ok(.init(body: .json(.init(record, events))))
    }
}

extension Components.Schemas.PublicTicket {
    init(_ record: TicketRecord, _ events: [TicketEvent]) {
        let s = record.state
        self.init(
            number: record.number, status: convert(s.status), statusLabel: s.status.label, title: record.title,
            reply: record.publicReply,
            canEvaluate: ActionRule.citizenMay(.evaluate, from: s.status), createdAt: record.createdAt, closedAt: s.closedAt,
            history: events.map { .init(at: $0.at, action: $0.action.rawValue, actionLabel: $0.action.label, note: $0.publicNote) })
    }
}

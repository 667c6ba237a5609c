import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

/// The 110 linkage over the API: the diversion list, diverted calls, escalations and 110's answers, the report.
extension APIService {
    func listDiversionItems(_ input: Operations.ListDiversionItems.Input) async throws -> Operations.ListDiversionItems.Output {
        let actor = try RequestIdentity.require()
        return .ok(.init(body: .json(try await store.diversionItems(centerId: try actor.requireCenter()).map(Components.Schemas.DiversionItem.init))))
    }

    func saveDiversionItem(_ input: Operations.SaveDiversionItem.Input) async throws -> Operations.SaveDiversionItem.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let actor = try RequestIdentity.require()
        let item = DiversionItem(centerId: try actor.requireCenter(), code: body.code, name: body.name, categoryCode: body.categoryCode,
                                 type: try body._type.map { try domain($0) } ?? .help, urgency: try body.urgency.map { try domain($0) } ?? .normal,
                                 active: body.active ?? true)
        return .ok(.init(body: .json(.init(try await store.saveDiversionItem(item, by: actor)))))
    }

    func divertCall(_ input: Operations.DivertCall.Input) async throws -> Operations.DivertCall.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let actor = try RequestIdentity.require()
        let (created, transfer, deadlines) = try await store.divertFrom110(DivertedCall(
            alarmNumber: body.alarmNumber, dispatchNumber: body.dispatchNumber, itemCode: body.itemCode, title: body.title, content: body.content,
            callerName: body.caller?.name, callerPhone: body.caller?.phone, address: body.address, latitude: body.latitude, longitude: body.longitude,
            calledAt: body.calledAt, recordingURL: body.recordingUrl), by: actor)
        let payload = Components.Schemas.DiversionResult(
            ticket: .init(created.ticket, for: actor, now: clock.now()), queryCode: created.queryCode, replayed: created.replayed,
            transfer: .init(transfer, number: created.ticket.number), signDueAt: deadlines.signDueAt, replyDueAt: deadlines.replyDueAt)
        return created.replayed ? .ok(.init(body: .json(payload))) : .created(.init(body: .json(payload)))
    }

    func listPoliceTransfers(_ input: Operations.ListPoliceTransfers.Input) async throws -> Operations.ListPoliceTransfers.Output {
        let transfers = try await store.policeTransfers(
            direction: input.query.direction.flatMap { TransferDirection(rawValue: $0.rawValue) }, openOnly: input.query.open ?? false,
            for: try RequestIdentity.require())
        return .ok(.init(body: .json(transfers.map { .init($0.transfer, number: $0.number) })))
    }

    func acknowledgeTransfer(_ input: Operations.AcknowledgeTransfer.Input) async throws -> Operations.AcknowledgeTransfer.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let transfer = try await store.acknowledgeTransfer(id: input.path.id, alarmNumber: body.alarmNumber, by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(transfer, number: nil))))
    }

    func transferFeedback(_ input: Operations.TransferFeedback.Input) async throws -> Operations.TransferFeedback.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let transfer = try await store.recordTransferFeedback(id: input.path.id, feedback: body.feedback, dispatchNumber: body.dispatchNumber,
                                                              by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(transfer, number: nil))))
    }

    func policeReport(_ input: Operations.PoliceReport.Input) async throws -> Operations.PoliceReport.Output {
        guard let from = CivilDate(input.query.from), let to = CivilDate(input.query.to) else {
            throw HotlineError.invalid("from", "日期格式应为 YYYY-MM-DD (dates as YYYY-MM-DD)")
        }
        let report = try await store.policeReport(from: from, to: to, for: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(
            diverted: report.diverted, divertedHandled: report.divertedHandled,
            byItem: report.byItem.map { .init(code: $0.code, name: $0.name, count: $0.count, handled: $0.handled) },
            escalated: report.escalated, acknowledged: report.acknowledged, acknowledgedOnTime: report.acknowledgedOnTime,
            acknowledgeSettled: report.acknowledgeSettled, answered: report.answered, answeredOnTime: report.answeredOnTime,
            answerSettled: report.answerSettled, medianFeedbackMinutes: report.medianFeedbackMinutes, unanswered: report.unanswered))))
    }

    func getPoliceLoop(_ input: Operations.GetPoliceLoop.Input) async throws -> Operations.GetPoliceLoop.Output {
        let loop = try await store.policeLoop(ticketId: input.path.id, for: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(
            diverted: loop.diverted.map {
                .init(transfer: .init($0.transfer, number: nil), handled: $0.handled, fedBack: $0.fedBack, waiting: $0.waiting, closed: $0.closed)
            },
            escalations: loop.escalations.map {
                .init(transfer: .init($0.transfer, number: nil), late: $0.late.flatMap { .init(rawValue: $0.rawValue) }, closed: $0.closed)
            }))))
    }

    func escalateTo110(_ input: Operations.EscalateTo110.Input) async throws -> Operations.EscalateTo110.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let transfer = try await store.escalateTo110(ticketId: input.path.id, reason: body.reason, by: try RequestIdentity.require())
        return .created(.init(body: .json(.init(transfer, number: nil))))
    }
}

extension Components.Schemas.DiversionItem {
    init(_ item: HotlineCore.DiversionItem) {
        self.init(id: item.id, code: item.code, name: item.name, categoryCode: item.categoryCode, _type: convert(item.type), urgency: convert(item.urgency),
                  active: item.active)
    }
}

extension Components.Schemas.PoliceTransfer {
    init(_ transfer: HotlineCore.PoliceTransfer, number: String?) {
        self.init(
            id: transfer.id, ticketId: transfer.ticketId, ticketNumber: number, direction: .init(rawValue: transfer.direction.rawValue) ?? .fromPolice,
            alarmNumber: transfer.alarmNumber, dispatchNumber: transfer.dispatchNumber, itemCode: transfer.itemCode, startedAt: transfer.startedAt,
            recordingUrl: transfer.recordingURL, reason: transfer.reason, acknowledgedAt: transfer.acknowledgedAt,
            acknowledgeDueAt: transfer.acknowledgeDueAt, feedback: transfer.feedback, feedbackAt: transfer.feedbackAt,
            feedbackDueAt: transfer.feedbackDueAt)
    }
}

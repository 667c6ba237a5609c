import Foundation
import HotlineCore
import Testing

@Suite("110 linkage: timers, late stages, loops and the report")
struct Police110Tests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    func escalation(ack: TimeInterval? = nil, feedback: TimeInterval? = nil, marked: PoliceStage? = nil, urgency: Urgency = .normal) -> PoliceTransfer {
        let due = PoliceTimers().due(from: start, urgency: urgency)
        return PoliceTransfer(ticketId: 1, centerId: 1, direction: .toPolice, startedAt: start, acknowledgedAt: ack.map(start.addingTimeInterval),
                              acknowledgeDueAt: due.acknowledge, feedbackAt: feedback.map(start.addingTimeInterval), feedbackDueAt: due.feedback,
                              lateMarked: marked)
    }

    @Test("acknowledgement in 10 minutes; feedback in 1 hour when urgent, 24 otherwise; timers are checked")
    func timers() throws {
        let normal = PoliceTimers().due(from: start, urgency: .normal)
        #expect(normal.acknowledge == start.addingTimeInterval(600) && normal.feedback == start.addingTimeInterval(86_400))
        #expect(PoliceTimers().due(from: start, urgency: .urgent).feedback == start.addingTimeInterval(3600))
        _ = try PoliceTimers(acknowledgeMinutes: 5, urgentFeedbackMinutes: 30, feedbackMinutes: 600).validated()
        for bad in [PoliceTimers(acknowledgeMinutes: 0), PoliceTimers(acknowledgeMinutes: 90, urgentFeedbackMinutes: 60), PoliceTimers(feedbackMinutes: 0)] {
            #expect(throws: HotlineError.self) { try bad.validated() }
        }
    }

    @Test("each late stage is marked once, the acknowledgement before the feedback; feedback ends it")
    func lateStages() {
        let fresh = escalation()
        #expect(fresh.lateStageToMark(at: start.addingTimeInterval(599)) == nil)
        #expect(fresh.lateStageToMark(at: start.addingTimeInterval(600)) == .acknowledgement)
        #expect(escalation(marked: .acknowledgement).lateStageToMark(at: start.addingTimeInterval(601)) == nil)
        #expect(escalation(marked: .acknowledgement).lateStageToMark(at: start.addingTimeInterval(86_400)) == .feedback)
        #expect(escalation(ack: 60).lateStageToMark(at: start.addingTimeInterval(86_400)) == .feedback)
        #expect(escalation(marked: .feedback).lateStageToMark(at: start.addingTimeInterval(99_999)) == nil)
        #expect(escalation(ack: 60, feedback: 90_000).lateStageToMark(at: start.addingTimeInterval(99_999)) == nil)
        #expect(escalation().lateStage(at: start.addingTimeInterval(86_400)) == .acknowledgement)
        #expect(escalation(ack: 60).lateStage(at: start.addingTimeInterval(86_400)) == .feedback)
        let diverted = PoliceTransfer(ticketId: 1, centerId: 1, direction: .fromPolice, startedAt: start)
        #expect(diverted.lateStageToMark(at: start.addingTimeInterval(99_999)) == nil)
    }

    @Test("a diverted loop closes when the ticket ended and every change reached 110; an escalation's with 110's feedback")
    func loops() {
        let diverted = PoliceTransfer(ticketId: 1, centerId: 1, direction: .fromPolice, startedAt: start)
        #expect(PoliceLoop(transfers: [diverted], status: .closed, fedBack: 6, waiting: 0, now: start).diverted?.closed == true)
        #expect(PoliceLoop(transfers: [diverted], status: .closed, fedBack: 5, waiting: 1, now: start).diverted?.closed == false)
        #expect(PoliceLoop(transfers: [diverted], status: .inProgress, fedBack: 3, waiting: 0, now: start).diverted?.closed == false)
        #expect(PoliceLoop(transfers: [diverted], status: .closed, fedBack: 0, waiting: 0, now: start).diverted?.closed == false)
        let loop = PoliceLoop(transfers: [escalation(ack: 60, feedback: 1800), escalation()], status: .inProgress, fedBack: 0, waiting: 0,
                              now: start.addingTimeInterval(700))
        #expect(loop.diverted == nil && loop.escalations.map(\.closed) == [true, false] && loop.escalations.map(\.late) == [nil, .acknowledgement])
    }

    @Test("the report counts both directions; on-time rates rest on settled escalations only")
    func report() {
        func call(_ ticket: Int64, _ item: String) -> PoliceTransfer {
            PoliceTransfer(ticketId: ticket, centerId: 1, direction: .fromPolice, itemCode: item, startedAt: start)
        }
        let transfers = [call(1, "noise"), call(2, "noise"), call(3, "moveCar"), escalation(ack: 300, feedback: 1200),
                         escalation(ack: 900, feedback: 90_000), escalation(), escalation(urgency: .urgent)]
        let report = PoliceTransferReport(transfers: transfers, handled: [1, 3], names: ["noise": "噪音扰民", "moveCar": "挪车"],
                                          now: start.addingTimeInterval(3_700))
        #expect(report.diverted == 3 && report.divertedHandled == 2)
        #expect(report.byItem.map(\.name) == ["噪音扰民", "挪车"] && report.byItem.map(\.handled) == [1, 1])
        #expect(report.escalated == 4 && report.acknowledged == 2 && report.acknowledgedOnTime == 1 && report.acknowledgeSettled == 4)
        #expect(report.answered == 2 && report.answeredOnTime == 1 && report.answerSettled == 3)
        #expect(report.medianFeedbackMinutes == (20 + 1500) / 2 && report.unanswered == 1)
        #expect(PoliceTransferReport(transfers: [], handled: [], names: [:], now: start).medianFeedbackMinutes == nil)
    }

    @Test("a diversion item's code, name and category are checked; the standard list has the usual matters")
    func items() throws {
        _ = try DiversionItem(centerId: 1, code: "moveCar", name: "挪车", categoryCode: "051201").validated()
        for bad in [DiversionItem(centerId: 1, code: "", name: "x", categoryCode: "1"), DiversionItem(centerId: 1, code: "a b", name: "x", categoryCode: "1"),
                    DiversionItem(centerId: 1, code: "noise", name: " ", categoryCode: "1"), DiversionItem(centerId: 1, code: "noise", name: "x", categoryCode: "")] {
            #expect(throws: HotlineError.self) { try bad.validated() }
        }
        let standard = DiversionItem.standard(centerId: 7)
        #expect(standard.count == 8 && Set(standard.map(\.code)).count == 8 && standard.allSatisfy { $0.centerId == 7 })
        #expect(standard.first { $0.code == "moveCar" }?.urgency == .urgent)
    }
}

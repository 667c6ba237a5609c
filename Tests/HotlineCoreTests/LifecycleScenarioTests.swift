import Foundation
import Testing

@testable import HotlineCore

@Suite("Lifecycle paths")
struct LifecycleScenarioTests {
    @Test("a ticket's whole life: dispatch, sign, reply, review, callback, close")
    func happyPath() throws {
        let t = try run(Org.ticket(.accepted), [
            (.dispatch(main: Org.main, co: [Org.co]), Org.agent), (.sign, Org.handler), (.coInput(text: "区里已配合"), Org.coHandler),
            (.reply(content: "已修复"), Org.handler), (.review(approve: true, note: ""), Org.supervisor),
            (.evaluate(satisfaction: .satisfied, resolved: true, reasonable: false, comment: "谢谢"), Org.supervisor), (.close(note: ""), Org.supervisor),
        ])
        #expect(t.status == .closed)
        #expect(t.mainUnitId == 10 && t.coUnitIds == [20])
        #expect(t.satisfaction == .satisfied && t.closedAt != nil)
        #expect(t.redoCount == 0 && t.returnCount == 0)
    }

    @Test("dispatch sets sign and reply deadlines on the working calendar")
    func dispatchDeadlines() throws {
        let t = try lifecycle.apply(.dispatch(main: Org.main, co: []), to: Org.ticket(.accepted), by: Org.agent, at: shanghai("2026-02-13 16:30")).ticket
        #expect(t.status == .pendingSign)
        #expect(t.signDueAt == shanghai("2026-02-14 10:00"))
        #expect(t.replyDueAt == shanghai("2026-02-27 17:30"))
        #expect(t.responsibleUnitIds == [10])
    }

    @Test("dispatch refuses a center, another center's unit, and duplicated co-units")
    func dispatchTargets() {
        for (main, co) in [(Org.center, [UnitRef]()), (Org.foreign, []), (Org.main, [Org.main]), (Org.main, [Org.co, Org.co])] {
            #expect(throws: HotlineError.self) { try lifecycle.apply(.dispatch(main: main, co: co), to: Org.ticket(.accepted), by: Org.agent, at: monday) }
        }
        let inactive = UnitRef(id: 31, name: "撤销单位", kind: .department, path: [1, 31], centerId: 1, active: false)
        #expect(throws: HotlineError.self) { try lifecycle.apply(.dispatch(main: inactive, co: []), to: Org.ticket(.accepted), by: Org.agent, at: monday) }
    }

    @Test("only the responsible unit signs and replies; a co-unit and a stranger are refused")
    func unitParties() throws {
        let pending = Org.ticket(.pendingSign)
        for actor in [Org.coHandler, Org.otherHandler, Org.childHandler] {
            let error = try #require(throws: HotlineError.self) { try lifecycle.apply(.sign, to: pending, by: actor, at: monday) }
            #expect(error.httpStatus == 403)
        }
        let progress = Org.ticket(.inProgress)
        #expect(throws: HotlineError.self) { try lifecycle.apply(.reply(content: "x"), to: progress, by: Org.coHandler, at: monday) }
        #expect(throws: HotlineError.self) { try lifecycle.apply(.coInput(text: "x"), to: progress, by: Org.handler, at: monday) }
    }

    @Test("sub-dispatch hands the ticket to a child unit; the parent stays responsible")
    func subDispatch() throws {
        let t = try run(Org.ticket(.inProgress), [(.subDispatch(to: Org.child), Org.handler), (.sign, Org.childHandler), (.reply(content: "房管科已处理"), Org.handler)])
        #expect(t.status == .replied)
        #expect(t.handlingUnitId == 11 && t.responsibleUnitIds == [10, 11])
        #expect(throws: HotlineError.self) { try lifecycle.apply(.subDispatch(to: Org.other), to: Org.ticket(.inProgress), by: Org.handler, at: monday) }
    }

    @Test("return: approval sends the ticket back for re-dispatch; refusal resumes it")
    func returnArbitration() throws {
        let requested = try run(Org.ticket(.pendingSign), [(.requestReturn(reason: "不属于本单位"), Org.handler)])
        #expect(requested.status == .returnRequested && requested.resumeStatus == .pendingSign)
        let denied = try lifecycle.apply(.arbitrateReturn(approve: false, note: "属于职责"), to: requested, by: Org.supervisor, at: monday).ticket
        #expect(denied.status == .pendingSign && denied.mainUnitId == 10)
        let approved = try lifecycle.apply(.arbitrateReturn(approve: true, note: ""), to: requested, by: Org.supervisor, at: monday).ticket
        #expect(approved.status == .accepted && approved.mainUnitId == nil && approved.replyDueAt == nil)
        #expect(approved.returnCount == 1 && approved.returnedUnitIds == [10])
    }

    @Test("returned by three units: escalated supervision")
    func threeReturns() throws {
        var t = Org.ticket(.accepted)
        for (unit, actor) in [(Org.main, Org.handler), (Org.other, Org.otherHandler), (Org.co, Org.coHandler)] {
            t = try run(t, [(.dispatch(main: unit, co: []), Org.agent), (.requestReturn(reason: "非本单位职责"), actor),
                            (.arbitrateReturn(approve: true, note: ""), Org.supervisor)])
        }
        #expect(t.returnedUnitIds == [10, 30, 20])
        #expect(t.escalated)
        let last = try lifecycle.apply(.dispatch(main: Org.main, co: []), to: t, by: Org.agent, at: monday)
        #expect(last.supervision == nil)
    }

    @Test("an approved extension moves the reply deadline; a second request waits for the first")
    func extensions() throws {
        let asked = try lifecycle.apply(.requestExtension(days: 5, reason: "需检测", progress: "已取样"), to: Org.ticket(.inProgress), by: Org.handler, at: monday).ticket
        #expect(asked.pendingExtensionDays == 5)
        #expect(throws: HotlineError.self) {
            try lifecycle.apply(.requestExtension(days: 2, reason: "x", progress: "y"), to: asked, by: Org.handler, at: monday)
        }
        let approved = try lifecycle.apply(.decideExtension(approve: true, note: ""), to: asked, by: Org.supervisor, at: monday).ticket
        #expect(approved.replyDueAt == shanghai("2026-12-07 17:30"))
        #expect(approved.extensionCount == 1 && approved.pendingExtensionDays == nil)
        let denied = try lifecycle.apply(.decideExtension(approve: false, note: "理由不充分"), to: asked, by: Org.supervisor, at: monday).ticket
        #expect(denied.replyDueAt == asked.replyDueAt && denied.extensionCount == 0)
        for days in [0, 31] {
            #expect(throws: HotlineError.self) {
                try lifecycle.apply(.requestExtension(days: days, reason: "x", progress: "y"), to: Org.ticket(.inProgress), by: Org.handler, at: monday)
            }
        }
    }

    @Test("a reply sent back in review returns to the unit with the reason")
    func sendBack() throws {
        #expect(throws: HotlineError.self) { try lifecycle.apply(.review(approve: false, note: " "), to: Org.ticket(.replied), by: Org.supervisor, at: monday) }
        let t = try lifecycle.apply(.review(approve: false, note: "答复未说明处理结果"), to: Org.ticket(.replied), by: Org.supervisor, at: monday)
        #expect(t.ticket.status == .inProgress && t.ticket.sendBackCount == 1)
        #expect(t.event.note == "答复未说明处理结果")
    }

    @Test("reasonable dissatisfaction means redo; the third redo escalates")
    func redo() throws {
        let dissatisfied = TicketAction.evaluate(satisfaction: .dissatisfied, resolved: false, reasonable: true, comment: "没解决")
        var t = Org.ticket(.pendingCallback)
        for round in 1...3 {
            let step = try lifecycle.apply(dissatisfied, to: t, by: Org.supervisor, at: monday)
            t = step.ticket
            #expect(t.status == .inProgress && t.redoCount == round)
            #expect(t.replyDueAt == shanghai("2026-11-30 17:30"))
            #expect((step.supervision != nil) == (round == 3))
            t = try run(t, [(.reply(content: "重新处理"), Org.handler), (.review(approve: true, note: ""), Org.supervisor)])
        }
        #expect(t.escalated)
        let unreasonable = try lifecycle.apply(.evaluate(satisfaction: .dissatisfied, resolved: false, reasonable: false, comment: "无理"),
                                               to: Org.ticket(.pendingCallback), by: Org.supervisor, at: monday).ticket
        #expect(unreasonable.status == .evaluated && unreasonable.redoCount == 0)
    }

    @Test("reject, answer on contact, unreasonable repeat and merge end the ticket")
    func endings() throws {
        let rejected = try lifecycle.apply(.reject(.petition, note: "已在信访渠道"), to: Org.ticket(.screening), by: Org.agent, at: monday)
        #expect(rejected.ticket.status == .rejected && rejected.ticket.rejectReason == .petition)
        #expect(rejected.event.note == "已进入信访渠道：已在信访渠道")
        let answered = try lifecycle.apply(.answerOnContact(answer: "可以网上办理"), to: Org.ticket(.accepted), by: Org.agent, at: monday).ticket
        #expect(answered.status == .closed && answered.answer == "可以网上办理")
        #expect(throws: HotlineError.self) { try lifecycle.apply(.answerOnContact(answer: "   "), to: Org.ticket(.accepted), by: Org.agent, at: monday) }
        let repeatTicket = try lifecycle.apply(.markUnreasonableRepeat(note: "已多次答复"), to: Org.ticket(.accepted), by: Org.supervisor, at: monday).ticket
        #expect(repeatTicket.status == .closed && repeatTicket.unreasonableRepeat)
        let merged = try lifecycle.apply(.merge(into: 42, note: ""), to: Org.ticket(.inProgress), by: Org.agent, at: monday).ticket
        #expect(merged.status == .merged && merged.mergedIntoId == 42)
        #expect(throws: HotlineError.self) { try lifecycle.apply(.merge(into: 7, note: ""), to: Org.ticket(.inProgress), by: Org.agent, at: monday) }
        var closedTarget = Org.ticket(.closed)
        closedTarget.id = 42
        #expect(throws: HotlineError.self) { try Lifecycle.checkMergeTarget(closedTarget, for: Org.ticket(.inProgress)) }
    }

    @Test("overdue marks once, opens automatic supervision and counts it")
    func overdue() throws {
        let marked = try lifecycle.apply(.markOverdue, to: Org.ticket(.inProgress), by: .system, at: monday)
        #expect(marked.ticket.overdueMarked && marked.ticket.supervisionCount == 1)
        #expect(marked.supervision?.method == .automatic)
        let again = try #require(throws: HotlineError.self) { try lifecycle.apply(.markOverdue, to: marked.ticket, by: .system, at: monday) }
        #expect(again.httpStatus == 409)
    }

    @Test("history events carry before and after of changed fields")
    func eventDetails() throws {
        let step = try lifecycle.apply(.dispatch(main: Org.main, co: []), to: Org.ticket(.accepted), by: Org.agent, at: monday)
        #expect(step.event.details["status"] == ["accepted", "pendingSign"])
        #expect(step.event.details["mainUnitId"] == ["", "10"])
        #expect(step.event.details["mainUnit"] == ["住建局"])
    }

    @Test("a staff member of another center is refused")
    func otherCenter() {
        let stranger = Org.user(.agent, at: UnitRef(id: 60, name: "外市中心", kind: .center, path: [60], centerId: 60))
        #expect(throws: HotlineError.self) { try lifecycle.apply(.accept, to: Org.ticket(.screening), by: stranger, at: monday) }
    }

    @Test("due state follows the deadlines")
    func dueState() {
        let t = Org.ticket(.inProgress)
        #expect(t.dueState(at: shanghai("2026-11-24 10:00")) == .normal)
        #expect(t.dueState(at: shanghai("2026-11-29 10:00")) == .dueSoon)
        #expect(t.dueState(at: shanghai("2026-12-01 10:00")) == .overdue)
        #expect(Org.ticket(.closed).dueState(at: monday) == .none)
    }
}

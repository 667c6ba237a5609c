import Foundation
import Testing

@testable import HotlineCore

/// Paths found in review: what a unit leaves behind when a ticket changes hands, returns from below, citizens' verdicts.
@Suite("Lifecycle edge paths")
struct LifecycleEdgeTests {
    static let otherHandlerOf30 = Org.user(.unitHandler, at: Org.other, id: 8)

    @Test("a returned ticket leaves its extension request and sent-back reply behind; the next unit starts clean")
    func returnClearsUnitWork() throws {
        let t = try run(Org.ticket(.inProgress), [
            (.requestExtension(days: 5, reason: "需协调", progress: "已勘查"), Org.handler),
            (.requestReturn(reason: "不属于本单位"), Org.handler),
            (.arbitrateReturn(approve: true, note: ""), Org.supervisor),
            (.dispatch(main: Org.other, co: []), Org.agent),
            (.sign, Self.otherHandlerOf30),
        ])
        #expect(t.pendingExtensionDays == nil && !t.sentBack && t.reply == nil)
        let asked = try lifecycle.apply(.requestExtension(days: 2, reason: "需现场核实", progress: "已联系"), to: t, by: Self.otherHandlerOf30, at: monday)
        #expect(asked.ticket.pendingExtensionDays == 2)
    }

    @Test("a reply drops a pending extension request, so a later redo cannot bring it back")
    func replyClearsExtension() throws {
        let t = try run(Org.ticket(.inProgress), [
            (.requestExtension(days: 5, reason: "需协调", progress: "已勘查"), Org.handler),
            (.reply(content: "已处理"), Org.handler), (.review(approve: true, note: ""), Org.supervisor),
            (.evaluate(satisfaction: .dissatisfied, resolved: false, reasonable: true, comment: "没修好"), Org.supervisor),
        ])
        #expect(t.status == .inProgress && t.pendingExtensionDays == nil)
        #expect(!lifecycle.availableActions(on: t, for: Org.supervisor).contains(.decideExtension))
    }

    @Test("a child unit's approved return hands the ticket back to its parent, not to the center")
    func childReturn() throws {
        let t = try run(Org.ticket(.inProgress), [
            (.subDispatch(to: Org.child), Org.handler), (.requestReturn(reason: "不属于房管科"), Org.childHandler),
            (.arbitrateReturn(approve: true, note: "退回住建局"), Org.supervisor),
        ])
        #expect(t.status == .inProgress && t.handlingUnitId == 10 && t.responsibleUnitIds == [10] && t.mainUnitId == 10)
        #expect(t.returnCount == 0 && t.returnedUnitIds.isEmpty && t.returnRequestedBy == nil)
        #expect(t.replyDueAt == Org.ticket(.inProgress).replyDueAt)
    }

    @Test("sub-dispatch gives the child a sign deadline from now")
    func subDispatchSignDeadline() throws {
        var start = Org.ticket(.inProgress)
        start.signOverdueMarked = true
        let t = try lifecycle.apply(.subDispatch(to: Org.child), to: start, by: Org.handler, at: shanghai("2026-11-25 10:00")).ticket
        #expect(t.signDueAt == shanghai("2026-11-25 12:00") && !t.signOverdueMarked)
        #expect(t.replyDueAt == start.replyDueAt)
    }

    @Test("a citizen's dissatisfaction is recorded; the center's callback decides whether it is redone")
    func citizenDissatisfied() throws {
        let rated = try lifecycle.apply(.evaluate(satisfaction: .dissatisfied, resolved: false, reasonable: false, comment: "不满意"),
                                        to: Org.ticket(.pendingCallback), by: .citizen, at: monday).ticket
        #expect(rated.status == .evaluated && rated.redoCount == 0)
        #expect(throws: HotlineError.self) {
            try lifecycle.apply(.evaluate(satisfaction: .dissatisfied, resolved: false, reasonable: false, comment: ""), to: rated, by: .citizen, at: monday)
        }
        let confirmed = try lifecycle.apply(.evaluate(satisfaction: .dissatisfied, resolved: false, reasonable: true, comment: "回访核实属实"),
                                            to: rated, by: Org.supervisor, at: monday).ticket
        #expect(confirmed.status == .inProgress && confirmed.redoCount == 1)
    }

    @Test("marking difficult never shortens a deadline a redo already moved")
    func difficultKeepsLaterDeadline() throws {
        var t = Org.ticket(.inProgress)
        t.replyDueAt = shanghai("2026-12-31 17:30")
        let marked = try lifecycle.apply(.markDifficult(note: "多部门"), to: t, by: Org.supervisor, at: monday).ticket
        #expect(marked.replyDueAt == shanghai("2026-12-31 17:30") && marked.difficult)
    }

    @Test("notes are capped; automatic supervision cannot be asked for")
    func limits() {
        let long = String(repeating: "长", count: 2001)
        #expect(throws: HotlineError.self) { try lifecycle.apply(.close(note: long), to: Org.ticket(.evaluated), by: Org.supervisor, at: monday) }
        #expect(throws: HotlineError.self) {
            try ActionInput(code: .supervise, note: "x", method: .automatic).action(units: [:])
        }
    }
}

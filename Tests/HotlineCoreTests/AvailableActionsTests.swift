import Foundation
import Testing

@testable import HotlineCore

@Suite("What a page offers")
struct AvailableActionsTests {
    @Test("the rule table's specification covers exactly the client actions")
    func specCoversClientActions() {
        #expect(Set(LifecycleTableTests.spec.keys) == Set(ActionCode.clientActions))
    }

    @Test("offered actions are exactly the allowed ones, for every status and role", arguments: TicketStatus.allCases)
    func offered(_ status: TicketStatus) {
        for role in Role.allCases {
            for extension_ in [nil, 3] {
                let ticket = Org.ticket(status, pendingExtension: extension_)
                let actor = role == .unitHandler || role == .unitAdmin || role == .linkedSystem ? Org.user(role, at: Org.main) : Org.user(role)
                let offered = Set(lifecycle.availableActions(on: ticket, for: actor))
                var expected = Set(LifecycleTableTests.spec.filter { $0.value.from.contains(status) && $0.value.roles.contains(role) }.keys)
                expected.remove(.coInput)  // the main unit's handler is not a co-unit
                if extension_ == nil { expected.remove(.decideExtension) } else { expected.remove(.requestExtension) }
                #expect(offered == expected, "\(status) \(role) extension \(String(describing: extension_))")
            }
        }
        let coOffered = lifecycle.availableActions(on: Org.ticket(.inProgress), for: Org.coHandler)
        #expect(coOffered == [.coInput])
        #expect(lifecycle.availableActions(on: Org.ticket(.inProgress), for: Org.otherHandler).isEmpty)
    }

    @Test("marking a dispatched ticket difficult recounts its deadlines from dispatch, once")
    func difficult() throws {
        let ticket = Org.ticket(.inProgress)
        let marked = try lifecycle.apply(.markDifficult(note: "涉及三个部门"), to: ticket, by: Org.supervisor, at: monday)
        #expect(marked.ticket.difficult)
        // Dispatched Monday 2026-11-23 09:00: fifteen working days later is Monday 2026-12-14.
        #expect(marked.ticket.replyDueAt == shanghai("2026-12-14 17:30"))
        #expect(marked.event.details["difficult"] == ["false", "true"])
        #expect(!lifecycle.availableActions(on: marked.ticket, for: Org.supervisor).contains(.markDifficult))
        #expect(throws: HotlineError.self) { try lifecycle.apply(.markDifficult(note: "再次"), to: marked.ticket, by: Org.supervisor, at: monday) }
        #expect(throws: HotlineError.self) { try lifecycle.apply(.markDifficult(note: " "), to: ticket, by: Org.supervisor, at: monday) }
    }

    @Test("sent back by review or by dissatisfaction until the next reply")
    func sentBack() throws {
        let sentBack = try lifecycle.apply(.review(approve: false, note: "答复不清"), to: Org.ticket(.replied), by: Org.supervisor, at: monday)
        #expect(sentBack.ticket.sentBack)
        let replied = try lifecycle.apply(.reply(content: "已补充说明"), to: sentBack.ticket, by: Org.handler, at: monday)
        #expect(!replied.ticket.sentBack)
        let redo = try lifecycle.apply(.evaluate(satisfaction: .dissatisfied, resolved: false, reasonable: true, comment: ""),
                                       to: Org.ticket(.pendingCallback), by: Org.supervisor, at: monday)
        #expect(redo.ticket.sentBack && redo.ticket.status == .inProgress)
    }

    static let spans: [(Double, String, String)] = [
        (97_260, "剩余1天3小时", "1 d 3 h left"),
        (7_500, "剩余2小时5分钟", "2 h 5 min left"),
        (-2_700, "超期45分钟", "45 min overdue"),
        (-172_800, "超期2天", "2 d overdue"),
    ]

    @Test("time left reads in days, hours and minutes, both ways", arguments: spans)
    func timeLeft(_ seconds: Double, _ chinese: String, _ english: String) {
        let due = monday.addingTimeInterval(seconds)
        #expect(TimeLeft.describe(until: due, now: monday) == chinese)
        #expect(TimeLeft.describe(until: due, now: monday, english: true) == english)
    }

    @Test("English labels spell the codes out unless a vocabulary writes its own")
    func englishLabels() {
        #expect(TicketStatus.pendingSign.englishLabel == "Pending sign")
        #expect(TicketStatus.pendingSign.label(english: false) == "待签收")
        // Actions are named once, as the buttons and the history both show them.
        #expect(ActionCode.answerOnContact.label(english: true) == "Answer and close")
    }
}

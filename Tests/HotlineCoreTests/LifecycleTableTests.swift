import Foundation
import Testing

@testable import HotlineCore

/// Every action from every status for every role, against the rules written out here as the specification.
@Suite("Lifecycle rule table")
struct LifecycleTableTests {
    /// The specification (DESIGN.md §2): from which statuses each action may start, and who may take it.
    static let spec: [ActionCode: (from: Set<TicketStatus>, roles: Set<Role>)] = [
        .accept: ([.screening], [.agent, .centerSupervisor]),
        .reject: ([.screening, .accepted], [.agent, .centerSupervisor]),
        .answerOnContact: ([.screening, .accepted], [.agent, .centerSupervisor]),
        .dispatch: ([.accepted], [.agent, .centerSupervisor, .linkedSystem]),
        .sign: ([.pendingSign], [.unitHandler, .unitAdmin, .linkedSystem]),
        .contactRequester: ([.inProgress], [.unitHandler, .unitAdmin, .linkedSystem]),
        .subDispatch: ([.inProgress], [.unitHandler, .unitAdmin, .linkedSystem]),
        .coInput: ([.pendingSign, .inProgress, .returnRequested], [.unitHandler, .unitAdmin, .linkedSystem]),
        .requestReturn: ([.pendingSign, .inProgress], [.unitHandler, .unitAdmin, .linkedSystem]),
        .arbitrateReturn: ([.returnRequested], [.centerSupervisor]),
        .requestExtension: ([.inProgress], [.unitHandler, .unitAdmin, .linkedSystem]),
        .decideExtension: ([.inProgress], [.centerSupervisor]),
        .reply: ([.inProgress], [.unitHandler, .unitAdmin, .linkedSystem]),
        .review: ([.replied], [.centerSupervisor]),
        .evaluate: ([.pendingCallback, .evaluated], [.agent, .centerSupervisor]),
        .close: ([.pendingCallback, .evaluated], [.centerSupervisor]),
        .merge: ([.screening, .accepted, .pendingSign, .inProgress], [.agent, .centerSupervisor]),
        .markUnreasonableRepeat: ([.screening, .accepted], [.centerSupervisor]),
        .supervise: ([.accepted, .pendingSign, .inProgress, .returnRequested, .replied, .pendingCallback, .evaluated], [.centerSupervisor]),
        .markDifficult: ([.accepted, .pendingSign, .inProgress], [.centerSupervisor]),
    ]

    /// Where each action may lead (empty: the status stays as it was).
    static let toSpec: [ActionCode: Set<TicketStatus>] = [
        .accept: [.accepted], .reject: [.rejected], .answerOnContact: [.closed], .dispatch: [.pendingSign],
        .sign: [.inProgress], .contactRequester: [], .subDispatch: [.pendingSign], .coInput: [], .requestReturn: [.returnRequested],
        .arbitrateReturn: [.accepted, .inProgress, .pendingSign], .requestExtension: [], .decideExtension: [], .reply: [.replied],
        .review: [.pendingCallback, .inProgress], .evaluate: [.evaluated, .inProgress], .close: [.closed], .merge: [.merged],
        .markUnreasonableRepeat: [.closed], .supervise: [], .markDifficult: [],
        .markDueSoon: [], .markOverdue: [], .markSignOverdue: [],
    ]

    static let systemSpec: [ActionCode: Set<TicketStatus>] = [
        .markDueSoon: [.pendingSign, .inProgress, .returnRequested],
        .markOverdue: [.pendingSign, .inProgress, .returnRequested],
        .markSignOverdue: [.pendingSign],
    ]

    static func sample(_ code: ActionCode) -> TicketAction {
        switch code {
        case .accept: .accept
        case .reject: .reject(.litigation, note: "")
        case .answerOnContact: .answerOnContact(answer: "请到政务服务中心办理")
        case .dispatch: .dispatch(main: Org.other, co: [])
        case .sign: .sign
        case .contactRequester: .contactRequester(note: "已电话联系诉求人")
        case .subDispatch: .subDispatch(to: Org.child)
        case .coInput: .coInput(text: "已配合现场核查")
        case .requestReturn: .requestReturn(reason: "不属于本单位职责")
        case .arbitrateReturn: .arbitrateReturn(approve: true, note: "")
        case .requestExtension: .requestExtension(days: 3, reason: "需多部门会商", progress: "已现场查看")
        case .decideExtension: .decideExtension(approve: true, note: "")
        case .reply: .reply(content: "已处理完毕")
        case .review: .review(approve: true, note: "")
        case .evaluate: .evaluate(satisfaction: .satisfied, resolved: true, reasonable: false, comment: "")
        case .close: .close(note: "")
        case .merge: .merge(into: 99, note: "")
        case .markUnreasonableRepeat: .markUnreasonableRepeat(note: "同一诉求已答复仍反复来电")
        case .supervise: .supervise(level: .center, method: .phone, note: "请加快办理")
        case .markDifficult: .markDifficult(note: "涉及多部门职责交叉")
        case .markDueSoon: .markDueSoon
        case .markOverdue: .markOverdue
        case .markSignOverdue: .markSignOverdue
        case .create, .mergedFrom, .revealIdentity, .publishAssessment, .appealAssessment, .decideAppeal, .raiseWarning, .acknowledgeWarning, .changeSubscription, .escalateTo110, .police110Acknowledge, .police110Feedback, .markPolice110Late, .syncFromCity, .upstreamSupervision, .auditCheckpoint, .rotateAuditKey: .accept
        }
    }

    /// The actor of `role` standing on the right side of the ticket for `code`.
    static func actor(_ role: Role, for code: ActionCode) -> Actor {
        switch role {
        case .unitHandler, .unitAdmin: Org.user(role, at: code == .coInput ? Org.co : Org.main)
        // A linked system dispatches only to itself (the sample dispatches to `Org.other`).
        case .linkedSystem: Org.user(role, at: code == .coInput ? Org.co : code == .dispatch ? Org.other : Org.main)
        default: Org.user(role)
        }
    }

    struct Case: CustomTestStringConvertible, Sendable {
        let code: ActionCode
        let status: TicketStatus
        let role: Role
        var testDescription: String { "\(code.rawValue) from \(status.rawValue) by \(role.rawValue)" }
    }

    static let cases: [Case] = spec.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { code in
        TicketStatus.allCases.flatMap { status in Role.allCases.map { Case(code: code, status: status, role: $0) } }
    }

    @Test("a linked system dispatches its own intake to itself, never to another unit nor with co-units")
    func linkedSystemDispatch() {
        let ticket = Org.ticket(.accepted)
        let system = Org.user(.linkedSystem, at: Org.main)
        #expect(throws: HotlineError.self) { try lifecycle.apply(.dispatch(main: Org.other, co: []), to: ticket, by: system, at: monday) }
        #expect(throws: HotlineError.self) { try lifecycle.apply(.dispatch(main: Org.main, co: [Org.co]), to: ticket, by: system, at: monday) }
        #expect((try? lifecycle.apply(.dispatch(main: Org.main, co: []), to: ticket, by: system, at: monday))?.ticket.status == .pendingSign)
    }

    @Test("user actions", arguments: cases)
    func userAction(_ c: Case) {
        let (from, roles) = Self.spec[c.code]!
        let ticket = Org.ticket(c.status, pendingExtension: c.code == .decideExtension ? 3 : nil)
        let result = Result { try lifecycle.apply(Self.sample(c.code), to: ticket, by: Self.actor(c.role, for: c.code), at: monday) }
        switch result {
        case .success(let transition):
            #expect(roles.contains(c.role) && from.contains(c.status), "allowed but should not be")
            #expect(transition.event.action == c.code)
            #expect(transition.event.fromStatus == c.status)
            let to = Self.toSpec[c.code]!
            #expect(to.isEmpty ? transition.ticket.status == c.status : to.contains(transition.ticket.status))
        case .failure(let error as HotlineError):
            if !roles.contains(c.role) {
                #expect(error.httpStatus == 403, "expected 403, got \(error)")
            } else if !from.contains(c.status) {
                #expect(error.httpStatus == 409 && error.code == .invalidState, "expected 409, got \(error)")
            } else {
                Issue.record("refused an allowed action: \(error)")
            }
        case .failure(let error):
            Issue.record("unexpected error \(error)")
        }
    }

    static let systemCases: [Case] = systemSpec.keys.sorted { $0.rawValue < $1.rawValue }.flatMap { code in
        TicketStatus.allCases.map { Case(code: code, status: $0, role: .admin) }
    }

    @Test("system marks: only the scanner, only while a unit holds the ticket", arguments: systemCases)
    func systemAction(_ c: Case) {
        let ticket = Org.ticket(c.status)
        let bySystem = Result { try lifecycle.apply(Self.sample(c.code), to: ticket, by: .system, at: monday) }
        #expect(((try? bySystem.get()) != nil) == Self.systemSpec[c.code]!.contains(c.status))
        for role in Role.allCases {
            #expect(throws: HotlineError.self) { try lifecycle.apply(Self.sample(c.code), to: ticket, by: Self.actor(role, for: c.code), at: monday) }
        }
    }

    @Test("citizens may only evaluate, and only while waiting for callback")
    func citizen() {
        for code in Self.spec.keys {
            for status in TicketStatus.allCases {
                let allowed = code == .evaluate && status == .pendingCallback
                let result = Result { try lifecycle.apply(Self.sample(code), to: Org.ticket(status), by: .citizen, at: monday) }
                #expect(((try? result.get()) != nil) == allowed, "\(code) from \(status)")
            }
        }
    }

    @Test("terminal statuses take no action at all")
    func terminal() {
        for status in TicketStatus.allCases where status.isTerminal {
            for code in Self.spec.keys {
                #expect(throws: HotlineError.self) { try lifecycle.apply(Self.sample(code), to: Org.ticket(status), by: Org.supervisor, at: monday) }
            }
        }
    }

    @Test("the table lists what the specification lists, for every action")
    func tableMatchesSpec() {
        for code in ActionCode.allCases {
            let rule = ActionRule.rule(for: code)
            if let spec = Self.spec[code] {
                #expect(rule?.from == spec.from && rule?.roles == spec.roles, "\(code)")
            } else if let from = Self.systemSpec[code] {
                #expect(rule?.from == from && rule?.roles == [] && rule?.party == .system, "\(code)")
            } else {
                #expect(rule == nil, "\(code) is an event, not an action")
            }
            #expect(rule.map { $0.to } == Self.toSpec[code], "\(code) leads to")
        }
    }

    @Test("every precondition refuses with its own code and hides the action; the action is offered once it holds")
    func preconditions() throws {
        let cases: [(ActionCode, TicketState, Actor, ErrorCode)] = [
            (.requestExtension, Org.ticket(.inProgress, pendingExtension: 3), Org.handler, .extensionPending),
            (.decideExtension, Org.ticket(.inProgress), Org.supervisor, .noExtensionPending),
            (.markDifficult, { var t = Org.ticket(.inProgress); t.difficult = true; return t }(), Org.supervisor, .alreadyDifficult),
            (.markDueSoon, { var t = Org.ticket(.inProgress); t.dueSoonMarked = true; return t }(), .system, .alreadyMarked),
            (.markOverdue, { var t = Org.ticket(.inProgress); t.overdueMarked = true; return t }(), .system, .alreadyMarked),
            (.markSignOverdue, { var t = Org.ticket(.pendingSign); t.signOverdueMarked = true; return t }(), .system, .alreadyMarked),
        ]
        for (code, ticket, actor, expected) in cases {
            let error = #expect(throws: HotlineError.self) { try lifecycle.apply(Self.sample(code), to: ticket, by: actor, at: monday) }
            #expect(error?.code == expected, "\(code)")
            #expect(!lifecycle.availableActions(on: ticket, for: actor).contains(code))
        }
        #expect(ActionRule.rule(for: .requestExtension)?.preconditions == [.noPendingExtension])
        #expect(lifecycle.availableActions(on: Org.ticket(.inProgress, pendingExtension: 3), for: Org.supervisor).contains(.decideExtension))
    }

    @Test("a unit whose return was approved is not dispatched the ticket again, unless it was escalated")
    func returnedUnit() throws {
        let returned = try run(Org.ticket(.accepted), [(.dispatch(main: Org.main, co: []), Org.agent), (.requestReturn(reason: "非本单位职责"), Org.handler),
                                                       (.arbitrateReturn(approve: true, note: ""), Org.supervisor)])
        #expect(!Lifecycle.mayDispatch(returned, to: Org.main) && Lifecycle.mayDispatch(returned, to: Org.other))
        for dispatch in [TicketAction.dispatch(main: Org.main, co: []), .dispatch(main: Org.other, co: [Org.main])] {
            #expect(#expect(throws: HotlineError.self) { try lifecycle.apply(dispatch, to: returned, by: Org.agent, at: monday) }?.code == .invalidUnit)
        }
        var escalated = returned
        escalated.escalated = true
        #expect(Lifecycle.mayDispatch(escalated, to: Org.main))
        #expect(try lifecycle.apply(.dispatch(main: Org.main, co: []), to: escalated, by: Org.agent, at: monday).ticket.mainUnitId == Org.main.id)
    }

    @Test("a citizen may rate exactly where the table lets a citizen evaluate")
    func citizenEvaluates() {
        for status in TicketStatus.allCases {
            #expect(ActionRule.citizenMay(.evaluate, from: status) == (status == .pendingCallback))
            #expect(!ActionRule.citizenMay(.close, from: status))
        }
    }

    @Test("each work queue lists the statuses in which its side's next step is possible")
    func workQueues() {
        let spec: [WorkQueue: Set<TicketStatus>] = [
            .toSign: [.pendingSign], .inProgress: [.inProgress, .returnRequested], .dueSoon: [.pendingSign, .inProgress, .returnRequested],
            .overdue: [.pendingSign, .inProgress, .returnRequested], .sentBack: [.inProgress], .coHandling: [.pendingSign, .inProgress, .returnRequested],
            .replied: [.replied, .pendingCallback, .evaluated, .closed], .review: [.replied], .returns: [.returnRequested], .extensions: [.inProgress],
            .callbacks: [.pendingCallback], .toClose: [.evaluated],
            .supervised: [.screening, .accepted, .pendingSign, .inProgress, .returnRequested, .replied, .pendingCallback, .evaluated],
        ]
        for queue in WorkQueue.allCases { #expect(queue.statuses == spec[queue], "\(queue)") }
        #expect(Set(WorkQueue.Desk.unit.queues + WorkQueue.Desk.center.queues) == Set(WorkQueue.allCases))
        // The center's queues are where its actions wait: reviewing, arbitrating, deciding extensions, closing.
        for (queue, code) in [(WorkQueue.review, ActionCode.review), (.returns, .arbitrateReturn), (.extensions, .decideExtension), (.toClose, .close)] {
            #expect(queue.statuses.isSubset(of: ActionRule.from(code)), "\(queue)")
        }
    }
}

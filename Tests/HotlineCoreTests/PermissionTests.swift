import HotlineCore
import Testing

/// The permission table against an independently written statement of DESIGN.md §1.
@Suite struct PermissionTests {
    static let spec: [Permission: Set<Role>] = [
        .recordTickets: [.agent, .centerSupervisor, .integrationClient, .linkedSystem],
        .dispatchTickets: [.agent, .centerSupervisor],
        .superviseTickets: [.centerSupervisor],
        .handleTickets: [.unitHandler, .unitAdmin, .linkedSystem],
        .recordCallbacks: [.agent, .centerSupervisor],
        .seeWholeCenter: [.agent, .centerSupervisor, .admin, .auditor, .leader, .integrationClient],
        .revealIdentity: [.agent, .centerSupervisor, .unitHandler, .unitAdmin, .linkedSystem],
        .manageOrganisation: [.admin],
        .manageReferenceData: [.admin],
        .manageIntegrations: [.admin],
        .manageModels: [.admin],
        .viewModels: [.admin, .auditor, .centerSupervisor],
        .viewUsers: [.admin, .auditor],
        .editKnowledge: [.kbEditor, .admin],
        .useKnowledge: [.agent, .centerSupervisor, .unitHandler, .unitAdmin, .kbEditor, .admin, .auditor, .linkedSystem],
        .readKnowledgeDrafts: [.kbEditor, .admin, .auditor],
        .verifyUnitKnowledge: [.admin],
        .viewAuditLog: [.admin, .auditor],
        .integrate: [.integrationClient, .linkedSystem],
        .searchTickets: [.agent, .centerSupervisor, .unitHandler, .unitAdmin, .kbEditor, .admin, .auditor, .integrationClient, .linkedSystem],
        .importTickets: [.admin],
        .viewAssessment: [.centerSupervisor, .admin, .auditor, .leader],
        .viewAnalysis: [.centerSupervisor, .admin, .auditor, .leader],
        .handleWarnings: [.centerSupervisor],
        .exportTickets: [.centerSupervisor, .admin, .auditor],
        .manageAssessment: [.admin],
        .decideAppeals: [.centerSupervisor],
        .appealAssessment: [.unitHandler, .unitAdmin],
        .useStaffPages: [.agent, .centerSupervisor, .unitHandler, .unitAdmin, .kbEditor, .admin, .auditor, .leader],
    ]

    @Test(arguments: Permission.allCases)
    func rolesHolding(_ permission: Permission) {
        #expect(Role.holding(permission) == Self.spec[permission], "\(permission)")
    }

    @Test func systemAdministersButNeverActsForOrSeesACitizen() {
        #expect(Actor.system.may(.manageOrganisation))
        #expect(!Actor.system.may(.revealIdentity))
        #expect(!Actor.system.may(.recordTickets))
        // The leader reads numbers, never a requester: no identity, no ticket search, no export.
        #expect(!Role.leader.may(.revealIdentity) && !Role.leader.may(.searchTickets) && !Role.leader.may(.exportTickets))
        #expect(Permission.allCases.allSatisfy { !Actor.citizen.may($0) })
    }

    @Test func assessmentIsReadByAssessorsAndByTheUnitItself() throws {
        let handler = Actor.user(id: 1, name: "承办", role: .unitHandler, unitId: 10, unitPath: [1, 10], centerId: 1)
        let supervisor = Actor.user(id: 2, name: "督办", role: .centerSupervisor, unitId: 1, unitPath: [1], centerId: 1)
        #expect((try? handler.requireSeesAssessment(ofUnit: 10)) != nil && (try? supervisor.requireSeesAssessment(ofUnit: 10)) != nil)
        #expect(throws: HotlineError.self) { try handler.requireSeesAssessment(ofUnit: 20) }
        #expect(handler.centerPath == [1] && Actor.user(id: 3, name: "x", role: .agent, unitId: 5, unitPath: [9, 5], centerId: 5).centerPath == [9, 5])
        #expect(Actor.system.centerPath == nil)
    }

    @Test func everyRoleHoldsItsMainWork() {
        #expect(Role.allCases.allSatisfy { $0.may($0.mainWork) })
    }

    @Test func refusalNamesWhatIsRefused() {
        let auditor = Actor.user(id: 1, name: "审计", role: .auditor, unitId: 1, unitPath: [1], centerId: 1)
        #expect(throws: HotlineError.forbidden("当前角色无权管理单位和用户 (your role may not manage units and users)")) {
            try auditor.require(.manageOrganisation)
        }
        #expect((try? auditor.require(.viewAuditLog)) != nil)
    }
}

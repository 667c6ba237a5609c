/// What an account may do. `Role.permissions` is the one table that grants them: route guards, menus, the
/// lifecycle's rules and the store's checks all read it, and no list of roles is written out anywhere else.
public enum Permission: String, CaseIterable, Sendable {
    /// 登记工单: record new tickets.
    case recordTickets
    /// 受理派单: screen online submissions, accept, refuse, answer on contact, dispatch, merge duplicates.
    case dispatchTickets
    /// 中心审核督办: review replies, arbitrate returns, decide extensions, close, supervise, mark difficult.
    case superviseTickets
    /// 承办: sign, reply, sub-dispatch, ask for a return or an extension, give co-unit input.
    case handleTickets
    /// 回访: record the citizen's evaluation.
    case recordCallbacks
    /// See every ticket of the own center (others see their unit's subtree only).
    case seeWholeCenter
    /// 查看身份: reveal a requester's identity (every reveal is audited).
    case revealIdentity
    /// 工单查询: search and read tickets within the data scope.
    case searchTickets
    /// 单位与用户: create, enable and disable units and accounts, reset passwords.
    case manageOrganisation
    /// 基础数据: categories, SLA policies, the working calendar, the gazetteer, routing rules.
    case manageReferenceData
    /// 对接密钥: issue and revoke integration keys.
    case manageIntegrations
    /// 模型: train classifiers and roll back to another version.
    case manageModels
    /// See classifier versions and their measurements.
    case viewModels
    /// See accounts.
    case viewUsers
    /// 知识库编辑: write, revise, send for verification, archive entries, edit synonyms.
    case editKnowledge
    /// 知识库: search and read the knowledge base, report errors.
    case useKnowledge
    /// Read every entry's working copy and history, not only what is live.
    case readKnowledgeDrafts
    /// 核校: verify the entries every unit writes about its own matters (a unit's staff verify their own unit's).
    case verifyUnitKnowledge
    /// 审计: the audit log, identity-reveal records, chain verification.
    case viewAuditLog
    /// 考核: see units' assessment, rankings and the tickets behind each number.
    case viewAssessment
    /// 考核管理: edit the indicator scheme and publish a period's results.
    case manageAssessment
    /// 申诉审核: approve or deny a unit's appeal against an assessment count.
    case decideAppeals
    /// 考核申诉: see the own unit's assessment and appeal a count against it.
    case appealAssessment
    /// 数据分析: volumes, trends, hotspots, early warnings, reports and the dashboard (numbers, never identities).
    case viewAnalysis
    /// 预警处置: acknowledge early warnings and supervise a hotspot's tickets together.
    case handleWarnings
    /// 导出: download ticket lists as CSV or Excel (identity left out). Tables of numbers download with the right to read
    /// them (`viewAnalysis`, `viewAssessment`).
    case exportTickets
    /// Import a city's past tickets.
    case importTickets
    /// 工作台: sign in to the staff pages (integration accounts use the API only).
    case useStaffPages
    /// 对接系统: sign in with an integration key (no pages).
    case integrate
}

extension Role {
    /// The grants of each role (DESIGN.md §1).
    public var permissions: Set<Permission> {
        Self.table[self] ?? []
    }

    /// Every role's grants, built once: guards ask on every request.
    private static let table: [Role: Set<Permission>] = Dictionary(uniqueKeysWithValues: allCases.map { role in
        (role, role.grants.contains(.integrate) ? role.grants : role.grants.union([.useStaffPages]))
    })

    private var grants: Set<Permission> {
        switch self {
        case .agent:
            [.recordTickets, .dispatchTickets, .recordCallbacks, .seeWholeCenter, .revealIdentity, .searchTickets, .useKnowledge]
        case .centerSupervisor:
            [.recordTickets, .dispatchTickets, .superviseTickets, .recordCallbacks, .seeWholeCenter, .revealIdentity, .searchTickets, .useKnowledge,
             .viewModels, .viewAssessment, .decideAppeals, .viewAnalysis, .handleWarnings, .exportTickets]
        case .unitHandler, .unitAdmin:
            [.handleTickets, .revealIdentity, .searchTickets, .useKnowledge, .appealAssessment]
        case .leader:
            [.seeWholeCenter, .viewAnalysis, .viewAssessment]
        case .kbEditor:
            [.editKnowledge, .useKnowledge, .readKnowledgeDrafts, .searchTickets]
        case .admin:
            [.seeWholeCenter, .searchTickets, .manageOrganisation, .manageReferenceData, .manageIntegrations, .manageModels, .viewModels,
             .viewUsers, .editKnowledge, .useKnowledge, .readKnowledgeDrafts, .verifyUnitKnowledge, .viewAuditLog, .importTickets,
             .viewAssessment, .manageAssessment, .viewAnalysis, .exportTickets]
        case .auditor:
            [.seeWholeCenter, .searchTickets, .viewModels, .viewUsers, .useKnowledge, .readKnowledgeDrafts, .viewAuditLog, .viewAssessment,
             .viewAnalysis, .exportTickets]
        case .integrationClient:
            [.recordTickets, .seeWholeCenter, .searchTickets, .integrate]
        case .linkedSystem:
            [.recordTickets, .handleTickets, .revealIdentity, .searchTickets, .useKnowledge, .integrate]
        }
    }

    /// The work a role's day starts with: its menu shows this first and signing in lands there.
    public var mainWork: Permission {
        switch self {
        case .agent: .recordTickets
        case .centerSupervisor: .superviseTickets
        case .unitHandler, .unitAdmin: .handleTickets
        case .kbEditor: .useKnowledge
        case .admin: .manageOrganisation
        case .auditor: .searchTickets
        case .leader: .viewAnalysis
        case .integrationClient, .linkedSystem: .integrate
        }
    }

    /// Whether this role holds `permission`.
    public func may(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// The roles that hold `permission`.
    public static func holding(_ permission: Permission) -> Set<Role> {
        Set(allCases.filter { $0.may(permission) })
    }
}

extension Actor {
    /// What the command line and background work may do: everything that administers the platform, nothing that
    /// acts on a citizen's behalf or reads a citizen's identity.
    static let systemPermissions: Set<Permission> = [
        .seeWholeCenter, .searchTickets, .manageOrganisation, .manageReferenceData, .manageIntegrations, .manageModels, .viewModels,
        .viewUsers, .editKnowledge, .useKnowledge, .viewAuditLog, .importTickets, .viewAssessment, .viewAnalysis, .exportTickets,
    ]

    /// Whether this actor holds `permission`.
    public func may(_ permission: Permission) -> Bool {
        switch kind {
        case .user: role?.may(permission) ?? false
        case .system: Self.systemPermissions.contains(permission)
        case .citizen: false
        }
    }

    /// This actor if it may record a ticket for center `centerId`: a citizen (the portal, the public API) or an
    /// account holding `recordTickets` at that center; else a 403.
    @discardableResult
    public func requireRecords(forCenter centerId: Int64) throws -> Actor {
        guard kind == .citizen else { return try require(.recordTickets).requireActs(forCenter: centerId) }
        return self
    }

    /// This actor if it may read `unitId`'s assessment: the center's assessors any unit's, a unit's own staff (who
    /// may appeal) their own; else a 403.
    @discardableResult
    public func requireSeesAssessment(ofUnit unitId: Int64) throws -> Actor {
        if may(.appealAssessment) && self.unitId == unitId { return self }
        return try require(.viewAssessment)
    }

    /// This actor, or a 403 naming what it may not do.
    @discardableResult
    public func require(_ permission: Permission) throws -> Actor {
        guard may(permission) else {
            throw HotlineError.forbidden("当前角色无权\(permission.label) (your role may not \(permission.englishLabel))")
        }
        return self
    }
}

extension Permission: Labelled {
    public var label: String {
        switch self {
        case .recordTickets: "登记工单"
        case .dispatchTickets: "受理派单"
        case .superviseTickets: "审核督办"
        case .handleTickets: "承办工单"
        case .recordCallbacks: "回访"
        case .seeWholeCenter: "查看全中心工单"
        case .revealIdentity: "查看诉求人身份"
        case .searchTickets: "查询工单"
        case .manageOrganisation: "管理单位和用户"
        case .manageReferenceData: "管理基础数据"
        case .manageIntegrations: "管理对接密钥"
        case .manageModels: "管理模型"
        case .viewModels: "查看模型"
        case .viewUsers: "查看用户"
        case .editKnowledge: "编辑知识库"
        case .useKnowledge: "使用知识库"
        case .readKnowledgeDrafts: "查看知识草稿"
        case .verifyUnitKnowledge: "核校各单位知识"
        case .viewAuditLog: "查看审计日志"
        case .viewAnalysis: "查看数据分析"
        case .handleWarnings: "处置预警"
        case .exportTickets: "导出数据"
        case .importTickets: "导入历史工单"
        case .viewAssessment: "查看考核"
        case .manageAssessment: "管理考核"
        case .decideAppeals: "审核考核申诉"
        case .appealAssessment: "提出考核申诉"
        case .useStaffPages: "登录工作台"
        case .integrate: "系统对接"
        }
    }

    public var englishLabel: String {
        switch self {
        case .recordTickets: "record tickets"
        case .dispatchTickets: "accept and dispatch tickets"
        case .superviseTickets: "review and supervise"
        case .handleTickets: "handle tickets"
        case .recordCallbacks: "record callbacks"
        case .seeWholeCenter: "see the whole center"
        case .revealIdentity: "reveal identity"
        case .searchTickets: "search tickets"
        case .manageOrganisation: "manage units and users"
        case .manageReferenceData: "manage reference data"
        case .manageIntegrations: "manage integration keys"
        case .manageModels: "manage models"
        case .viewModels: "view models"
        case .viewUsers: "view users"
        case .editKnowledge: "edit the knowledge base"
        case .useKnowledge: "use the knowledge base"
        case .readKnowledgeDrafts: "read knowledge drafts"
        case .verifyUnitKnowledge: "verify every unit's knowledge"
        case .viewAuditLog: "view the audit log"
        case .viewAnalysis: "view the analysis"
        case .handleWarnings: "handle warnings"
        case .exportTickets: "export data"
        case .importTickets: "import tickets"
        case .viewAssessment: "view the assessment"
        case .manageAssessment: "manage the assessment"
        case .decideAppeals: "decide assessment appeals"
        case .appealAssessment: "appeal an assessment count"
        case .useStaffPages: "sign in to the staff pages"
        case .integrate: "integrate"
        }
    }
}

/// An action as a client asks for it: a code and loose parameters, checked and turned into a `TicketAction`.
public struct ActionInput: Sendable, Equatable {
    public var code: ActionCode
    public var note: String?
    public var reasonCode: RejectReason?
    public var mainUnitId: Int64?
    public var coUnitIds: [Int64]
    public var unitId: Int64?
    public var days: Int?
    public var progress: String?
    public var approve: Bool?
    public var satisfaction: Satisfaction?
    public var resolved: Bool?
    public var reasonable: Bool?
    public var targetTicketId: Int64?
    public var level: SupervisionLevel?
    public var method: SupervisionMethod?

    public init(code: ActionCode, note: String? = nil, reasonCode: RejectReason? = nil, mainUnitId: Int64? = nil, coUnitIds: [Int64] = [],
                unitId: Int64? = nil, days: Int? = nil, progress: String? = nil, approve: Bool? = nil, satisfaction: Satisfaction? = nil,
                resolved: Bool? = nil, reasonable: Bool? = nil, targetTicketId: Int64? = nil, level: SupervisionLevel? = nil,
                method: SupervisionMethod? = nil) {
        self.code = code
        self.note = note
        self.reasonCode = reasonCode
        self.mainUnitId = mainUnitId
        self.coUnitIds = coUnitIds
        self.unitId = unitId
        self.days = days
        self.progress = progress
        self.approve = approve
        self.satisfaction = satisfaction
        self.resolved = resolved
        self.reasonable = reasonable
        self.targetTicketId = targetTicketId
        self.level = level
        self.method = method
    }

    /// The unit ids this input names, which the caller must look up.
    public var unitIds: [Int64] {
        ([mainUnitId, unitId].compactMap { $0 }) + coUnitIds
    }

    /// The typed action; a 400 error names the first missing or wrong parameter.
    public func action(units: [Int64: UnitRef]) throws -> TicketAction {
        let text = note ?? ""
        func unit(_ id: Int64?, _ field: String) throws -> UnitRef {
            guard let id else { throw HotlineError.invalid(field, "必填 (required)") }
            guard let found = units[id] else { throw HotlineError(.unknownUnit, "单位\(id)不存在 (no unit \(id))") }
            return found
        }
        func need<T>(_ value: T?, _ field: String) throws -> T {
            guard let value else { throw HotlineError.invalid(field, "必填 (required)") }
            return value
        }
        switch code {
        case .accept: return .accept
        case .reject: return .reject(try need(reasonCode, "reasonCode"), note: text)
        case .answerOnContact: return .answerOnContact(answer: try need(note, "note"))
        case .dispatch:
            guard coUnitIds.count <= 10 else { throw HotlineError.invalid("coUnitIds", "协办单位最多10个 (at most 10)") }
            return .dispatch(main: try unit(mainUnitId, "mainUnitId"), co: try coUnitIds.map { try unit($0, "coUnitIds") }, note: text)
        case .sign: return .sign
        case .contactRequester: return .contactRequester(note: text)
        case .subDispatch: return .subDispatch(to: try unit(unitId, "unitId"))
        case .coInput: return .coInput(text: try need(note, "note"))
        case .requestReturn: return .requestReturn(reason: try need(note, "note"))
        case .arbitrateReturn: return .arbitrateReturn(approve: try need(approve, "approve"), note: text)
        case .requestExtension:
            return .requestExtension(days: try need(days, "days"), reason: try need(note, "note"), progress: try need(progress, "progress"))
        case .decideExtension: return .decideExtension(approve: try need(approve, "approve"), note: text)
        case .reply: return .reply(content: try need(note, "note"))
        case .review: return .review(approve: try need(approve, "approve"), note: text)
        case .evaluate:
            let satisfaction = try need(satisfaction, "satisfaction")
            return .evaluate(satisfaction: satisfaction, resolved: try need(resolved, "resolved"),
                             reasonable: reasonable ?? (satisfaction == .dissatisfied), comment: text)
        case .close: return .close(note: text)
        case .merge: return .merge(into: try need(targetTicketId, "targetTicketId"), note: text)
        case .markUnreasonableRepeat: return .markUnreasonableRepeat(note: try need(note, "note"))
        case .supervise:
            guard method != .automatic else {
                throw HotlineError.invalid("method", "系统自动督办不能手工发起 (automatic supervision is the system's)")
            }
            return .supervise(level: level ?? .center, method: method ?? .phone, note: try need(note, "note"))
        case .markDifficult: return .markDifficult(note: try need(note, "note"))
        case .create, .mergedFrom, .revealIdentity, .markDueSoon, .markOverdue, .markSignOverdue, .publishAssessment, .appealAssessment, .decideAppeal, .raiseWarning,
             .acknowledgeWarning, .changeSubscription, .escalateTo110, .police110Acknowledge, .police110Feedback, .markPolice110Late, .syncFromCity, .upstreamSupervision, .auditCheckpoint, .rotateAuditKey:
            throw HotlineError.invalid("action", "不能通过此接口执行\(code.label) (not a client action)")
        }
    }
}

/// Who is acting: a signed-in user, an integration, the system itself, or a citizen with a query code.
public struct Actor: Sendable, Hashable {
    /// The kinds of actor.
    public enum Kind: String, Sendable {
        case user, system, citizen
    }

    public let kind: Kind
    public let userId: Int64?
    public let name: String
    public let role: Role?
    public let unitId: Int64?
    /// Unit ids from the root to the actor's unit, the unit itself last.
    public let unitPath: [Int64]
    /// The hotline center whose tickets this actor belongs to.
    public let centerId: Int64?

    public init(kind: Kind, userId: Int64?, name: String, role: Role?, unitId: Int64?, unitPath: [Int64], centerId: Int64?) {
        self.kind = kind
        self.userId = userId
        self.name = name
        self.role = role
        self.unitId = unitId
        self.unitPath = unitPath
        self.centerId = centerId
    }

    /// A signed-in user.
    public static func user(id: Int64, name: String, role: Role, unitId: Int64, unitPath: [Int64], centerId: Int64?) -> Actor {
        Actor(kind: .user, userId: id, name: name, role: role, unitId: unitId, unitPath: unitPath, centerId: centerId)
    }

    /// The deadline scanner and other background work.
    public static let system = Actor(kind: .system, userId: nil, name: "系统", role: nil, unitId: nil, unitPath: [], centerId: nil)

    /// A citizen proving ownership with the ticket's query code.
    public static let citizen = Actor(kind: .citizen, userId: nil, name: "诉求人", role: nil, unitId: nil, unitPath: [], centerId: nil)

    /// Unit ids from the root to the actor's center, the center last: its tree is what the actor administers or, with
    /// `seeWholeCenter`, sees. Nil outside every center.
    public var centerPath: [Int64]? {
        guard let centerId, let index = unitPath.firstIndex(of: centerId) else { return nil }
        return Array(unitPath[...index])
    }

    /// Whether this actor may act on what center `centerId` keeps for itself: its own center, or any for the system.
    public func acts(forCenter centerId: Int64) -> Bool {
        kind == .system || (kind == .user && self.centerId == centerId)
    }

    /// This actor, or a 403 when `centerId` is another center's.
    @discardableResult
    public func requireActs(forCenter centerId: Int64) throws -> Actor {
        guard acts(forCenter: centerId) else { throw HotlineError.forbidden("不能操作其他热线中心的数据 (another center's data)") }
        return self
    }

    /// The actor's center, for what each center keeps for itself (models, synonyms): an account outside every
    /// center may not touch those.
    public func requireCenter() throws -> Int64 {
        guard let centerId else { throw HotlineError.forbidden("账号不属于任何热线中心 (your account belongs to no center)") }
        return centerId
    }

    /// Whether a ticket held by `unitPath` lies within this actor's own unit subtree.
    public func covers(unitPath other: [Int64]) -> Bool {
        guard let unitId else { return false }
        return other.contains(unitId)
    }
}

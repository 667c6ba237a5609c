import Foundation
import HotlineCore

/// A unit of the organisation tree.
public struct OrgUnit: Sendable, Hashable, Codable {
    public var id: Int64
    public var parentId: Int64?
    public var name: String
    public var kind: UnitKind
    public var code: String?
    public var regionCode: String?
    /// Unit ids from the root to this unit, itself last.
    public var path: [Int64]
    public var centerId: Int64?
    public var active: Bool
    /// 考核分组: the group the unit is ranked in; nil for the group of its kind.
    public var assessmentGroup: String? = nil

    /// What the lifecycle and the assessment need to know of it.
    public var ref: UnitRef { UnitRef(id: id, name: name, kind: kind, path: path, centerId: centerId, active: active, group: assessmentGroup) }

    /// `/1/5/17/`: the form kept in SQL so that a subtree is one prefix match.
    var pathText: String { OrgUnit.pathText(path) }

    static func pathText(_ path: [Int64]) -> String { "/" + path.map { String($0) }.joined(separator: "/") + "/" }

    static func parsePath(_ text: String) -> [Int64] { text.split(separator: "/").compactMap { Int64($0) } }
}

/// A user account.
public struct User: Sendable, Hashable, Codable {
    public var id: Int64
    public var username: String
    public var displayName: String
    public var role: Role
    public var unitId: Int64
    public var active: Bool

    public init(id: Int64, username: String, displayName: String, role: Role, unitId: Int64, active: Bool) {
        self.id = id
        self.username = username
        self.displayName = displayName
        self.role = role
        self.unitId = unitId
        self.active = active
    }
}

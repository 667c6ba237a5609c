import Foundation
import HotlineCore
import HotlineStore

/// A small city for tests: a center with two departments (one with a section), a district, and another city's center.
public struct TestCity: Sendable {
    public let center: OrgUnit
    public let housing: OrgUnit
    public let section: OrgUnit
    public let transport: OrgUnit
    public let district: OrgUnit
    public let otherCenter: OrgUnit
    public let otherDepartment: OrgUnit

    public let agent: Actor
    public let supervisor: Actor
    public let housingHandler: Actor
    public let housingHandler2: Actor
    public let sectionHandler: Actor
    public let transportHandler: Actor
    public let districtHandler: Actor
    public let auditor: Actor
    public let admin: Actor
    public let otherAgent: Actor
    /// The neighbouring center's administrator: holds every admin permission, for another tree.
    public let otherAdmin: Actor
    public let otherHandler: Actor
    /// 领导: the center's director, reading numbers only.
    public let leader: Actor

    public static let password = "Test-password-1"

    public static func make(_ store: Store) async throws -> TestCity {
        let center = try await store.createUnit(name: "测试市12345热线中心", kind: .center, parentId: nil, by: .system)
        let housing = try await store.createUnit(name: "市住建局", kind: .department, parentId: center.id, by: .system)
        let section = try await store.createUnit(name: "住建局物业科", kind: .department, parentId: housing.id, by: .system)
        let transport = try await store.createUnit(name: "市交通局", kind: .department, parentId: center.id, by: .system)
        let district = try await store.createUnit(name: "东湖区", kind: .district, parentId: center.id, by: .system)
        let otherCenter = try await store.createUnit(name: "邻市12345热线中心", kind: .center, parentId: nil, by: .system)
        let otherDepartment = try await store.createUnit(name: "邻市住建局", kind: .department, parentId: otherCenter.id, by: .system)
        func user(_ name: String, _ role: Role, _ unit: OrgUnit) async throws -> Actor {
            let user = try await store.createUser(username: name, displayName: name, password: password, role: role, unitId: unit.id, by: .system)
            return Actor.user(id: user.id, name: name, role: role, unitId: unit.id, unitPath: unit.path, centerId: unit.centerId)
        }
        return TestCity(
            center: center, housing: housing, section: section, transport: transport, district: district, otherCenter: otherCenter,
            otherDepartment: otherDepartment,
            agent: try await user("agent", .agent, center), supervisor: try await user("supervisor", .centerSupervisor, center),
            housingHandler: try await user("housing", .unitHandler, housing), housingHandler2: try await user("housing2", .unitHandler, housing),
            sectionHandler: try await user("section", .unitHandler, section), transportHandler: try await user("transport", .unitHandler, transport),
            districtHandler: try await user("district", .unitHandler, district), auditor: try await user("auditor", .auditor, center),
            admin: try await user("admin", .admin, center), otherAgent: try await user("other-agent", .agent, otherCenter),
            otherAdmin: try await user("other-admin", .admin, otherCenter),
            otherHandler: try await user("other-housing", .unitHandler, otherDepartment), leader: try await user("leader", .leader, center))
    }

    /// A typical phone complaint.
    public static func draft(title: String = "小区路灯不亮", phone: String = "13812341234", channel: Channel = .phone,
                             confidential: Bool = false) -> TicketDraft {
        TicketDraft(channel: channel, type: .complaint, title: title, content: "滨江花园北门路灯连续一周不亮，夜间出行不安全。",
                    categoryCode: "030599", location: Location(address: "东湖区滨江花园"),
                    requester: Requester(name: "王小明", phone: phone, idNumber: "11010519491231002X"), confidential: confidential)
    }
}

extension UnitResult {
    /// The same values (to 1e-9: sums of working days may add in another order) and score — how the rollup's results
    /// are compared with those folded from the histories.
    public func isAlike(_ other: UnitResult) -> Bool {
        func near(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): true
            case let (x?, y?): abs(x - y) < 1e-9
            default: false
            }
        }
        return unitId == other.unitId && hasTickets == other.hasTickets && near(score, other.score) && values.count == other.values.count
            && zip(values, other.values).allSatisfy { x, y in
                x.code == y.code && near(x.numerator, y.numerator) && near(x.denominator, y.denominator) && near(x.value, y.value) && near(x.points, y.points)
            }
    }
}

import Foundation

@testable import HotlineCore

/// A small organisation: center 1, main unit 10 with child 11, co-unit 20, another department 30.
enum Org {
    static let center = UnitRef(id: 1, name: "热线中心", kind: .center, path: [1], centerId: 1)
    static let main = UnitRef(id: 10, name: "住建局", kind: .department, path: [1, 10], centerId: 1)
    static let child = UnitRef(id: 11, name: "住建局房管科", kind: .department, path: [1, 10, 11], centerId: 1)
    static let co = UnitRef(id: 20, name: "东湖区", kind: .district, path: [1, 20], centerId: 1)
    static let other = UnitRef(id: 30, name: "交通局", kind: .department, path: [1, 30], centerId: 1)
    static let foreign = UnitRef(id: 70, name: "外市交通局", kind: .department, path: [60, 70], centerId: 60)

    static func user(_ role: Role, at unit: UnitRef = center, id: Int64 = 100) -> Actor {
        Actor.user(id: id, name: role.label, role: role, unitId: unit.id, unitPath: unit.path, centerId: unit.centerId)
    }

    static let agent = user(.agent, id: 1)
    static let supervisor = user(.centerSupervisor, id: 2)
    static let handler = user(.unitHandler, at: main, id: 3)
    static let childHandler = user(.unitHandler, at: child, id: 4)
    static let coHandler = user(.unitHandler, at: co, id: 5)
    static let otherHandler = user(.unitHandler, at: other, id: 6)

    /// A ticket in `status`, held by the main unit with a co-unit, as if it had got there normally.
    static func ticket(_ status: TicketStatus, pendingExtension: Int? = nil) -> TicketState {
        var t = TicketState(id: 7, centerId: 1, status: status, type: .complaint, urgency: .normal, channel: .phone, categoryCode: "030599")
        if ![.screening, .accepted, .rejected].contains(status) {
            t.mainUnitId = 10
            t.handlingUnitId = 10
            t.responsibleUnitIds = [10]
            t.coUnitIds = [20]
            t.dispatchedAt = shanghai("2026-11-23 09:00")
            t.signDueAt = shanghai("2026-11-23 11:00")
            t.replyDueAt = shanghai("2026-11-30 17:30")
            t.dueSoonAt = shanghai("2026-11-28 12:00")
        }
        if status == .returnRequested { t.resumeStatus = .inProgress }
        t.pendingExtensionDays = pendingExtension
        return t
    }
}

let lifecycle = Lifecycle(planner: DeadlinePlanner(calendar: .china, policies: SLAPolicy.defaults))
let monday = shanghai("2026-11-23 10:00")

/// Applies `steps` to `ticket` one hour apart from `start`, as the lifecycle scenario tests walk a ticket.
func run(_ ticket: TicketState, _ steps: [(TicketAction, Actor)], at start: Date = monday) throws -> TicketState {
    var t = ticket
    var now = start
    for (action, actor) in steps {
        t = try lifecycle.apply(action, to: t, by: actor, at: now).ticket
        now = now.addingTimeInterval(3600)
    }
    return t
}

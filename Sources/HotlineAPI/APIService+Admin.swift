import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

extension APIService {
    func listUnits(_ input: Operations.ListUnits.Input) async throws -> Operations.ListUnits.Output {
        let actor = try RequestIdentity.require()
        return .ok(.init(body: .json(try await store.units(visibleTo: actor).map(Components.Schemas.OrgUnit.init))))
    }

    func createUnit(_ input: Operations.CreateUnit.Input) async throws -> Operations.CreateUnit.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        return .created(.init(body: .json(.init(try await store.createUnit(
            name: body.name, kind: try domain(body.kind), parentId: body.parentId, code: body.code, regionCode: body.regionCode,
            by: try RequestIdentity.require())))))
    }

    func updateUnit(_ input: Operations.UpdateUnit.Input) async throws -> Operations.UpdateUnit.Output {
        guard case .json(let change) = input.body else { throw Self.jsonRequired }
        try await setActive(change, input.path.id, store.setUnitActive)
        return .noContent(.init())
    }

    /// Enables or disables a unit or an account (`PATCH … {active}`), by the signed-in administrator.
    func setActive(_ change: Components.Schemas.ActiveUpdate, _ id: Int64,
                   _ write: (Int64, Bool, Actor) async throws -> Void) async throws {
        try await write(id, change.active, try RequestIdentity.require())
    }

    func listUsers(_ input: Operations.ListUsers.Input) async throws -> Operations.ListUsers.Output {
        let actor = try RequestIdentity.require(.viewUsers)
        return .ok(.init(body: .json(try await store.users(visibleTo: actor).map(Components.Schemas.User.init))))
    }

    func createUser(_ input: Operations.CreateUser.Input) async throws -> Operations.CreateUser.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        return .created(.init(body: .json(.init(try await store.createUser(
            username: body.username, displayName: body.displayName, password: body.password, role: try domain(body.role), unitId: body.unitId,
            by: try RequestIdentity.require())))))
    }

    func updateUser(_ input: Operations.UpdateUser.Input) async throws -> Operations.UpdateUser.Output {
        guard case .json(let change) = input.body else { throw Self.jsonRequired }
        try await setActive(change, input.path.id, store.setUserActive)
        return .noContent(.init())
    }

    func resetPassword(_ input: Operations.ResetPassword.Input) async throws -> Operations.ResetPassword.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        try await store.resetPassword(userId: input.path.id, password: body.password, by: try RequestIdentity.require())
        return .noContent(.init())
    }

    func listSignIns(_ input: Operations.ListSignIns.Input) async throws -> Operations.ListSignIns.Output {
        let list = try await store.signIns(userId: input.path.id, by: try RequestIdentity.require())
        return .ok(.init(body: .json(list.map {
            .init(at: $0.at, address: $0.address, result: .init(rawValue: $0.result.rawValue) ?? .badPassword, resultLabel: $0.result.label)
        })))
    }

    func removeSecondFactor(_ input: Operations.RemoveSecondFactor.Input) async throws -> Operations.RemoveSecondFactor.Output {
        try await store.removeSecondFactor(userId: input.path.id, code: nil, by: try RequestIdentity.require())
        return .noContent(.init())
    }

    func createAPIKey(_ input: Operations.CreateAPIKey.Input) async throws -> Operations.CreateAPIKey.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let key = try await store.createAPIKey(userId: input.path.id, name: body.name, by: try RequestIdentity.require())
        return .created(.init(body: .json(.init(key: key))))
    }

    func listCategories(_ input: Operations.ListCategories.Input) async throws -> Operations.ListCategories.Output {
        _ = try RequestIdentity.require()
        return .ok(.init(body: .json(try await store.categories().map {
            .init(code: $0.code, name: $0.name, level: $0.level, parentCode: $0.parentCode, description: $0.description)
        })))
    }

    func listSLAPolicies(_ input: Operations.ListSLAPolicies.Input) async throws -> Operations.ListSLAPolicies.Output {
        _ = try RequestIdentity.require()
        return .ok(.init(body: .json(try await store.slaPolicies().map(Components.Schemas.SLAPolicy.init))))
    }

    func createSLAPolicy(_ input: Operations.CreateSLAPolicy.Input) async throws -> Operations.CreateSLAPolicy.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        return .created(.init(body: .json(.init(try await store.saveSLAPolicy(try body.domainPolicy(id: 0), by: try RequestIdentity.require())))))
    }

    func updateSLAPolicy(_ input: Operations.UpdateSLAPolicy.Input) async throws -> Operations.UpdateSLAPolicy.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard input.path.id > 0 else { throw HotlineError.notFound("时限策略") }
        let saved = try await store.saveSLAPolicy(try body.domainPolicy(id: input.path.id), by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(saved))))
    }

    func deleteSLAPolicy(_ input: Operations.DeleteSLAPolicy.Input) async throws -> Operations.DeleteSLAPolicy.Output {
        try await store.deleteSLAPolicy(id: input.path.id, by: try RequestIdentity.require())
        return .noContent(.init())
    }

    func getCalendar(_ input: Operations.GetCalendar.Input) async throws -> Operations.GetCalendar.Output {
        _ = try RequestIdentity.require()
        let year = input.path.year
        guard (2000...2100).contains(year) else { throw HotlineError.invalid("year", "年份须在2000到2100之间") }
        let calendar = try await store.calendar()
        return .ok(.init(body: .json(.init(
            year: year, days: calendar.recordedDays(in: year).map(Components.Schemas.CalendarDay.init),
            exceptions: calendar.exceptions(in: year).map(Components.Schemas.CalendarDay.init)))))
    }

    func setCalendarDay(_ input: Operations.SetCalendarDay.Input) async throws -> Operations.SetCalendarDay.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let day = CalendarDay(date: try Self.date(input.path.date), kind: try domain(body.kind), name: body.name)
        try await store.setCalendarDay(day, by: try RequestIdentity.require())
        return .noContent(.init())
    }

    func deleteCalendarDay(_ input: Operations.DeleteCalendarDay.Input) async throws -> Operations.DeleteCalendarDay.Output {
        try await store.removeCalendarDay(try Self.date(input.path.date), by: try RequestIdentity.require())
        return .noContent(.init())
    }

    /// A day of the calendar from a path, or 400.
    static func date(_ text: String) throws -> CivilDate {
        guard let date = CivilDate(text) else { throw HotlineError.invalid("date", "日期格式须为YYYY-MM-DD") }
        return date
    }
}

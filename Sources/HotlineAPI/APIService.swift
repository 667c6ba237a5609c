import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

/// The JSON API: each handler checks who is asking, calls the store, and maps the answer.
struct APIService: APIProtocol {
    let store: Store
    let clock: WallClock
    let advisor: Advisor
    /// The center whose public knowledge `/public/kb` answers from when the caller names none (`portal.centerId`).
    var portalCenterId: Int64? = nil
    /// Knowledge searches per client and minute on `/public/kb` (`portal.searchesPerMinute`), counted with the portal's.
    var publicSearchesPerMinute = 60

    /// A request without its JSON body.
    static let jsonRequired = HotlineError.invalid("body", "需要JSON (a JSON body is required)")

    func login(_ input: Operations.Login.Input) async throws -> Operations.Login.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let session = try await store.login(username: body.username, password: body.password, otp: body.otp, client: RequestIdentity.client)
        return .ok(.init(body: .json(.init(token: session.token, expiresAt: session.expiresAt, user: .init(session.user)))))
    }

    func changePassword(_ input: Operations.ChangePassword.Input) async throws -> Operations.ChangePassword.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        try await store.changePassword(username: body.username, current: body.password, new: body.newPassword, client: RequestIdentity.client)
        return .noContent(.init())
    }

    func logout(_ input: Operations.Logout.Input) async throws -> Operations.Logout.Output {
        _ = try RequestIdentity.require()
        if let token = RequestIdentity.token { try await store.logout(token: token) }
        return .noContent(.init())
    }

    func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let actor = try RequestIdentity.require()
        guard let id = actor.userId, let role = actor.role, let unitId = actor.unitId else { throw HotlineError.unauthenticated }
        let user = HotlineStore.User(id: id, username: "", displayName: actor.name, role: role, unitId: unitId, active: true)
        let found = try await store.users(visibleTo: actor).first { $0.id == id } ?? user
        return .ok(.init(body: .json(.init(found))))
    }

    func listEnums(_ input: Operations.ListEnums.Input) async throws -> Operations.ListEnums.Output {
        func labels<T: Labelled>(_ type: T.Type) -> [Components.Schemas.Label] {
            T.allCases.map { .init(code: $0.rawValue, label: $0.label, englishLabel: $0.englishLabel) }
        }
        let all: [String: [Components.Schemas.Label]] = [
            "channel": labels(Channel.self), "ticketType": labels(TicketType.self), "urgency": labels(Urgency.self),
            "ticketStatus": labels(TicketStatus.self), "role": labels(Role.self), "unitKind": labels(UnitKind.self),
            "rejectReason": labels(RejectReason.self), "satisfaction": labels(Satisfaction.self),
            "supervisionLevel": labels(SupervisionLevel.self), "supervisionMethod": labels(SupervisionMethod.self),
            "action": labels(ActionCode.self), "deadlineUnit": labels(DeadlineUnit.self), "dueState": labels(DueState.self),
            "calendarDayKind": labels(CalendarDayKind.self), "workQueue": labels(WorkQueue.self), "permission": labels(Permission.self), "measure": labels(Measure.self),
        ]
        return .ok(.init(body: .json(.init(additionalProperties: all))))
    }
}

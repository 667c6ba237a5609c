import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("JSON API: organisation and reference data")
struct AdminAPITests {
    @Test("admins add units and users; other roles may not; a disabled user can no longer sign in", arguments: Backend.available)
    func organisation(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let admin = try await api.login("admin")
            let agent = try await api.login("agent")
            let unit = try await api.send(.post, "/api/v1/units", token: admin,
                                          json: ["name": "东湖区城管中队", "kind": "township", "parentId": .int(api.city.district.id)])
            #expect(unit.status == 201 && unit.json["kindLabel"] == "乡镇街道")
            let unitId = try #require(unit.json["id"].int)
            #expect(unit.json["path"].array.compactMap(\.int) == [api.city.center.id, api.city.district.id, unitId])
            #expect(try await api.send(.post, "/api/v1/units", token: agent, json: ["name": "x", "kind": "department"]).status == 403)
            #expect(try await api.send(.post, "/api/v1/units", token: admin,
                                       json: ["name": "越权", "kind": "department", "parentId": .int(api.city.otherCenter.id)]).status == 404)

            let user = try await api.send(.post, "/api/v1/users", token: admin, json: [
                "username": "chengguan", "displayName": "城管中队承办人", "password": "A-long-password-1", "role": "unitHandler",
                "unitId": .int(unitId),
            ])
            #expect(user.status == 201)
            let userId = try #require(user.json["id"].int)
            let duplicate = try await api.send(.post, "/api/v1/users", token: admin, json: [
                "username": "chengguan", "displayName": "重复", "password": "A-long-password-1", "role": "unitHandler", "unitId": .int(unitId),
            ])
            #expect(duplicate.status == 409)
            // An administrator chose the password: it must be changed before the account gets a token.
            let first = try await api.send(.post, "/api/v1/auth/login", json: ["username": "chengguan", "password": "A-long-password-1"])
            #expect(first.status == 403 && first.json["error"]["code"] == "password_change_required")
            let weak = try await api.send(.post, "/api/v1/auth/password", json: [
                "username": "chengguan", "password": "A-long-password-1", "newPassword": "chengguan-2026"])
            #expect(weak.status == 400 && weak.json["error"]["code"] == "weak_password")
            let same = try await api.send(.post, "/api/v1/auth/password", json: [
                "username": "chengguan", "password": "A-long-password-1", "newPassword": "A-long-password-1"])
            #expect(same.status == 400 && same.json["error"]["code"] == "reused_password")
            #expect(try await api.send(.post, "/api/v1/auth/password", json: [
                "username": "chengguan", "password": "A-long-password-1", "newPassword": "Street-lamp-77"]).status == 204)
            let login = try await api.send(.post, "/api/v1/auth/login", json: ["username": "chengguan", "password": "Street-lamp-77"])
            #expect(login.status == 200)
            #expect(try await api.send(.patch, "/api/v1/users/\(userId)", token: admin, json: ["active": false]).status == 204)
            #expect(try await api.send(.post, "/api/v1/auth/login", json: ["username": "chengguan", "password": "Street-lamp-77"]).status == 401)
            #expect(try await api.send(.get, "/api/v1/me", token: login.json["token"].string).status == 401)
            let users = try await api.send(.get, "/api/v1/users", token: admin).json.array
            // The vocabulary an integrator reads is the pages' one source, in both languages.
            let enums = try await api.send(.get, "/api/v1/enums", token: agent).json
            #expect(enums["action"].array.contains { $0["code"] == "close" && $0["label"] == "办结" && $0["englishLabel"] == "Close" })
            #expect(enums["workQueue"].array.contains { $0["code"] == "toSign" && $0["label"] == "待签收" })
            #expect(users.contains { $0["username"] == "chengguan" } && !users.contains { $0["username"] == "other-agent" })
        }
    }

    @Test("integration clients use API keys, as a bearer token or X-API-Key", arguments: Backend.available)
    func apiKeys(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let admin = try await api.login("admin")
            let police = try await api.send(.post, "/api/v1/users", token: admin, json: [
                "username": "police110", "displayName": "110联动", "password": "A-long-password-1", "role": "integrationClient",
                "unitId": .int(api.city.center.id),
            ])
            let policeId = try #require(police.json["id"].int)
            let key = try #require(try await api.send(.post, "/api/v1/users/\(policeId)/api-keys", token: admin, json: ["name": "110平台"]).json["key"].string)
            #expect(key.hasPrefix("hlk_"))
            let created = try await api.send(.post, "/api/v1/tickets", json: [
                "channel": "police110", "type": "help", "title": "非警务警情：噪音", "content": "楼上装修噪音持续", "urgency": "urgent",
            ], headers: ["X-API-Key": key])
            #expect(created.status == 201 && created.json["ticket"]["channel"] == "police110")
            #expect(try await api.send(.get, "/api/v1/tickets", token: key).json["items"].array.count == 1)
            let agent = try await api.login("agent")
            #expect(try await api.send(.post, "/api/v1/users/\(policeId)/api-keys", token: agent, json: ["name": "x"]).status == 403)
        }
    }

    @Test("categories, SLA policies and the calendar are data an admin edits", arguments: Backend.available)
    func referenceData(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let admin = try await api.login("admin")
            let agent = try await api.login("agent")
            let categories = try await api.send(.get, "/api/v1/categories", token: agent).json.array
            #expect(categories.count > 600 && categories.contains { $0["code"] == "030599" })
            let policies = try await api.send(.get, "/api/v1/sla-policies", token: agent).json.array
            #expect(policies.count == SLAPolicy.defaults.count)

            // A category policy: street lights (0305…) must be replied to within 2 working days.
            let policy = try await api.send(.post, "/api/v1/sla-policies", token: admin, json: [
                "name": "路灯维修", "categoryPrefix": "0305", "sign": ["amount": 1, "unit": "workingHours"],
                "reply": ["amount": 2, "unit": "workingDays"],
            ])
            #expect(policy.status == 201)
            #expect(try await api.send(.post, "/api/v1/sla-policies", token: agent, json: [
                "name": "x", "sign": ["amount": 1, "unit": "hours"], "reply": ["amount": 1, "unit": "hours"],
            ]).status == 403)
            let bad = try await api.send(.post, "/api/v1/sla-policies", token: admin, json: [
                "name": "x", "sign": ["amount": 0, "unit": "hours"], "reply": ["amount": 1, "unit": "hours"],
            ])
            #expect(bad.status == 400)

            // 2026-11-25 (Wednesday) becomes a day off: the deadline skips it.
            let holiday = try await api.send(.put, "/api/v1/calendar/days/2026-11-25", token: admin, json: ["kind": "holiday", "name": "测试假日"])
            #expect(holiday.status == 204)
            #expect(try await api.send(.put, "/api/v1/calendar/days/2026-02-30", token: admin, json: ["kind": "holiday", "name": "x"]).status == 400)
            let year = try await api.send(.get, "/api/v1/calendar/2026", token: agent)
            #expect(year.json["exceptions"].array.contains { $0["date"] == "2026-11-25" && $0["weekday"] == "周三" })
            let id = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            let dispatched = try await api.act(id, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            #expect(dispatched.json["deadlines"]["replyDueAt"] == "2026-11-26T09:30:00Z")
            #expect(dispatched.json["deadlines"]["signDueAt"] == "2026-11-23T03:00:00Z")
        }
    }
}

import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Sub-centers and Open311 through the API")
struct SubCenterTests {
    /// A sub-center under the test city's center and its system's account and key.
    static func subCenter(_ api: APIClient) async throws -> (OrgUnit, String) {
        let unit = try await api.t.store.createUnit(name: "12315分中心", kind: .subCenter, parentId: api.city.center.id, by: .system)
        let user = try await api.t.store.createUser(username: "sub12315", displayName: "12315系统", password: TestCity.password,
                                                    role: .linkedSystem, unitId: unit.id, by: .system)
        return (unit, try await api.t.store.createAPIKey(userId: user.id, name: "12315", by: api.city.admin))
    }

    @Test("a sub-center's own intake is its own work; what 12345 dispatches to it it pulls, signs and replies; nothing else is its",
          arguments: Backend.available)
    func subCenterWork(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let (unit, key) = try await Self.subCenter(api)
            let headers = ["X-API-Key": key]
            // Its own call: recorded through the API, dispatched to itself at once, so 12345 counts and supervises it.
            let own = try await api.send(.post, "/api/v1/tickets", json: [
                "channel": "phone", "type": "complaint", "title": "超市出售过期食品", "content": "在某超市买到过期酸奶，要求处理。",
                "requester": ["name": "王女士", "phone": "13800001111"],
            ], headers: headers)
            #expect(own.status == 201, "\(own.text)")
            #expect(own.json["ticket"]["status"] == "pendingSign" && own.json["ticket"]["mainUnitId"].int == unit.id, "\(own.text)")
            let ownId = try #require(own.json["ticket"]["id"].int)
            #expect(try await api.send(.post, "/api/v1/tickets/\(ownId)/actions", json: ["action": "sign"], headers: headers).status == 200)
            let replied = try await api.send(.post, "/api/v1/tickets/\(ownId)/actions", json: ["action": "reply", "note": "已责令下架并退款。"], headers: headers)
            #expect(replied.status == 200 && replied.json["status"] == "replied", "\(replied.text)")

            // 12345 dispatches a ticket to it; the sub-center's feed shows it, and it signs and replies through the API.
            let agent = try await api.login("agent")
            let dispatched = try #require(try await api.createTicket(token: agent, title: "网购商品质量投诉").json["ticket"]["id"].int)
            #expect(try await api.act(dispatched, token: agent, ["action": "dispatch", "mainUnitId": .int(unit.id)]).status == 200)
            let feed = try await api.send(.get, "/api/v1/changes?after=0", headers: headers)
            let seen = Set(feed.json["events"].array.compactMap { $0["ticketId"].int })
            #expect(seen == [ownId, dispatched], "\(feed.text)")
            #expect(try await api.send(.post, "/api/v1/tickets/\(dispatched)/actions", json: ["action": "sign"], headers: headers).status == 200)
            #expect(try await api.send(.post, "/api/v1/tickets/\(dispatched)/actions", json: ["action": "reply", "note": "已联系商家退货。"],
                                       headers: headers).json["status"] == "replied")

            // It may not dispatch to anyone else, nor see or touch another unit's ticket.
            let housing = try #require(try await api.createTicket(token: agent, title: "楼道灯坏").json["ticket"]["id"].int)
            #expect(try await api.act(housing, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)]).status == 200)
            #expect(try await api.send(.get, "/api/v1/tickets/\(housing)", headers: headers).status == 404)
            #expect(try await api.send(.post, "/api/v1/tickets/\(housing)/actions", json: ["action": "sign"], headers: headers).status == 404)
            let listed = try await api.send(.get, "/api/v1/tickets", headers: headers)
            #expect(Set(listed.json["items"].array.compactMap { $0["id"].int }) == [ownId, dispatched], "\(listed.text)")

            // 12345 reviews and supervises the sub-center's own intake like any ticket.
            let supervisor = try await api.login("supervisor")
            #expect(try await api.act(ownId, token: supervisor, ["action": "review", "approve": true]).json["status"] == "pendingCallback")
            // A sub-center may not keep its own intake from 12345 by dispatching it elsewhere.
            let second = try await api.send(.post, "/api/v1/tickets", json: ["channel": "walkIn", "type": "consultation", "title": "咨询", "content": "问"],
                                            headers: headers)
            #expect(second.json["ticket"]["status"] == "pendingSign")
            // No page for a system account: it signs in with its key only.
            #expect(Role.linkedSystem.may(.useStaffPages) == false && Role.linkedSystem.may(.dispatchTickets) == false)
        }
    }

    @Test("Open311: services, a request filed with an integration key in the screening queue, its public view, errors", arguments: Backend.available)
    func open311(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let user = try await api.t.store.createUser(username: "app311", displayName: "市民App", password: TestCity.password,
                                                        role: .integrationClient, unitId: api.city.center.id, by: .system)
            let key = try await api.t.store.createAPIKey(userId: user.id, name: "app", by: api.city.admin)
            let services = try await api.send(.get, "/open311/v2/services.json")
            #expect(services.status == 200 && services.headers[.contentType]?.hasPrefix("application/json") == true)
            let code = try #require(services.json.array.first?["service_code"].string)
            let xml = try await api.send(.get, "/open311/v2/services.xml")
            #expect(xml.text.hasPrefix("<?xml") && xml.text.contains("<service_code>\(code)</service_code>"))
            #expect(try await api.send(.get, "/open311/v2/services/\(code).json").json["service_code"].string == code)
            #expect(try await api.send(.get, "/open311/v2/services/nope.json").status == 404)

            let form = "api_key=\(key)&service_code=\(code)&lat=30.6&long=104.1&description=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE%EF%BC%8C%E7%94%B5%E8%AF%9D13812345678&first_name=%E6%98%8E&last_name=%E7%8E%8B&phone=13812345678"
            let posted = try await api.send(.post, "/open311/v2/requests.json", body: form,
                                            headers: ["Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": "o311-1"])
            #expect(posted.status == 200, "\(posted.text)")
            let id = try #require(posted.json.array.first?["service_request_id"].string)
            let again = try await api.send(.post, "/open311/v2/requests.json", body: form,
                                           headers: ["Content-Type": "application/x-www-form-urlencoded", "Idempotency-Key": "o311-1"])
            #expect(again.json.array.first?["service_request_id"].string == id)
            let agent = try await api.login("agent")
            let ticket = try await api.send(.get, "/api/v1/tickets?status=screening", token: agent)
            let mine = ticket.json["items"].array.filter { $0["number"].string == id }
            #expect(mine.count == 1 && mine.first?["channel"] == "open311", "\(ticket.text)")

            let view = try await api.send(.get, "/open311/v2/requests/\(id).json")
            #expect(view.status == 200 && view.json.array.first?["status"] == "open" && view.json.array.first?["lat"] == .number(30.6))
            #expect(!view.text.contains("13812345678") && !view.text.contains("王"), "\(view.text)")
            #expect(try await api.send(.get, "/open311/v2/tokens/\(id).xml").text.contains("<service_request_id>\(id)</service_request_id>"))
            let list = try await api.send(.get, "/open311/v2/requests.json?status=open&service_code=\(code)")
            #expect(list.json.array.map { $0["service_request_id"].string } == [id])
            #expect(try await api.send(.get, "/open311/v2/requests.json?status=closed").json.array.isEmpty)
            // A phone ticket is not published through Open311.
            let phone = try #require(try await api.createTicket(token: agent, title: "路灯").json["ticket"]["number"].string)
            #expect(try await api.send(.get, "/open311/v2/requests/\(phone).json").status == 404)

            // Errors: the spec's list; nothing recorded.
            func screening() async throws -> Int {
                try await api.send(.get, "/api/v1/tickets?status=screening&limit=500", token: agent).json["items"].array.count
            }
            let before = try await screening()
            let badKey = try await api.send(.post, "/open311/v2/requests.xml", body: "api_key=hlk_nope&service_code=\(code)&lat=1&long=1&description=x",
                                            headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(badKey.status == 403 && badKey.text.contains("<errors><error><code>403</code>"))
            let missing = try await api.send(.post, "/open311/v2/requests.json", body: "api_key=\(key)&service_code=\(code)&lat=1&long=1",
                                             headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(missing.status == 400 && missing.json.array.first?["code"].int == 400)
            let unknown = try await api.send(.post, "/open311/v2/requests.json", body: "api_key=\(key)&service_code=nope&lat=1&long=1&description=x",
                                             headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(unknown.status == 400, "\(unknown.text)")
            let staffToken = try await api.send(.post, "/open311/v2/requests.json", body: "api_key=\(agent)&service_code=\(code)&lat=1&long=1&description=x",
                                                headers: ["Content-Type": "application/x-www-form-urlencoded"])
            #expect(staffToken.status == 403)
            #expect(try await screening() == before)
            #expect(try await api.send(.get, "/open311/v2/requests.json?start_date=2020-01-01T00:00:00Z&end_date=2026-01-01T00:00:00Z").status == 400)
            #expect(try await api.send(.get, "/open311/v2/services.csv").status == 400)
            let discovery = try await api.send(.get, "/open311/discovery.json")
            #expect(discovery.json["endpoints"].array.first?["url"].string?.hasSuffix("/open311/v2/") == true)
        }
    }
}

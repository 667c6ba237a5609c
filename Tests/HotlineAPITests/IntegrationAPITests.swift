import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Integrations over the API: subscriptions, deliveries, the change feed")
struct IntegrationAPITests {
    @Test("an admin subscribes, pauses and reads deliveries; bad input is a 400 and writes nothing; others may not", arguments: Backend.available)
    func subscriptions(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let admin = try await api.login("admin")
            let agent = try await api.login("agent")
            let created = try await api.send(.post, "/api/v1/subscriptions", token: admin, json: [
                "name": "住建局业务系统", "url": "https://housing.example.org/hotline", "topics": ["ticket.*"], "scope": "unit",
                "scopeId": .int(api.city.housing.id)])
            #expect(created.status == 201, "\(created.text)")
            #expect(created.json["secret"].string?.hasPrefix("whsec_") == true && created.json["subscription"]["scope"] == "unit")
            let id = try #require(created.json["subscription"]["id"].int)
            for bad: [String: JSON] in [["name": "x", "url": "not a url"], ["name": "x", "url": "https://a.example", "topics": ["ticket.nothing"]],
                                        ["name": "x", "url": "https://a.example", "scope": "unit"], ["name": " ", "url": "https://a.example"]] {
                let reply = try await api.send(.post, "/api/v1/subscriptions", token: admin, json: bad)
                #expect(reply.status == 400, "\(bad): \(reply.text)")
            }
            #expect(try await api.send(.post, "/api/v1/subscriptions", token: agent, json: ["name": "x", "url": "https://a.example"]).status == 403)
            let list = try await api.send(.get, "/api/v1/subscriptions", token: admin)
            #expect(list.status == 200 && list.json.array.count == 1 && list.json.array.first?["secret"] == .null)
            let paused = try await api.send(.patch, "/api/v1/subscriptions/\(id)", token: admin, json: ["active": false])
            #expect(paused.status == 200 && paused.json["active"] == false)

            // A ticket for the unit, while the subscription was active again, is due to it.
            _ = try await api.send(.patch, "/api/v1/subscriptions/\(id)", token: admin, json: ["active": true])
            let ticket = try await api.createTicket(token: agent)
            let ticketId = try #require(ticket.json["ticket"]["id"].int)
            _ = try await api.act(ticketId, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            try await api.t.store.fanOut()
            let deliveries = try await api.send(.get, "/api/v1/subscriptions/\(id)/deliveries?status=pending", token: admin)
            #expect(deliveries.status == 200 && deliveries.json.array.map { $0["topic"] } == ["ticket.dispatch", "ticket.create"], "\(deliveries.text)")
            #expect(deliveries.json.array.first?["statusLabel"] == "待投递")
            let pendingId = try #require(deliveries.json.array.first?["id"].int)
            #expect(try await api.send(.post, "/api/v1/deliveries/\(pendingId)/redelivery", token: admin).status == 409)
            #expect(try await api.send(.get, "/api/v1/subscriptions/999/deliveries", token: admin).status == 404)
        }
    }

    @Test("the change feed pages through the caller's changes with a cursor", arguments: Backend.available)
    func changes(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let housing = try await api.login("housing")
            let first = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            _ = try await api.act(first, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            _ = try await api.createTicket(token: agent, title: "井盖缺失")
            let page = try await api.send(.get, "/api/v1/changes?after=0&limit=2", token: agent)
            #expect(page.status == 200 && page.json["events"].array.count == 2 && page.json["more"] == true, "\(page.text)")
            #expect(page.json["events"].array.map { $0["topic"] } == ["ticket.create", "ticket.dispatch"])
            #expect(page.json["events"].array.first?["ticketNumber"].string?.isEmpty == false)
            let cursor = try #require(page.json["cursor"].int)
            let next = try await api.send(.get, "/api/v1/changes?after=\(cursor)", token: agent)
            #expect(next.json["events"].array.count == 1 && next.json["more"] == false)
            let unit = try await api.send(.get, "/api/v1/changes", token: housing)
            #expect(unit.json["events"].array.count == 2 && unit.json["events"].array.allSatisfy { $0["ticketId"].int == first })
            #expect(try await api.send(.get, "/api/v1/changes?limit=5000", token: agent).status == 400)
            #expect(try await api.send(.get, "/api/v1/changes").status == 401)
        }
    }
}

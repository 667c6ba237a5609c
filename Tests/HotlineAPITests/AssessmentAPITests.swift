import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("JSON API: assessment")
struct AssessmentAPITests {
    @Test("results, drill-down, scheme and publication over HTTP; bad input is a clear error that changes nothing", arguments: Backend.available)
    func assessment(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let store = api.t.store
            let city = api.city
            let id = try await store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
            for (input, actor) in [(ActionInput(code: .dispatch, mainUnitId: city.housing.id), city.agent),
                                   (ActionInput(code: .sign), city.housingHandler)] {
                api.t.clock.advance(by: 600)
                _ = try await store.perform(input, onTicket: id, by: actor)
            }
            var supervisor = try await api.login("supervisor")
            var admin = try await api.login("admin")
            var housing = try await api.login("housing")

            let report = try await api.send(.get, "/api/v1/assessment/2026-11", token: supervisor)
            #expect(report.status == 200)
            let unit = report.json["units"].array.first { $0["unitId"].int == city.housing.id }
            #expect(unit?["unitName"] == "市住建局")
            #expect(unit?["values"].array.first { $0["code"] == "onTimeSigning" }?["value"] == .number(1))
            #expect(report.json["groups"].array.contains { $0["name"] == "市直部门" })
            #expect(report.json["scheme"]["indicators"].array.first { $0["code"] == "satisfaction" }?["formulaText"].string?.hasPrefix("满意数 ÷ 评价数") == true)

            let drill = try await api.send(.get, "/api/v1/assessment/2026-11/drilldown?unitId=\(city.housing.id)&indicator=onTimeSigning", token: supervisor)
            #expect(drill.status == 200 && drill.json["numerator"].array.map { $0["id"].int } == [id])

            for (path, token, status) in [("/api/v1/assessment/2026-13", supervisor, 400), ("/api/v1/assessment/2026-11", housing, 403),
                                          ("/api/v1/assessment/2026-11/drilldown?unitId=\(city.housing.id)&indicator=nope", admin, 400),
                                          ("/api/v1/assessment/2026-11/publications", admin, 404)] {
                #expect(try await api.send(.get, path, token: token).status == status, "\(path)")
            }

            // A scheme whose weights do not sum to 100 is refused and nothing is saved.
            var scheme = try await api.send(.get, "/api/v1/assessment/scheme", token: admin).json
            #expect(scheme["version"].int == 1)
            let body = try await api.send(.get, "/api/v1/assessment/scheme", token: admin).text
            // Satisfaction weighs 35 instead of 25: the weights sum to 110.
            var object = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            var indicators = try #require(object["indicators"] as? [[String: Any]])
            let satisfaction = try #require(indicators.firstIndex { $0["code"] as? String == "satisfaction" })
            indicators[satisfaction]["weight"] = 35
            object["indicators"] = indicators
            let heavier = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
            let refused = try await api.send(.put, "/api/v1/assessment/scheme", token: admin, body: heavier)
            #expect(refused.status == 400 && refused.json["error"]["code"] == "invalid_request", "\(refused.status) \(refused.text.prefix(300))")
            #expect(try await api.send(.put, "/api/v1/assessment/scheme", token: supervisor, body: body).status == 403)
            scheme = try await api.send(.get, "/api/v1/assessment/scheme", token: admin).json
            #expect(scheme["version"].int == 1)
            let saved = try await api.send(.put, "/api/v1/assessment/scheme", token: admin, body: body)
            #expect(saved.status == 200 && saved.json["version"].int == 2)

            // An appeal over HTTP, once the month has ended: filed by the unit, decided by the supervisor, listed for both.
            #expect(try await api.send(.post, "/api/v1/assessment/2026-11/appeals", token: housing,
                                       json: ["ticketId": .int(id), "indicator": "onTimeSigning", "reason": "太早"]).status == 409)
            api.t.clock.set(CivilDate("2026-12-02")!.instant(atMinute: 10 * 60))
            (supervisor, admin, housing) = (try await api.login("supervisor"), try await api.login("admin"), try await api.login("housing"))
            // Evidence goes base64 in `files`; a file that is not an accepted kind is a 400 that files nothing.
            let letter = Data("%PDF-1.4 第三方评议意见".utf8).base64EncodedString()
            #expect(try await api.send(.post, "/api/v1/assessment/2026-11/appeals", token: housing, json: [
                "ticketId": .int(id), "indicator": "onTimeSigning", "reason": "系统故障未收到提醒",
                "files": [["name": "run.pdf", "content": .string(Data("MZ".utf8).base64EncodedString())]]]).status == 400)
            #expect(try await api.send(.get, "/api/v1/assessment/2026-11/appeals", token: housing).json.array.isEmpty)
            let filed = try await api.send(.post, "/api/v1/assessment/2026-11/appeals", token: housing, json: [
                "ticketId": .int(id), "indicator": "onTimeSigning", "reason": "系统故障未收到提醒",
                "files": [["name": "评议意见.pdf", "content": .string(letter)]]])
            #expect(filed.status == 201 && filed.json["status"] == "pending" && filed.json["statusLabel"] == "待审核")
            #expect(filed.json["files"].array.map { $0["name"] } == ["评议意见.pdf"] && filed.json["files"][0]["contentType"] == "application/pdf")
            let appealId = try #require(filed.json["id"].int)
            #expect(try await api.send(.post, "/api/v1/assessment/2026-11/appeals", token: housing,
                                       json: ["ticketId": .int(id), "indicator": "onTimeSigning", "reason": "再来一次"]).status == 409)
            #expect(try await api.send(.post, "/api/v1/assessment/appeals/\(appealId)/decision", token: housing, json: ["approve": true]).status == 403)
            let decided = try await api.send(.post, "/api/v1/assessment/appeals/\(appealId)/decision", token: supervisor, json: ["approve": true])
            #expect(decided.status == 200 && decided.json["status"] == "approved")
            #expect(try await api.send(.get, "/api/v1/assessment/2026-11/appeals", token: housing).json.array.count == 1)
            let excluded = try await api.send(.get, "/api/v1/assessment/2026-11/drilldown?unitId=\(city.housing.id)&indicator=onTimeSigning", token: housing)
            #expect(excluded.status == 200 && excluded.json["excludedOnAppeal"].array.map { $0["id"].int } == [id])

            let published = try await api.send(.post, "/api/v1/assessment/2026-11/publications", token: admin)
            #expect(published.status == 201 && published.json["publishedVersion"].int == 1)
            #expect(try await api.send(.post, "/api/v1/assessment/2026-11/publications", token: supervisor).status == 403)
            let frozen = try await api.send(.get, "/api/v1/assessment/2026-11/publications?version=1", token: supervisor)
            #expect(frozen.status == 200 && frozen.json["scheme"]["version"].int == 2)
            let enums = try await api.send(.get, "/api/v1/enums", token: supervisor).json
            #expect(enums["measure"].array.contains { $0["code"] == "replyDue" && $0["label"] == "应结案数" })
        }
    }
}

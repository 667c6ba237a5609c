import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("JSON API: knowledge base, suggestions, models, places and rules")
struct KnowledgeAPITests {
    /// Two KB editors (one writes, the other verifies the center's own entries).
    static func editors(_ api: APIClient) async throws {
        for name in ["editor", "editor2"] {
            _ = try await api.t.store.createUser(username: name, displayName: name, password: TestCity.password, role: .kbEditor, unitId: api.city.center.id, by: .system)
        }
    }

    @Test("write, verify, search, rate and correct an entry through the API", arguments: Backend.available)
    func knowledge(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            try await Self.editors(api)
            let editor = try await api.login("editor")
            let editor2 = try await api.login("editor2")
            let agent = try await api.login("agent")
            let created = try await api.send(.post, "/api/v1/kb/entries", token: editor, json: [
                "question": "住房公积金怎么提取？", "variants": ["公积金怎么取出来"], "answer": "购房、租房、退休可申请提取住房公积金。",
                "categoryCode": "030101", "tags": ["公积金"],
            ])
            #expect(created.status == 201 && created.json["status"] == "draft")
            let id = try #require(created.json["id"].int)
            #expect(try await api.send(.post, "/api/v1/kb/entries", token: agent, json: ["question": "x", "answer": "y"]).status == 403)
            #expect(try await api.send(.get, "/api/v1/kb/entries/\(id)", token: agent).status == 404)
            #expect(try await api.send(.post, "/api/v1/kb/entries/\(id)/workflow", token: editor, json: ["action": "submit"]).json["status"] == "pendingReview")
            let own = try await api.send(.post, "/api/v1/kb/entries/\(id)/workflow", token: editor, json: ["action": "approve"])
            #expect(own.status == 403)
            let approved = try await api.send(.post, "/api/v1/kb/entries/\(id)/workflow", token: editor2, json: ["action": "approve", "note": "已核"])
            #expect(approved.json["status"] == "published" && approved.json["liveVersion"] == 1)

            let hits = try await api.send(.get, "/api/v1/kb/search?q=%E5%85%AC%E7%A7%AF%E9%87%91", token: agent)  // 公积金
            #expect(hits.json.array.first?["id"] == .int(id))
            #expect(hits.json.array.first?["questionRuns"].array.contains { $0["highlighted"] == true } == true)
            let publicHits = try await api.send(.get, "/api/v1/public/kb?q=%E5%85%AC%E7%A7%AF%E9%87%91")
            #expect(publicHits.status == 200 && publicHits.json.array.count == 1)
            #expect(try await api.send(.get, "/api/v1/public/kb?q=%E5%85%AC%E7%A7%AF%E9%87%91&centerId=\(api.city.otherCenter.id)").json.array.isEmpty)
            #expect(try await api.send(.get, "/api/v1/public/kb?q=%E5%85%AC%E7%A7%AF%E9%87%91&centerId=\(api.city.housing.id)").status == 404)
            let view = try await api.send(.get, "/api/v1/kb/entries/\(id)", token: agent)
            #expect(view.json["entry"]["content"].isNull && view.json["entry"]["live"]["question"] == "住房公积金怎么提取？")
            #expect(view.json["history"].array.isEmpty && view.json["actions"].array.isEmpty)
            let editorView = try await api.send(.get, "/api/v1/kb/entries/\(id)", token: editor)
            #expect(editorView.json["history"].array.compactMap { $0["action"].string } == ["edit", "submit", "approve"])
            #expect(editorView.json["actions"].array.compactMap(\.string) == ["archive"])

            #expect(try await api.send(.post, "/api/v1/kb/entries/\(id)/feedback", token: agent, json: ["used": true, "helpful": true]).status == 204)
            let report = try await api.send(.post, "/api/v1/kb/entries/\(id)/reports", token: agent, json: ["text": "提取条件还包括重大疾病"])
            #expect(report.status == 201)
            let reportId = try #require(report.json["id"].int)
            #expect(try await api.send(.get, "/api/v1/kb/reports", token: editor).json.array.count == 1)
            #expect(try await api.send(.get, "/api/v1/kb/reports", token: agent).json.array.isEmpty)
            #expect(try await api.send(.post, "/api/v1/kb/reports/\(reportId)", token: editor, json: ["resolution": "已补充"]).status == 204)

            let edited = try await api.send(.put, "/api/v1/kb/entries/\(id)", token: editor, json: [
                "content": ["question": "住房公积金怎么提取？", "answer": "购房、租房、退休、重大疾病可申请提取。"], "expectedVersion": 1,
            ])
            #expect(edited.json["status"] == "draft" && edited.json["version"] == 2 && edited.json["live"]["answer"] == "购房、租房、退休可申请提取住房公积金。")
            let conflict = try await api.send(.put, "/api/v1/kb/entries/\(id)", token: editor, json: [
                "content": ["question": "x", "answer": "y"], "expectedVersion": 1,
            ])
            #expect(conflict.status == 409)
            let versions = try await api.send(.get, "/api/v1/kb/entries/\(id)", token: editor).json["history"].array
            #expect(versions.compactMap { $0["content"]["answer"].string } == ["购房、租房、退休可申请提取住房公积金。", "购房、租房、退休、重大疾病可申请提取。"])
            let stale = try await api.send(.post, "/api/v1/kb/entries/\(id)/workflow", token: editor, json: ["action": "submit", "expectedVersion": 1])
            #expect(stale.status == 409 && stale.json["error"]["code"] == "concurrent_update")
            #expect(try await api.send(.put, "/api/v1/kb/synonyms", token: editor, json: ["groups": [["住房公积金", "公积金"]]]).status == 204)
            #expect(try await api.send(.put, "/api/v1/kb/synonyms", token: agent, json: ["groups": [["a", "b"]]]).status == 403)
            #expect(try await api.send(.get, "/api/v1/kb/synonyms", token: agent).json["groups"].array.count == 1)
            let listed = try await api.send(.get, "/api/v1/kb/entries?status=draft", token: editor)
            #expect(listed.json.array.count == 1 && listed.json.array[0]["content"]["answer"].string?.contains("重大疾病") == true)
        }
    }

    @Test("suggestions through the API: categories, units with reasons, emergency, similar tickets and answers", arguments: Backend.available)
    func suggestions(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let store = api.t.store
            let lights = ["东湖路路灯不亮好几天了", "小区门口路灯坏了晚上很黑", "人民路一段路灯全灭", "学府路路灯闪烁不停", "滨江大道路灯白天也亮着"]
            let wages = ["工地拖欠工资三个月", "公司老板欠薪跑路了", "辞职后工资一直不发", "包工头拖欠农民工工资", "加班工资没有按规定支付"]
            var history: [HistoricalTicket] = []
            for round in 0..<4 {
                for text in lights { history.append(HistoricalTicket(line: 0, title: "路灯\(round)", content: text, category: "030599", unit: "市交通局")) }
                for text in wages { history.append(HistoricalTicket(line: 0, title: "欠薪\(round)", content: text, category: "080199", unit: "市住建局")) }
            }
            let importer = Actor(kind: .system, userId: nil, name: "导入", role: nil, unitId: nil, unitPath: [], centerId: api.city.center.id)
            _ = try await store.importHistoricalTickets(history, centerId: api.city.center.id, by: importer)
            let admin = try await api.login("admin")
            let trained = try await api.send(.post, "/api/v1/models/train", token: admin, json: ["kind": "all"])
            #expect(trained.status == 200 && trained.json.array.count == 2)
            #expect(try await api.send(.post, "/api/v1/models/train", token: try await api.login("agent"), json: [:]).status == 403)
            let rule = try await api.send(.post, "/api/v1/routing-rules", token: admin, json: ["categoryPrefix": "0305", "unitId": .int(api.city.transport.id)])
            #expect(rule.status == 201)
            let again = try await api.send(.post, "/api/v1/routing-rules", token: admin, json: ["categoryPrefix": "0305", "unitId": .int(api.city.district.id)])
            #expect(again.status == 409 && again.json["error"]["code"] == "duplicate_rule")
            let noted = try await api.send(.post, "/api/v1/routing-rules", token: admin, json: [
                "categoryPrefix": "0306", "unitId": .int(api.city.district.id), "note": .string(String(repeating: "长", count: 201)),
            ])
            #expect(noted.status == 400)
            let place = try await api.send(.post, "/api/v1/places", token: admin, json: ["name": "东湖区", "kind": "district", "unitId": .int(api.city.district.id)])
            #expect(place.status == 201)
            #expect(try await api.send(.post, "/api/v1/places", token: admin, json: ["name": "x", "kind": "estate", "parentId": 999999]).status == 422)
            #expect(try await api.send(.get, "/api/v1/places", token: admin).json.array.count == 1)
            let agent = try await api.login("agent")
            let open = try await api.createTicket(token: agent, title: "东湖区路灯不亮")
            let openId = try #require(open.json["ticket"]["id"].int)

            let s = try await api.send(.post, "/api/v1/suggestions", token: agent, json: [
                "title": "路灯不亮", "content": "东湖区滨江花园北门路灯一周不亮，夜间出行不安全。",
            ])
            #expect(s.status == 200)
            #expect(s.json["categories"][0]["code"] == "030599" && s.json["categories"][0]["name"].string?.contains("城乡建设") == true)
            let units = s.json["units"].array
            #expect(units.contains { $0["unitId"] == .int(api.city.transport.id) && $0["reasons"].array.count >= 2 })
            #expect(units.contains { $0["unitId"] == .int(api.city.district.id) && $0["reasons"][0].string?.contains("东湖区") == true })
            #expect(s.json["similar"].array.contains { $0["ticketId"] == .int(openId) && $0["number"].string != nil })
            #expect(s.json["emergency"].isNull)
            #expect(s.json["elapsedMilliseconds"] != .null)
            let gas = try await api.send(.post, "/api/v1/suggestions", token: agent, json: ["content": "家里燃气泄漏了，闻到很浓的煤气味"])
            #expect(gas.json["emergency"]["lines"].array.contains("119"))
            let models = try await api.send(.get, "/api/v1/models", token: admin).json.array
            #expect(!models.isEmpty && models.allSatisfy { $0["centerId"] == .int(api.city.center.id) })
            let firstCategory = try #require(models.first { $0["kind"] == "category" }?["id"].int)
            #expect(try await api.send(.post, "/api/v1/models/\(firstCategory)/activate", token: admin).json["active"] == true)
            let ruleId = try #require(rule.json["id"].int)
            #expect(try await api.send(.delete, "/api/v1/routing-rules/\(ruleId)", token: admin).status == 204)
            #expect(try await api.send(.get, "/api/v1/routing-rules", token: admin).json.array.isEmpty)
        }
    }
}

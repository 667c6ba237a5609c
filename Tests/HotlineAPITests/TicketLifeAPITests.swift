import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("JSON API: a ticket's life")
struct TicketLifeAPITests {
    @Test("phone intake → dispatch → sign → reply → review → callback → close, and the citizen's view", arguments: Backend.available)
    func wholeLife(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let supervisor = try await api.login("supervisor")
            let handler = try await api.login("housing")
            let created = try await api.createTicket(token: agent)
            #expect(created.status == 201)
            let id = try #require(created.json["ticket"]["id"].int)
            let number = try #require(created.json["ticket"]["number"].string)
            let code = try #require(created.json["queryCode"].string)
            #expect(created.json["ticket"]["status"] == "accepted")
            #expect(number == "20261123000001")

            let steps: [(String, [String: JSON], String)] = [
                (agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id), "coUnitIds": [.int(api.city.district.id)]], "pendingSign"),
                (handler, ["action": "sign"], "inProgress"),
                (try await api.login("district"), ["action": "coInput", "note": "区城管已配合排查线路"], "inProgress"),
                (handler, ["action": "reply", "note": "路灯已修复"], "replied"),
                (supervisor, ["action": "review", "approve": false, "note": "请写明修复时间"], "inProgress"),
                (handler, ["action": "reply", "note": "路灯已于11月24日修复"], "replied"),
                (supervisor, ["action": "review", "approve": true], "pendingCallback"),
            ]
            for (token, body, expected) in steps {
                api.t.clock.advance(by: 3600)
                let reply = try await api.act(id, token: token, body)
                #expect(reply.status == 200, "\(body["action"]): \(reply.text)")
                #expect(reply.json["status"].string == expected)
            }
            // The citizen sees the reply and rates it with the query code.
            let lookup = try await api.send(.get, "/api/v1/public/tickets/\(number)?code=\(code)")
            #expect(lookup.status == 200)
            #expect(lookup.json["reply"] == "路灯已于11月24日修复")
            #expect(lookup.json["canEvaluate"] == true)
            let publicActions = lookup.json["history"].array.compactMap { $0["action"].string }
            #expect(publicActions == ["create", "dispatch", "sign", "reply", "reply"])
            #expect(!lookup.text.contains("请写明修复时间") && !lookup.text.contains("13812341234"))
            let rated = try await api.send(.post, "/api/v1/public/tickets/\(number)/evaluation",
                                           json: ["code": .string(code), "satisfaction": "satisfied", "resolved": true, "comment": "修得很快"])
            #expect(rated.status == 200 && rated.json["status"] == "evaluated")
            let again = try await api.send(.post, "/api/v1/public/tickets/\(number)/evaluation",
                                           json: ["code": .string(code), "satisfaction": "dissatisfied", "resolved": false])
            #expect(again.status == 409)
            let closed = try await api.act(id, token: supervisor, ["action": "close", "note": "回访满意，办结"])
            #expect(closed.json["status"] == "closed")

            let detail = try await api.send(.get, "/api/v1/tickets/\(id)", token: supervisor)
            let actions = detail.json["history"].array.compactMap { $0["action"].string }
            #expect(actions == ["create", "dispatch", "sign", "coInput", "reply", "review", "reply", "review", "evaluate", "close"])
            #expect(detail.json["ticket"]["counters"]["sendBacks"] == 1)
            #expect(detail.json["ticket"]["evaluation"]["satisfaction"] == "satisfied")
            // A wrong query code finds nothing.
            #expect(try await api.send(.get, "/api/v1/public/tickets/\(number)?code=WRONG234").status == 404)
        }
    }

    @Test("screening, reject with a reason code, answer on contact", arguments: Backend.available)
    func intakeEndings(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let web = try await api.createTicket(token: agent, channel: "web")
            #expect(web.json["ticket"]["status"] == "screening")
            let webId = try #require(web.json["ticket"]["id"].int)
            let rejected = try await api.act(webId, token: agent, ["action": "reject", "reasonCode": "litigation", "note": "已起诉"])
            #expect(rejected.json["status"] == "rejected" && rejected.json["rejectReason"] == "litigation")
            let badReason = try await api.act(webId, token: agent, ["action": "reject", "reasonCode": "notAReason"])
            #expect(badReason.status == 400 && badReason.json["error"]["code"] == "invalid_request")

            let call = try await api.createTicket(token: agent, title: "咨询社保卡补办")
            let callId = try #require(call.json["ticket"]["id"].int)
            let answered = try await api.act(callId, token: agent, ["action": "answerOnContact", "note": "携带身份证到社保大厅补办"])
            #expect(answered.json["status"] == "closed" && answered.json["answer"] == "携带身份证到社保大厅补办")
        }
    }

    @Test("return, arbitration and re-dispatch; extension moves the deadline; supervision", arguments: Backend.available)
    func returnsAndExtensions(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let supervisor = try await api.login("supervisor")
            let housing = try await api.login("housing")
            let transport = try await api.login("transport")
            let id = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            try await api.act(id, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.transport.id)])
            let asked = try await api.act(id, token: transport, ["action": "requestReturn", "note": "路灯归住建局管理"])
            #expect(asked.json["status"] == "returnRequested")
            let approved = try await api.act(id, token: supervisor, ["action": "arbitrateReturn", "approve": true, "note": "同意"])
            #expect(approved.json["status"] == "accepted" && approved.json["counters"]["returns"] == 1)
            // The returning unit no longer holds it.
            #expect(try await api.act(id, token: transport, ["action": "sign"]).status == 404)
            try await api.act(id, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            try await api.act(id, token: housing, ["action": "sign"])
            let before = try await api.send(.get, "/api/v1/tickets/\(id)", token: supervisor).json["ticket"]["deadlines"]["replyDueAt"].string
            #expect(before == "2026-11-30T09:30:00Z")
            let ext = try await api.act(id, token: housing, ["action": "requestExtension", "days": 3, "note": "需更换电缆", "progress": "已勘查"])
            #expect(ext.json["pendingExtensionDays"] == 3)
            let decided = try await api.act(id, token: supervisor, ["action": "decideExtension", "approve": true])
            #expect(decided.json["deadlines"]["replyDueAt"] == "2026-12-03T09:30:00Z")
            #expect(decided.json["counters"]["extensions"] == 1)
            let supervised = try await api.act(id, token: supervisor, ["action": "supervise", "note": "市民多次来电", "level": "center", "method": "phone"])
            #expect(supervised.json["counters"]["supervisions"] == 1)
            let detail = try await api.send(.get, "/api/v1/tickets/\(id)", token: agent)
            #expect(detail.json["supervisions"][0]["reason"] == "市民多次来电")
        }
    }

    @Test("merge a duplicate into an open ticket; mark an unreasonable repeat", arguments: Backend.available)
    func mergeAndRepeat(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let supervisor = try await api.login("supervisor")
            let first = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            let second = try #require(try await api.createTicket(token: agent, title: "路灯又坏").json["ticket"]["id"].int)
            let merged = try await api.act(second, token: agent, ["action": "merge", "targetTicketId": .int(first)])
            #expect(merged.json["status"] == "merged" && merged.json["mergedIntoId"] == .int(first))
            let target = try await api.send(.get, "/api/v1/tickets/\(first)", token: agent)
            #expect(target.json["history"].array.contains { $0["action"] == "mergedFrom" })
            let selfMerge = try await api.act(first, token: agent, ["action": "merge", "targetTicketId": .int(first)])
            #expect(selfMerge.status == 422)
            let third = try #require(try await api.createTicket(token: agent, title: "同一诉求第十次来电").json["ticket"]["id"].int)
            let repeatMark = try await api.act(third, token: supervisor, ["action": "markUnreasonableRepeat", "note": "已多次答复，诉求无新情况"])
            #expect(repeatMark.json["status"] == "closed" && repeatMark.json["unreasonableRepeat"] == true)
        }
    }
}

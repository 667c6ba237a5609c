import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import SQLKit
import Testing

@Suite("JSON API: validation, permissions, scope, identity, audit")
struct SafetyAPITests {
    @Test("no token is 401, a bad token is 401, a wrong password is 401; errors have the one shape", arguments: Backend.available)
    func authentication(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let anonymous = try await api.send(.get, "/api/v1/tickets")
            #expect(anonymous.status == 401 && anonymous.json["error"]["code"] == "unauthenticated")
            #expect(try await api.send(.get, "/api/v1/tickets", token: "hl_forged").status == 401)
            let wrong = try await api.send(.post, "/api/v1/auth/login", json: ["username": "agent", "password": "nope-nope"])
            #expect(wrong.status == 401 && wrong.json["error"]["code"] == "bad_credentials")
            #expect(wrong.json["error"]["message"].string?.isEmpty == false)
            let token = try await api.login("agent")
            #expect(try await api.send(.get, "/api/v1/me", token: token).json["role"] == "agent")
            #expect(try await api.send(.post, "/api/v1/auth/logout", token: token).status == 204)
            #expect(try await api.send(.get, "/api/v1/me", token: token).status == 401)
        }
    }

    @Test("malformed input is a 400 that records nothing", arguments: Backend.available)
    func validation(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let bodies: [String] = [
                "{not json",
                #"{"channel":"phone","type":"complaint","title":"x"}"#,
                #"{"channel":"carrier-pigeon","type":"complaint","title":"x","content":"y"}"#,
                #"{"channel":"phone","type":"complaint","title":"   ","content":"y"}"#,
                #"{"channel":"phone","type":"complaint","title":"x","content":"y","requester":{"phone":"12ab"}}"#,
                #"{"channel":"phone","type":"complaint","title":"x","content":"y","requester":{"idNumber":"110105194912310021"}}"#,
                #"{"channel":"phone","type":"complaint","title":"x","content":"y","location":{"latitude":91,"longitude":0}}"#,
                #"{"channel":"phone","type":"complaint","title":"\#(String(repeating: "长", count: 201))","content":"y"}"#,
            ]
            for body in bodies {
                let reply = try await api.send(.post, "/api/v1/tickets", token: agent, body: body)
                #expect(reply.status == 400, "\(body): \(reply.text)")
                #expect(reply.json["error"]["code"] == "invalid_request")
            }
            let unknownCategory = try await api.send(.post, "/api/v1/tickets", token: agent,
                                                     body: #"{"channel":"phone","type":"help","title":"x","content":"y","categoryCode":"999999"}"#)
            #expect(unknownCategory.status == 422 && unknownCategory.json["error"]["code"] == "unknown_category")
            #expect(try await api.send(.get, "/api/v1/tickets", token: agent).json["items"].array.isEmpty)
            #expect(try await api.send(.get, "/api/v1/tickets?limit=500", token: agent).status == 400)
            #expect(try await api.send(.get, "/api/v1/tickets?status=lost", token: agent).status == 400)
            #expect(try await api.send(.get, "/api/v1/tickets?cursor=abc", token: agent).status == 400)
        }
    }

    @Test("an action from the wrong state is 409, by the wrong role 403; nothing changes", arguments: Backend.available)
    func refusedActions(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let auditor = try await api.login("auditor")
            let id = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            let signEarly = try await api.act(id, token: agent, ["action": "sign"])
            #expect(signEarly.status == 403)
            try await api.act(id, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            let housing = try await api.login("housing")
            let replyEarly = try await api.act(id, token: housing, ["action": "reply", "note": "已处理"])
            #expect(replyEarly.status == 409 && replyEarly.json["error"]["code"] == "invalid_state")
            #expect(replyEarly.json["error"]["message"].string?.contains("待签收") == true)
            let byAuditor = try await api.act(id, token: auditor, ["action": "supervise", "note": "督办"])
            #expect(byAuditor.status == 403 && byAuditor.json["error"]["code"] == "forbidden")
            let missing = try await api.act(id, token: housing, ["action": "requestExtension", "days": 3])
            #expect(missing.status == 400)
            let detail = try await api.send(.get, "/api/v1/tickets/\(id)", token: agent)
            #expect(detail.json["ticket"]["status"] == "pendingSign" && detail.json["ticket"]["version"] == 2)
            #expect(detail.json["history"].array.count == 2)
            #expect(try await api.act(id, token: agent, ["action": "markOverdue"]).status == 400)
        }
    }

    @Test("a unit never sees another unit's ticket: 404 on read, act and reveal; lists leave it out", arguments: Backend.available)
    func dataScope(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let id = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            try await api.act(id, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            for stranger in ["transport", "district", "other-housing", "other-agent"] {
                let token = try await api.login(stranger)
                #expect(try await api.send(.get, "/api/v1/tickets/\(id)", token: token).status == 404, "\(stranger)")
                #expect(try await api.act(id, token: token, ["action": "sign"]).status == 404, "\(stranger)")
                #expect(try await api.send(.post, "/api/v1/tickets/\(id)/reveal", token: token).status == 404, "\(stranger)")
                #expect(try await api.send(.get, "/api/v1/tickets", token: token).json["items"].array.isEmpty, "\(stranger)")
            }
            let housing = try await api.login("housing")
            #expect(try await api.send(.get, "/api/v1/tickets", token: housing).json["items"].array.count == 1)
        }
    }

    @Test("identity is masked, revealed only with permission, and every reveal is audited", arguments: Backend.available)
    func identity(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let created = try await api.createTicket(token: agent)
            #expect(created.json["ticket"]["requester"]["phone"] == "138****1234")
            #expect(created.json["ticket"]["requester"]["name"] == "王**")
            #expect(created.json["ticket"]["requester"]["idNumber"] == "110***********002X")
            #expect(created.json["ticket"]["requester"]["masked"] == true)
            let id = try #require(created.json["ticket"]["id"].int)
            let revealed = try await api.send(.post, "/api/v1/tickets/\(id)/reveal", token: agent)
            #expect(revealed.json["phone"] == "13812341234" && revealed.json["masked"] == false)
            let auditor = try await api.login("auditor")
            #expect(try await api.send(.post, "/api/v1/tickets/\(id)/reveal", token: auditor).status == 403)
            let history = try await api.send(.get, "/api/v1/tickets/\(id)", token: agent).json["history"].array
            #expect(history.filter { $0["action"] == "revealIdentity" }.count == 1)
            // Search by phone finds it without the phone being stored in clear.
            let found = try await api.send(.get, "/api/v1/tickets?phone=138-1234-1234", token: agent)
            #expect(found.json["items"].array.count == 1)

            let secret = try await api.createTicket(token: agent, title: "举报违建", confidential: true)
            let secretId = try #require(secret.json["ticket"]["id"].int)
            try await api.act(secretId, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            let housing = try await api.login("housing")
            let seen = try await api.send(.get, "/api/v1/tickets/\(secretId)", token: housing)
            #expect(seen.status == 200 && seen.json["ticket"]["requester"]["phone"].isNull && seen.json["ticket"]["requester"]["name"].isNull)
            #expect(try await api.send(.post, "/api/v1/tickets/\(secretId)/reveal", token: housing).status == 403)
        }
    }

    @Test("a retried create with the same Idempotency-Key returns the first ticket", arguments: Backend.available)
    func idempotency(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let first = try await api.createTicket(token: agent, key: "call-2026-11-23-0001")
            let retry = try await api.createTicket(token: agent, key: "call-2026-11-23-0001")
            #expect(first.status == 201 && retry.status == 200)
            #expect(retry.json["replayed"] == true && retry.json["ticket"]["id"] == first.json["ticket"]["id"])
            #expect(retry.json["queryCode"] == first.json["queryCode"])
            let clash = try await api.createTicket(token: agent, title: "另一件事", key: "call-2026-11-23-0001")
            #expect(clash.status == 422 && clash.json["error"]["code"] == "idempotency_key_reused")
            #expect(try await api.send(.get, "/api/v1/tickets", token: agent).json["items"].array.count == 1)
        }
    }

    @Test("a failed background verification is shown in red to auditors and administrators, on every page", arguments: Backend.available)
    func auditAlert(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let id = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            #expect(try await api.t.store.runAuditVerification().intact)
            let admin = Browser(api)
            try await admin.login("admin")
            #expect(try await admin.get("/admin/units").contains("audit-alert") == false)
            api.t.markTampered()
            try await api.t.database.transaction { db in
                try await db.raw("UPDATE tickets SET status = 'closed' WHERE id = \(bind: id)").run()
            }
            let failed = try await api.t.store.runAuditVerification()
            #expect(!failed.intact && failed.findings.contains { $0.contains("ALTERED") })
            api.t.clock.advance(by: 61)
            let page = try await admin.get("/admin/units")
            #expect(page.contains("audit-alert") && page.contains("审计链校验失败"))
            let auditor = Browser(api)
            try await auditor.login("auditor")
            let audit = try await auditor.get("/audit")
            #expect(audit.contains("未通过") && audit.contains("tickets ALTERED"))
            let clerk = Browser(api)
            try await clerk.login("agent")
            #expect(try await clerk.get("/console").contains("audit-alert") == false)
        }
    }

    @Test("every change is in the hash chain; altering a row is found", arguments: Backend.available)
    func auditChain(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let agent = try await api.login("agent")
            let id = try #require(try await api.createTicket(token: agent).json["ticket"]["id"].int)
            try await api.act(id, token: agent, ["action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            try await api.send(.post, "/api/v1/tickets/\(id)/reveal", token: agent)
            let intact = try await api.t.store.verifyAuditChain()
            #expect(intact.broken == nil && intact.checked == 3)
            api.t.markTampered()
            try await api.t.database.transaction { db in
                try await db.raw("UPDATE ticket_events SET note = \(bind: "篡改") WHERE seq = 2").run()
            }
            let broken = try await api.t.store.verifyAuditChain()
            #expect(broken.broken?.seq == 2)
        }
    }
}

import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("The phone system: calls, the screen-pop's source, the ticket of a call, the connection indicators")
struct CallTests {
    @Test("a scripted call: ringing at an agent, answered, a ticket recorded during it, ended with a recording", arguments: Backend.available)
    func scripted(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let pbx = try await api.t.store.createUser(username: "pbx", displayName: "呼叫中心系统", password: TestCity.password, role: .integrationClient,
                                                       unitId: api.city.center.id, by: .system)
            let key = try await api.t.store.createAPIKey(userId: pbx.id, name: "CTI", by: api.city.admin)
            let headers = ["X-API-Key": key]
            let agentId = try #require(api.city.agent.userId)
            // An earlier ticket of the same caller: the pop shows it.
            let earlier = try await api.t.store.createTicket(TestCity.draft(title: "上次反映的路灯"), centerId: api.city.center.id, by: api.city.agent)
            let start = api.t.clock.now

            let ringing = try await api.send(.post, "/api/v1/cti/calls", json: ["callId": "C-1", "event": "ringing", "caller": "138-1234-1234", "agent": "agent"],
                                             headers: headers)
            #expect(ringing.status == 200 && ringing.json["ringingAt"].string != nil, "\(ringing.text)")
            let active = try await api.t.store.activeCalls(agentUserId: agentId, since: start.addingTimeInterval(-1))
            #expect(active.map(\.callId) == ["C-1"] && active.first?.caller == "13812341234")
            #expect(try await api.t.store.activeCalls(agentUserId: api.city.supervisor.userId!, since: start.addingTimeInterval(-1)).isEmpty)
            // The same event again keeps its moment.
            api.t.clock.advance(by: 8)
            let again = try await api.send(.post, "/api/v1/cti/calls", json: ["callId": "C-1", "event": "ringing", "caller": "13812341234", "agent": "agent"],
                                           headers: headers)
            #expect(again.json["ringingAt"] == ringing.json["ringingAt"])
            let answered = try await api.send(.post, "/api/v1/cti/calls", json: ["callId": "C-1", "event": "answered"], headers: headers)
            #expect(answered.status == 200 && answered.json["answeredAt"].string != nil)

            // Another agent cannot bind it; nothing is recorded.
            #expect(await statusOf { _ = try await api.t.store.createTicket(TestCity.draft(title: "别人的来电"), centerId: api.city.center.id,
                                                                            duringCall: "C-1", by: api.city.supervisor) } == 400)
            #expect(try await api.t.store.tickets(matching: TicketFilter(), for: api.city.agent).tickets.allSatisfy { $0.title != "别人的来电" })
            // The agent records the call's ticket: it keeps the call.
            let ticket = try await api.t.store.createTicket(TestCity.draft(title: "路灯又不亮了"), centerId: api.city.center.id, duringCall: "C-1",
                                                            by: api.city.agent)
            api.t.clock.advance(by: 300)
            let ended = try await api.send(.post, "/api/v1/cti/calls", json: [
                "callId": "C-1", "event": "ended", "recordingUrl": "https://pbx.example.gov.cn/rec/C-1.wav"], headers: headers)
            #expect(ended.json["ticketId"].int == ticket.ticket.state.id && ended.json["endedAt"].string != nil)
            #expect(try await api.t.store.activeCalls(agentUserId: agentId, since: start.addingTimeInterval(-1)).isEmpty)
            let call = try #require(try await api.t.store.call(ofTicket: ticket.ticket.state.id, for: api.city.supervisor))
            #expect(call.recordingURL == "https://pbx.example.gov.cn/rec/C-1.wav" && call.answerSeconds == 8 && call.caller == nil)
            #expect(try await api.t.store.call(ofTicket: earlier.ticket.state.id, for: api.city.supervisor) == nil)
            #expect(await statusOf { _ = try await api.t.store.call(ofTicket: ticket.ticket.state.id, for: api.city.otherAgent) } == 404)

            // Bad input is refused and writes nothing.
            for bad: [String: JSON] in [["callId": "C-2", "event": "ringing", "agent": "agent"], ["callId": "", "event": "answered"],
                                        ["callId": "C-3", "event": "ringing", "caller": "abc", "agent": "agent"],
                                        ["callId": "C-4", "event": "ended", "recordingUrl": "file:///etc/passwd"]] {
                #expect(try await api.send(.post, "/api/v1/cti/calls", json: bad, headers: headers).status == 400, "\(bad)")
            }
            #expect(try await api.send(.post, "/api/v1/cti/calls", json: ["callId": "C-5", "event": "ringing", "caller": "13900000000", "agent": "other-agent"],
                                       headers: headers).status == 422)
            let agentToken = try await api.login("agent")
            #expect(try await api.send(.post, "/api/v1/cti/calls", token: agentToken, json: ["callId": "C-6", "event": "ringing", "caller": "13900000000"])
                .status == 422)

            // A missed call: rang, never answered. Two calls offered, one answered within 15 s.
            _ = try await api.send(.post, "/api/v1/cti/calls", json: ["callId": "C-7", "event": "ringing", "caller": "13900000001", "agent": "agent"],
                                   headers: headers)
            _ = try await api.send(.post, "/api/v1/cti/calls", json: ["callId": "C-7", "event": "ended"], headers: headers)
            let stats = try await api.t.store.callStatistics(centerId: api.city.center.id, from: start.addingTimeInterval(-60), to: api.t.clock.now.addingTimeInterval(1))
            #expect(stats.offered == 2 && stats.answered == 1 && stats.answeredWithin15s == 1 && stats.connectionRate == 0.5)

            // The pages: the ticket shows its call; the dashboard the connection rate.
            let supervisor = Browser(api)
            try await supervisor.login("supervisor")
            let page = try await supervisor.get("/tickets/\(ticket.ticket.state.id)")
            #expect(page.contains("来电记录") && page.contains("C-1") && page.contains("https://pbx.example.gov.cn/rec/C-1.wav"))
            // A unit sees the call, not the citizen's recorded voice.
            _ = try await api.t.store.perform(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), onTicket: ticket.ticket.state.id, by: api.city.agent)
            let unit = Browser(api)
            try await unit.login("housing")
            let unitPage = try await unit.get("/tickets/\(ticket.ticket.state.id)")
            #expect(unitPage.contains("C-1") && !unitPage.contains("rec/C-1.wav"))
            let leader = Browser(api)
            try await leader.login("leader")
            let board = try await leader.get("/dashboard")
            #expect(board.contains("24小时接通率") && board.contains("50.0%"))
            let agent = Browser(api)
            try await agent.login("agent")
            let console = try await agent.get("/console")
            #expect(console.contains("data-call-stream=\"/console/calls/stream\"") && console.contains("name=\"callId\""))
        }
    }

    @Test("connection indicators: offered, answered, answered within 15 seconds")
    func statistics() {
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        func call(_ answer: TimeInterval?) -> CallRecord {
            CallRecord(id: 1, centerId: 1, callId: "x", caller: nil, agentUserId: nil, ringingAt: at, answeredAt: answer.map(at.addingTimeInterval),
                       endedAt: nil, recordingURL: nil, ticketId: nil)
        }
        let stats = CallStatistics(calls: [call(3), call(15), call(16), call(nil)])
        #expect(stats.offered == 4 && stats.answered == 3 && stats.answeredWithin15s == 2 && stats.answerRate == 0.5 && stats.connectionRate == 0.75)
        #expect(stats.meanAnswerSeconds == 34.0 / 3)
        #expect(CallStatistics(calls: []).connectionRate == nil)
    }
}

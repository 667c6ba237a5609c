import Foundation
import HotlineCore
import Testing

@Suite("Province and city: snapshots, the province's reading of a city's history, progress, scores")
struct FederationTests {
    let now = Date(timeIntervalSince1970: 1_796_342_400)

    func snapshot(_ status: TicketStatus = .inProgress, reply: String? = nil, upstream: Int64? = nil) -> FederatedTicket {
        FederatedTicket(sourceId: 7, number: "20261204000007", version: 3, upstreamTicketId: upstream, channel: .phone, type: .complaint,
                        urgency: .normal, status: status, categoryCode: "030599", title: "路灯不亮", content: "幸福路路灯一周不亮", address: "幸福路",
                        createdAt: now, updatedAt: now, reply: reply)
    }

    @Test("the province reads a city's history as the city's own turns: its units left out, one dispatch, one signature")
    func translation() {
        let dispatch = FederatedEvent(seq: 10, at: now, action: .dispatch, fromStatus: .accepted, toStatus: .pendingSign, actorName: "话务员小李",
                                      note: "请尽快", details: ["mainUnitId": ["", "12"], "mainUnit": ["住建局"], "replyDueAt": ["", "2026-12-10T09:30:00Z"]])
        let first = dispatch.translated(cityUnitId: 37, cityName: "示范市", dispatched: false, signed: false)
        #expect(first?.details["mainUnitId"] == ["", "37"] && first?.details["mainUnit"] == ["示范市"])
        #expect(first?.details["replyDueAt"] == ["", "2026-12-10T09:30:00Z"] && first?.actorName == "示范市·话务员小李")
        #expect(first?.note == "请尽快", "what the citizen may read anyway travels up")
        #expect(dispatch.translated(cityUnitId: 37, cityName: "示范市", dispatched: true, signed: false) == nil)
        let sign = FederatedEvent(seq: 11, at: now, action: .sign, fromStatus: .pendingSign, toStatus: .inProgress, actorName: "承办人", note: nil, details: [:])
        #expect(sign.translated(cityUnitId: 37, cityName: "示范市", dispatched: true, signed: true) == nil)
        let pass = FederatedEvent(seq: 12, at: now, action: .subDispatch, fromStatus: .inProgress, toStatus: .pendingSign, actorName: "承办人",
                                  note: nil, details: ["handlingUnitId": ["12", "13"]])
        #expect(pass.translated(cityUnitId: 37, cityName: "示范市", dispatched: true, signed: true) == nil)
        let reply = FederatedEvent(seq: 13, at: now, action: .reply, fromStatus: .inProgress, toStatus: .replied, actorName: "承办人", note: "已修复",
                                   details: ["responsibleUnitIds": ["12"]])
        let carried = reply.translated(cityUnitId: 37, cityName: "示范市", dispatched: true, signed: true)
        #expect(carried?.note == "已修复" && carried?.details.isEmpty == true)
        #expect(FederatedEvent(seq: 14, at: now, action: .revealIdentity, fromStatus: nil, toStatus: nil, actorName: "x", note: nil, details: [:])
            .translated(cityUnitId: 37, cityName: "示范市", dispatched: true, signed: true) == nil)
    }

    @Test("a snapshot with a bad field is refused, naming it")
    func validation() throws {
        #expect(try snapshot().validated() == snapshot())
        func refused(_ change: (inout FederatedTicket) -> Void) -> Bool {
            var ticket = snapshot()
            change(&ticket)
            return (try? ticket.validated()) == nil
        }
        #expect(refused { $0.version = 0 })
        #expect(refused { $0.title = "  " })
        #expect(refused { $0.content = String(repeating: "长", count: 10_001) })
        #expect(refused { $0.latitude = 91 })
        #expect(refused { $0.updatedAt = now.addingTimeInterval(-1) })
        #expect(refused {
            $0.events = [FederatedEvent(seq: 5, at: now, action: .create, fromStatus: nil, toStatus: .accepted, actorName: "a", note: nil, details: [:]),
                         FederatedEvent(seq: 5, at: now, action: .accept, fromStatus: nil, toStatus: .accepted, actorName: "a", note: nil, details: [:])]
        })
    }

    @Test("the province ticket follows the city's copy: signed when the city has it, answered once the city approved a reply, handed back when refused")
    func progress() {
        #expect(UpstreamProgress.steps(city: snapshot(.accepted, upstream: 1), provinceStatus: .pendingSign) == [.sign])
        #expect(UpstreamProgress.steps(city: snapshot(.replied, reply: "草稿", upstream: 1), provinceStatus: .inProgress) == [])
        #expect(UpstreamProgress.steps(city: snapshot(.pendingCallback, reply: "已修复", upstream: 1), provinceStatus: .pendingSign)
            == [.sign, .reply("已修复")])
        #expect(UpstreamProgress.steps(city: snapshot(.closed, reply: "已修复", upstream: 1), provinceStatus: .replied) == [])
        var refused = snapshot(.rejected, upstream: 1)
        refused.rejectReason = .litigation
        #expect(UpstreamProgress.steps(city: refused, provinceStatus: .pendingSign) == [.requestReturn("市级平台不予受理：应通过诉讼解决")])
        #expect(UpstreamProgress.steps(city: refused, provinceStatus: .inProgress) == [.requestReturn("市级平台不予受理：应通过诉讼解决")])
        // The province sent the reply back (退回重办): the same reply is not given again, a new one is; a refused return is not asked again.
        #expect(UpstreamProgress.steps(city: snapshot(.closed, reply: "已修复", upstream: 1), provinceStatus: .inProgress, lastReply: "已修复") == [])
        #expect(UpstreamProgress.steps(city: snapshot(.closed, reply: "已重新修复", upstream: 1), provinceStatus: .inProgress, lastReply: "已修复")
            == [.reply("已重新修复")])
        #expect(UpstreamProgress.steps(city: refused, provinceStatus: .inProgress, askedReturn: true) == [])
    }

    @Test("identity goes up as agreed; a confidential requester never")
    func identity() {
        let person = Requester(name: "王小明", phone: "13912345678", idNumber: "11010519491231002X")
        #expect(IdentityShare.masked.shared(person, confidential: false) == Requester(name: "王**", phone: "139****5678", idNumber: "110***********002X"))
        #expect(IdentityShare.full.shared(person, confidential: false) == person)
        #expect(IdentityShare.full.shared(person, confidential: true) == Requester())
        #expect(IdentityShare.none.shared(person, confidential: false) == Requester())
    }

    @Test("scores and reconciliation")
    func scores() {
        let month = FederationQuality(cityUnitId: 1, cityName: "示范市", tickets: 200, complete: 180, received: 400, onTime: 380, hoursHeard: 700,
                                      hoursElapsed: 720, daysReconciled: 30, daysWithGaps: 1)
        #expect(month.completeness == 0.9 && month.timeliness == 0.95 && abs((month.stability ?? 0) - 700.0 / 720) < 1e-9)
        #expect(abs(month.score - (36 + 28.5 + 30 * 700.0 / 720)) < 1e-9)
        let silent = FederationQuality(cityUnitId: 1, cityName: "x", tickets: 0, complete: 0, received: 0, onTime: 0, hoursHeard: 0, hoursElapsed: 0,
                                       daysReconciled: 0, daysWithGaps: 0)
        #expect(silent.score == 0 && silent.completeness == nil)
        #expect(Reconciliation.missing(city: [1: 3, 2: 1, 3: 5], province: [1: 3, 3: 4]) == [2, 3])
    }
}

import Foundation
import HTTPTypes
import HotlineServer
import HotlineCore
import HotlineStore
import HotlineWeb
import HotlineTestSupport
import Testing

@Suite("Web: citizen portal")
struct WebPortalTests {
    /// The number and query code a "submitted" page shows.
    static func receipt(_ page: Browser.Page) -> (number: String, code: String)? {
        func between(_ start: String) -> String? {
            guard let range = page.html.range(of: start) else { return nil }
            let rest = page.html[range.upperBound...]
            return rest.firstIndex(of: "<").map { String(rest[..<$0]) }
        }
        guard let number = between("id=\"ticket-number\">"), let code = between("id=\"query-code\">") else { return nil }
        return (number, code)
    }

    @Test("a citizen submits with a photo, tracks with number and code, and rates the reply", arguments: Backend.available)
    func submitTrackEvaluate(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let citizen = Browser(api)
            let form = try await citizen.get("/portal/submit")
            #expect(form.status == 200 && form.contains("我要反映"))
            let submitted = try await citizen.postMultipart("/portal/submit", [
                ("_csrf", form.csrf ?? ""), ("_submission", form.value(of: "_submission") ?? ""), ("type", "complaint"),
                ("content", "学府路工地夜间施工噪音扰民，每晚十一点后还在打桩。"), ("address", "西山区学府路"), ("name", "李四"), ("phone", "13700001111"),
            ], files: [("photos", "../../etc/passwd.png", tinyPNG)])
            #expect(submitted.status == 200)
            let (number, code) = try #require(Self.receipt(submitted))
            #expect(number == "20261123000001" && code.count == 8)
            let ticket = try await api.t.store.ticket(number: number, for: api.city.agent)
            #expect(ticket.state.status == .screening && ticket.state.channel == .web)
            let files = try await api.t.store.files(ticketId: ticket.state.id, for: api.city.agent)
            #expect(files.count == 1 && files[0].name == "passwd.png" && files[0].source == "citizen")

            let track = try await citizen.get("/portal/track")
            let status = try await citizen.post("/portal/track", [("_csrf", track.csrf ?? ""), ("number", number), ("code", code.lowercased())])
            #expect(status.status == 200 && status.contains("待甄别") && !status.contains("id=\"evaluate\""))
            let wrong = try await citizen.post("/portal/track", [("_csrf", track.csrf ?? ""), ("number", number), ("code", "WRONG234")])
            #expect(wrong.status == 404 && wrong.contains("不正确"))

            // The center takes it through to callback; the citizen sees the reply and rates it once.
            let store = api.t.store
            let id = ticket.state.id
            for (input, actor) in [(ActionInput(code: .accept), api.city.agent),
                                   (ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), api.city.agent),
                                   (ActionInput(code: .sign), api.city.housingHandler),
                                   (ActionInput(code: .reply, note: "已责令工地晚十点后停止施工"), api.city.housingHandler),
                                   (ActionInput(code: .review, approve: true), api.city.supervisor)] {
                _ = try await store.perform(input, onTicket: id, by: actor)
            }
            let ready = try await citizen.post("/portal/track", [("_csrf", track.csrf ?? ""), ("number", number), ("code", code)])
            #expect(ready.contains("已责令工地晚十点后停止施工") && ready.contains("id=\"evaluate\""))
            let rated = try await citizen.post("/portal/evaluate", [("_csrf", track.csrf ?? ""), ("number", number), ("code", code),
                                                                    ("satisfaction", "satisfied"), ("resolved", "true"), ("comment", "谢谢")])
            #expect(rated.status == 200 && rated.contains("感谢您的评价") && rated.contains("已评价"))
            let twice = try await citizen.post("/portal/evaluate", [("_csrf", track.csrf ?? ""), ("number", number), ("code", code),
                                                                    ("satisfaction", "dissatisfied"), ("resolved", "false")])
            #expect(twice.status == 409)
            #expect(try await store.ticket(id: id, for: api.city.agent).state.satisfaction == .satisfied)
        }
    }

    @Test("随手拍 needs only identity, problem and place; bad photos and missing fields are refused and record nothing")
    func quickAndRefusals() async throws {
        try await withAPI(.sqlite) { api in
            let citizen = Browser(api)
            let form = try await citizen.get("/portal/quick")
            let base = [("_csrf", form.csrf ?? ""), ("content", "人行道井盖缺失"), ("address", "东湖路12号"), ("phone", "13700002222")]
            let noName = try await citizen.postMultipart("/portal/quick", base, files: [])
            #expect(noName.status == 400 && noName.contains("请填写姓名"))
            let script = Data("<script>alert(1)</script>".utf8)
            let fakePhoto = try await citizen.postMultipart("/portal/quick", base + [("name", "王五")], files: [("photos", "photo.jpg", script)])
            #expect(fakePhoto.status == 400 && fakePhoto.contains("文件类型不允许"))
            let big = Data([0xFF, 0xD8, 0xFF]) + Data(count: 6 * 1024 * 1024)
            let tooBig = try await citizen.postMultipart("/portal/quick", base + [("name", "王五")], files: [("photos", "big.jpg", big)])
            #expect(tooBig.status == 400 && tooBig.contains("超过5MB"))
            #expect(try await api.t.store.tickets(matching: TicketFilter(), for: api.city.agent).tickets.isEmpty)
            let ok = try await citizen.postMultipart("/portal/quick", base + [("name", "王五")], files: [("photos", "井盖.png", tinyPNG)])
            #expect(ok.status == 200 && Self.receipt(ok) != nil)
            let ticket = try #require(try await api.t.store.tickets(matching: TicketFilter(), for: api.city.agent).tickets.first)
            #expect(ticket.state.channel == .photo && ticket.location.address == "东湖路12号")
            let forged = try await Browser(api).post("/portal/submit", [("_csrf", "x"), ("content", "x"), ("address", "x"), ("phone", "13700002222")])
            #expect(forged.status == 403)
        }
    }

    @Test("portal submissions are rate-limited per address")
    func rateLimit() async throws {
        try await withAPI(.sqlite, configure: { $0.web.portalSubmissionsPerHour = 2 }) { api in
            let citizen = Browser(api)
            let form = try await citizen.get("/portal/submit")
            var statuses: [Int] = []
            for i in 0..<3 {
                let page = try await citizen.post("/portal/submit", [("_csrf", form.csrf ?? ""), ("content", "路灯不亮 \(i)"), ("address", "东湖路"),
                                                                     ("phone", "13700003333")])
                statuses.append(page.status)
            }
            #expect(statuses == [200, 200, 429])
            api.t.clock.advance(by: 3601)
            #expect(try await citizen.post("/portal/submit", [("_csrf", form.csrf ?? ""), ("content", "路灯不亮 3"), ("address", "东湖路"),
                                                              ("phone", "13700003333")]).status == 200)
        }
    }
}

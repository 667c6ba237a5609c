import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Web: assessment ranking")
struct WebAssessmentTests {
    @Test("the ranking shows groups, scores and formulas; each number opens its tickets; publishing freezes it", arguments: Backend.available)
    func ranking(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let store = api.t.store
            let city = api.city
            let created = try await store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            let id = created.ticket.state.id
            for (input, actor) in [(ActionInput(code: .dispatch, mainUnitId: city.housing.id), city.agent), (ActionInput(code: .sign), city.housingHandler)] {
                api.t.clock.advance(by: 600)
                _ = try await store.perform(input, onTicket: id, by: actor)
            }
            let supervisor = Browser(api)
            try await supervisor.login("supervisor")
            let page = try await supervisor.get("/assessment?period=2026-11")
            #expect(page.status == 200)
            for text in ["考核排名", "2026-11", "市直部门", "市住建局", "及时签收率", "100.0%", "满意数 ÷ 评价数", "本期无工单、不参与排名", "本期暂无申诉"] {
                #expect(page.contains(text), "\(text)")
            }
            #expect(!page.contains("发布本期考核结果"), "only the assessment's managers publish")
            let drill = try await supervisor.get("/assessment/drill?period=2026-11&unit=\(city.housing.id)&indicator=onTimeSigning")
            #expect(drill.status == 200 && drill.contains(created.ticket.number) && drill.contains("应签收数"))
            #expect(try await supervisor.get("/assessment?period=2026-13").status == 400)
            #expect(try await supervisor.get("/assessment/drill?period=2026-11&unit=\(city.housing.id)&indicator=nope").status == 404)

            let unit = Browser(api)
            try await unit.login("housing")
            #expect(try await unit.get("/assessment").status == 403)
            // After the month, the unit sees its own numbers and appeals one; the supervisor approves; the ticket leaves that indicator.
            api.t.clock.set(CivilDate("2026-12-02")!.instant(atMinute: 10 * 60))
            try await unit.login("housing")
            try await supervisor.login("supervisor")
            let mine = try await unit.get("/assessment/mine?period=2026-11")
            #expect(mine.status == 200 && mine.contains("本单位考核") && mine.contains("及时签收率"))
            let own = try await unit.get("/assessment/drill?period=2026-11&unit=\(city.housing.id)&indicator=onTimeSigning")
            #expect(own.status == 200 && own.contains("提出申诉"))
            #expect(try await unit.get("/assessment/drill?period=2026-11&unit=\(city.transport.id)&indicator=volume").status == 403)
            #expect(own.contains("multipart/form-data") && own.contains("证明材料"))
            let screenshot = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3])
            let filed = try await unit.postMultipart("/assessment/appeals", [("_csrf", try #require(own.csrf)), ("period", "2026-11"),
                                                                             ("indicator", "onTimeSigning"), ("ticketId", String(id)), ("reason", "系统故障")],
                                                     files: [("files", "故障截图.png", screenshot)])
            #expect(filed.status == 303 && filed.location == "/assessment/mine?period=2026-11")
            #expect(try await unit.get("/assessment/mine?period=2026-11").contains("待审核"))
            let desk = try await supervisor.get("/assessment?period=2026-11")
            #expect(desk.contains("系统故障") && desk.contains("同意核减") && desk.contains("故障截图.png"))
            let fileId = try #require(try await store.appealFiles(store.appeals(period: AssessmentPeriod("2026-11")!, for: city.supervisor)).values.first?.first?.id)
            #expect(desk.contains("/files/\(fileId)"))
            let download = try await supervisor.get("/files/\(fileId)")
            #expect(download.status == 200)
            let appealId = try #require(try await store.appeals(period: AssessmentPeriod("2026-11")!, for: city.supervisor).first?.id)
            let decided = try await supervisor.post("/assessment/appeals/\(appealId)/decision",
                                                    [("_csrf", try #require(desk.csrf)), ("approve", "true"), ("note", "第三方评议属实")])
            #expect(decided.status == 303)
            let after = try await supervisor.get("/assessment/drill?period=2026-11&unit=\(city.housing.id)&indicator=onTimeSigning")
            #expect(after.contains("申诉核减（不计入）") && after.contains(created.ticket.number))

            let admin = Browser(api)
            try await admin.login("admin")
            let before = try await admin.get("/assessment?period=2026-11")
            #expect(before.contains("发布本期考核结果"))
            let published = try await admin.post("/assessment/publish", [("_csrf", try #require(before.csrf)), ("period", "2026-11")])
            #expect(published.status == 303 && published.location == "/assessment?period=2026-11&published=1")
            let frozen = try await admin.get("/assessment?period=2026-11&published=1")
            #expect(frozen.status == 200 && frozen.contains("已发布第1版"))
            #expect(try await admin.post("/assessment/publish", [("_csrf", "forged"), ("period", "2026-11")]).status == 403)
            #expect(try await admin.get("/assessment?period=2026-11&published=9").status == 404)
        }
    }
}

import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("Web: knowledge base, suggestions, gazetteer, rules and models")
struct WebKnowledgeTests {
    @Test("an editor writes an entry in pages, another verifies it, agents find it highlighted and report an error")
    func knowledgePages() async throws {
        try await withAPI(.sqlite) { api in
            try await KnowledgeAPITests.editors(api)
            let editor = Browser(api)
            try await editor.login("editor")
            let form = try await editor.get("/kb/new")
            #expect(form.status == 200 && form.contains("标准答案"))
            let created = try await editor.post("/kb/new", [("_csrf", form.csrf ?? ""), ("question", "社保卡丢了怎么补办？"),
                                                            ("variants", "社保卡丢失\n补办社保卡"), ("answer", "携带身份证到人社服务大厅补办。"),
                                                            ("categoryCode", "080199"), ("sourceUnitId", ""), ("tags", "社保卡 补办")])
            #expect(created.status == 303)
            let path = try #require(created.location?.split(separator: "?").first.map(String.init))
            let bad = try await editor.post("/kb/new", [("_csrf", form.csrf ?? ""), ("question", ""), ("answer", "x")])
            #expect(bad.status == 400 && bad.contains("question"))
            var page = try await editor.get(path)
            #expect(page.contains("工作稿") && page.contains("value=\"submit\"") && page.contains("name=\"version\" value=\"1\""))
            #expect(page.contains("查看该版本内容"), "every version can be read again from the history")
            _ = try await editor.post(path + "/act", [("_csrf", page.csrf ?? ""), ("action", "submit")])
            page = try await editor.get(path)
            #expect(!page.contains("value=\"approve\""), "no one verifies their own edit")
            let reviewer = Browser(api)
            try await reviewer.login("editor2")
            #expect(try await reviewer.get("/kb").contains("社保卡丢了怎么补办？"))
            let rejected = try await reviewer.post(path + "/act", [("_csrf", try await reviewer.csrf("/kb")), ("action", "reject")])
            #expect(rejected.status == 400)
            let moved = try await reviewer.post(path + "/act", [("_csrf", try await reviewer.csrf("/kb")), ("action", "approve"), ("version", "0")])
            #expect(moved.status == 409 && moved.contains("已被他人修改"), "approval is of the version the reviewer read")
            let approved = try await reviewer.post(path + "/act", [("_csrf", try await reviewer.csrf("/kb")), ("action", "approve"), ("version", "1")])
            #expect(approved.status == 303)

            let agent = Browser(api)
            try await agent.login("agent")
            let search = try await agent.get("/kb?q=%E8%A1%A5%E5%8A%9E%E7%A4%BE%E4%BF%9D%E5%8D%A1")  // 补办社保卡
            #expect(search.contains("<mark>") && search.contains("社保卡"))
            let entry = try await agent.get(path)
            #expect(entry.contains("携带身份证") && !entry.contains("工作稿") && entry.contains("报告差错"))
            let reported = try await agent.post(path + "/report", [("_csrf", entry.csrf ?? ""), ("text", "还可以在电子社保卡上补办")])
            #expect(reported.contains("已提交纠错报告"))
            _ = try await agent.post(path + "/feedback", [("_csrf", entry.csrf ?? ""), ("helpful", "true")])
            let reports = try await editor.get("/kb/reports")
            #expect(reports.contains("还可以在电子社保卡上补办"))
            let synonyms = try await editor.post("/kb/synonyms", [("_csrf", reports.csrf ?? ""), ("groups", "社会保障卡 社保卡\n医保,医疗保险")])
            #expect(synonyms.contains("已保存") && synonyms.contains("医保 医疗保险"))
            #expect(try await agent.get("/kb/synonyms").status == 403)
        }
    }

    @Test("the console's suggestions panel and the portal's answers appear as the text is typed")
    func suggestionFragments() async throws {
        try await withAPI(.sqlite) { api in
            try await KnowledgeAPITests.editors(api)
            let store = api.t.store
            let editor = try #require(try await store.users(visibleTo: api.city.admin).first { $0.username == "editor" })
            let editor2 = try #require(try await store.users(visibleTo: api.city.admin).first { $0.username == "editor2" })
            func actor(_ user: User) -> Actor {
                Actor.user(id: user.id, name: user.displayName, role: user.role, unitId: user.unitId, unitPath: api.city.center.path, centerId: api.city.center.id)
            }
            let entry = try await store.createKnowledge(KnowledgeContent(question: "路灯坏了找谁？", answer: "拨打12345或联系城管报修。"), by: actor(editor))
            _ = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: actor(editor))
            _ = try await store.knowledgeAction(id: entry.id, .approve, note: "", by: actor(editor2))
            let agent = Browser(api)
            try await agent.login("agent")
            let csrf = try await agent.csrf("/console")
            let panel = try await agent.post("/console/suggest", [("_csrf", csrf), ("content", "东湖路路灯坏了好几天")])
            #expect(panel.status == 200 && panel.contains("拨打12345或联系城管报修") && panel.contains("data-fill=\"answer\""))
            let emergency = try await agent.post("/console/suggest", [("_csrf", csrf), ("content", "有人被困在电梯里出不来了")])
            #expect(emergency.contains("class=\"emergency\"") && emergency.contains("119"))
            #expect(try await agent.post("/console/suggest", [("_csrf", "x"), ("content", "路灯")]).status == 403)

            let citizen = Browser(api)
            let form = try await citizen.get("/portal/submit")
            let answers = try await citizen.post("/portal/suggest", [("_csrf", form.csrf ?? ""), ("content", "路灯坏了")])
            #expect(answers.status == 200 && answers.contains("拨打12345或联系城管报修"))
            let fire = try await citizen.post("/portal/suggest", [("_csrf", form.csrf ?? ""), ("content", "楼下着火了，烟很大")])
            #expect(fire.contains("119"))
            // 常见问题: citizens search published answers only; what they typed comes back escaped.
            _ = try await store.createKnowledge(KnowledgeContent(question: "路灯草稿问题？", answer: "尚未校核的答案。"), by: actor(editor))
            let query = try #require("路灯<b>".addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let faq = try await citizen.get("/portal/kb?q=" + query)
            #expect(faq.status == 200 && faq.contains("拨打12345或联系城管报修") && !faq.contains("尚未校核的答案"))
            #expect(faq.contains("value=\"路灯&lt;b&gt;\"") && !faq.contains("路灯<b>"))
            let empty = try await citizen.get("/portal/kb")
            #expect(empty.status == 200 && empty.contains("常见问题") && !empty.contains("没有找到相关知识"))
            // Answering a caller with an entry counts a use of it.
            _ = try await agent.post("/console/intake", [("_csrf", csrf), ("_intake", "k1"), ("channel", "phone"), ("type", "consultation"),
                                                         ("content", "路灯坏了找谁"), ("next", "answer"), ("answer", "拨打12345或联系城管报修。"),
                                                         ("kbEntryId", String(entry.id))])
            #expect(try await store.knowledge(id: entry.id, for: api.city.agent).usageCount == 1)
        }
    }

    @Test("admins keep the gazetteer, routing rules and models in pages")
    func adminIntelligence() async throws {
        try await withAPI(.sqlite) { api in
            let admin = Browser(api)
            try await admin.login("admin")
            let csrf = try await admin.csrf("/admin/places")
            let district = try await admin.post("/admin/places", [("_csrf", csrf), ("name", "东湖区"), ("kind", "district"), ("unitId", String(api.city.district.id))])
            #expect(district.status == 200 && district.contains("东湖区"))
            let parent = try #require(try await api.t.store.places(centerId: api.city.center.id).first?.id)
            let estate = try await admin.post("/admin/places", [("_csrf", csrf), ("name", "滨江花园"), ("aliases", "滨江小区 滨江花园小区"), ("kind", "estate"),
                                                                ("parentId", String(parent))])
            #expect(estate.contains("滨江小区"))
            let rule = try await admin.post("/admin/routing", [("_csrf", csrf), ("categoryPrefix", "0305"), ("unitId", String(api.city.transport.id))])
            #expect(rule.status == 200 && rule.contains("0305") && rule.contains(api.city.transport.name))
            #expect(try await admin.post("/admin/routing", [("_csrf", csrf), ("categoryPrefix", "03x"), ("unitId", String(api.city.transport.id))]).status == 400)
            let models = try await admin.post("/admin/models/train", [("_csrf", csrf)])
            #expect(models.status == 200 && models.contains("已办结工单不足"))
            #expect(try await admin.get("/admin/models").contains("尚未训练模型"))
            let agent = Browser(api)
            try await agent.login("agent")
            #expect(try await agent.get("/admin/places").status == 403)
        }
    }
}

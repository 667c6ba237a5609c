import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Logging
import Testing

@Suite("Knowledge base, models and intelligence in the store")
struct KnowledgeStoreTests {
    static func content(_ question: String, _ answer: String, source: Int64? = nil, variants: [String] = [], tags: [String] = []) -> KnowledgeContent {
        KnowledgeContent(question: question, variants: variants, answer: answer, categoryCode: "080199", sourceUnitId: source, tags: tags)
    }

    /// An editor, and the other users the knowledge tests need.
    static func people(_ t: TestDatabase, _ city: TestCity) async throws -> (editor: Actor, editor2: Actor) {
        func user(_ name: String) async throws -> Actor {
            let user = try await t.store.createUser(username: name, displayName: name, password: TestCity.password, role: .kbEditor, unitId: city.center.id, by: .system)
            return Actor.user(id: user.id, name: name, role: .kbEditor, unitId: city.center.id, unitPath: city.center.path, centerId: city.center.id)
        }
        return (try await user("editor"), try await user("editor2"))
    }

    @Test("write, verify by the source unit, publish; the front line sees only the verified version", arguments: Backend.available)
    func workflow(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let (editor, _) = try await Self.people(t, city)
            let store = t.store
            var entry = try await store.createKnowledge(Self.content("物业费怎么收？", "按合同约定收取。", source: city.housing.id), by: editor)
            #expect(await #expect(throws: HotlineError.self) { try await store.knowledge(id: entry.id, for: city.agent) }?.httpStatus == 404)
            entry = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: editor)
            let refused = await #expect(throws: HotlineError.self) { try await store.knowledgeAction(id: entry.id, .approve, note: "", by: city.transportHandler) }
            #expect(refused?.httpStatus == 403)
            entry = try await store.knowledgeAction(id: entry.id, .approve, note: "已核实", by: city.housingHandler)
            #expect(entry.status == .published && entry.liveVersion == 1)
            #expect(try await store.knowledge(id: entry.id, for: city.agent).live?.answer == "按合同约定收取。")
            // A change waits for verification; the verified answer stays live meanwhile.
            entry = try await store.editKnowledge(id: entry.id, content: Self.content("物业费怎么收？", "按合同和物价部门规定收取。", source: city.housing.id),
                                                  expectedVersion: 1, by: editor)
            #expect(entry.status == .draft && entry.version == 2 && entry.live?.answer == "按合同约定收取。")
            let stale = await #expect(throws: HotlineError.self) {
                try await store.editKnowledge(id: entry.id, content: Self.content("x", "y", source: city.housing.id), expectedVersion: 1, by: editor)
            }
            #expect(stale?.code == .concurrentUpdate)
            let history = try await store.knowledgeHistory(id: entry.id, for: editor)
            #expect(history.map(\.action) == [.edit, .submit, .approve, .edit] && history[0].snapshot?.answer == "按合同约定收取。")
            #expect(try await store.knowledgeHistory(id: entry.id, for: city.agent).isEmpty)
            // Lists: the source unit sees its review queue; an agent sees live entries only.
            var queue = KnowledgeFilter()
            queue.toVerify = true
            queue.statuses = [.pendingReview]
            _ = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: editor)
            #expect(try await store.knowledgeList(queue, for: city.housingHandler).map(\.id) == [entry.id])
            #expect(try await store.knowledgeList(queue, for: city.transportHandler).isEmpty)
            let other = try await store.createKnowledge(Self.content("草稿", "未发布"), by: editor)
            #expect(!(try await store.knowledgeList(KnowledgeFilter(), for: city.agent)).contains { $0.id == other.id })
            #expect(try await store.knowledgeList(KnowledgeFilter(), for: city.otherAgent).isEmpty)
            // An agent's list shows what is live, never the working copy; a text filter looks only at what each may see.
            _ = try await store.editKnowledge(id: entry.id, content: Self.content("物业服务费标准（修订中）", "新的答案", source: city.housing.id),
                                              expectedVersion: nil, by: editor)
            #expect(try await store.knowledgeList(KnowledgeFilter(), for: city.agent).first { $0.id == entry.id }?.content.question == "物业费怎么收？")
            var search = KnowledgeFilter()
            search.text = "修订中"
            #expect(try await store.knowledgeList(search, for: city.agent).isEmpty)
            #expect(try await store.knowledgeList(search, for: city.transportHandler).isEmpty)
            #expect(try await store.knowledgeList(search, for: city.housingHandler).map(\.id) == [entry.id])
            search.text = "物价部门"
            #expect(try await store.knowledgeList(search, for: city.agent).isEmpty, "only the unverified working copy said it")
            search.text = "合同约定"
            #expect(try await store.knowledgeList(search, for: city.agent).map(\.id) == [entry.id])
            // Another unit sees the live version as published, never the working copy's status or version.
            var drafts = KnowledgeFilter()
            drafts.statuses = [.draft]
            #expect(try await store.knowledgeList(drafts, for: city.transportHandler).isEmpty)
            #expect(try await store.knowledgeList(drafts, for: city.housingHandler).map(\.id) == [entry.id])
            var published = KnowledgeFilter()
            published.statuses = [.published]
            let seen = try #require(try await store.knowledgeList(published, for: city.transportHandler).first { $0.id == entry.id })
            #expect(seen.status == .published && seen.version == 1 && seen.content.question == "物业费怎么收？")
            // A verifier approves exactly the version they read.
            _ = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: editor)
            let read = try await store.knowledge(id: entry.id, for: city.housingHandler)
            let moved = await #expect(throws: HotlineError.self) {
                try await store.knowledgeAction(id: entry.id, .approve, note: "", expectedVersion: read.version - 1, by: city.housingHandler)
            }
            #expect(moved?.code == .concurrentUpdate)
            let long = await #expect(throws: HotlineError.self) {
                try await store.knowledgeAction(id: entry.id, .reject, note: String(repeating: "长", count: 2001), by: city.housingHandler)
            }
            #expect(long?.httpStatus == 400)
            let approved = try await store.knowledgeAction(id: entry.id, .approve, note: "", expectedVersion: read.version, by: city.housingHandler)
            #expect(approved.live?.question == "物业服务费标准（修订中）")
        }
    }

    @Test("search finds live entries by synonym, highlights them, and follows changes on every node", arguments: Backend.available)
    func search(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let (editor, editor2) = try await Self.people(t, city)
            let store = t.store
            try await store.setSynonymGroups([["医疗保险", "医保"], ["住房公积金", "公积金"]], by: editor)
            // Another center's synonyms are its own: they change neither this center's table nor its searches.
            let otherUser = try await store.createUser(username: "other-editor", displayName: "other", password: TestCity.password, role: .kbEditor,
                                                       unitId: city.otherCenter.id, by: .system)
            let otherEditor = Actor.user(id: otherUser.id, name: "other", role: .kbEditor, unitId: city.otherCenter.id, unitPath: city.otherCenter.path,
                                         centerId: city.otherCenter.id)
            try await store.setSynonymGroups([["医保", "公积金"]], by: otherEditor)
            #expect(try await store.synonymGroups(centerId: city.center.id) == [["医疗保险", "医保"], ["住房公积金", "公积金"]])
            #expect(try await store.synonymGroups(centerId: city.otherCenter.id) == [["医保", "公积金"]])
            func publish(_ content: KnowledgeContent) async throws -> Int64 {
                let entry = try await store.createKnowledge(content, by: editor)
                _ = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: editor)
                return try await store.knowledgeAction(id: entry.id, .approve, note: "", by: editor2).id
            }
            let medical = try await publish(Self.content("异地就医怎么报销医疗保险？", "先办理异地就医备案，再直接结算。", variants: ["在外地住院怎么报销"]))
            let fund = try await publish(Self.content("住房公积金怎么提取？", "购房、租房可申请提取住房公积金。"))
            _ = try await store.createKnowledge(Self.content("医保草稿", "未发布的医保答案"), by: editor)
            // Two nodes: each keeps its own index over the same database.
            let nodeA = KnowledgeIndex(store: store, refreshInterval: 0)
            let secondDatabase = try await Database.open(url: t.url, logger: .init(label: "node-b"))
            let pool = Task { await secondDatabase.run() }
            defer { pool.cancel() }
            let nodeB = KnowledgeIndex(store: Store(database: secondDatabase, cipher: t.cipher, clock: t.clock.wallClock), refreshInterval: 0)
            let today = CivilDate(t.clock.now)
            let hits = try await nodeA.search("医保报销", centerId: city.center.id, on: today)
            #expect(hits.first?.id == medical && hits.count == 1)
            #expect(hits.first?.question.segments.contains { $0.highlighted && $0.text.contains("医疗保险") } == true)
            #expect(try await nodeB.search("公积金", centerId: city.center.id, on: today).first?.id == fund)
            #expect(try await nodeB.search("公积金", centerId: city.otherCenter.id, on: today).isEmpty)
            // An approved change on node A's database is found by node B; an archived entry disappears from both.
            _ = try await store.editKnowledge(id: fund, content: Self.content("住房公积金怎么提取？", "购房、租房、退休均可申请提取，线上办理。"),
                                              expectedVersion: nil, by: editor)
            #expect(!(try await nodeB.search("线上办理", centerId: city.center.id, on: today)).contains { $0.id == fund }, "not live until approved")
            _ = try await store.knowledgeAction(id: fund, .submit, note: "", by: editor)
            _ = try await store.knowledgeAction(id: fund, .approve, note: "", by: editor2)
            #expect(try await nodeB.search("线上办理", centerId: city.center.id, on: today).first?.id == fund)
            _ = try await store.knowledgeAction(id: medical, .archive, note: "政策调整", by: editor)
            #expect(try await nodeA.search("医保报销", centerId: city.center.id, on: today).isEmpty)
            #expect(try await nodeB.search("医保报销", centerId: city.center.id, on: today).isEmpty)
            await secondDatabase.close()
        }
    }

    @Test("errors are reported by the front line and resolved by the source; usage is counted", arguments: Backend.available)
    func reportsAndUsage(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let (editor, _) = try await Self.people(t, city)
            let store = t.store
            let entry = try await store.createKnowledge(Self.content("房屋维修基金怎么用？", "业主大会决定使用。", source: city.housing.id), by: editor)
            _ = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: editor)
            _ = try await store.knowledgeAction(id: entry.id, .approve, note: "", by: city.housingHandler)
            let report = try await store.reportKnowledgeError(id: entry.id, text: "还需要专有部分占建筑物总面积三分之二以上的业主同意", by: city.agent)
            #expect(try await store.knowledgeReports(status: .open, for: city.transportHandler).isEmpty)
            #expect(try await store.knowledgeReports(status: nil, for: city.agent).isEmpty)
            #expect(try await store.knowledgeReports(status: .open, for: city.housingHandler).map(\.id) == [report.id])
            try await store.resolveKnowledgeReport(id: report.id, dismiss: false, resolution: "已补充表决规则", by: city.housingHandler)
            #expect(await #expect(throws: HotlineError.self) {
                try await store.resolveKnowledgeReport(id: report.id, dismiss: true, resolution: "再次", by: city.housingHandler)
            }?.httpStatus == 409)
            let index = KnowledgeIndex(store: store, refreshInterval: 0)
            let today = CivilDate(t.clock.now)
            #expect(try await index.search("维修基金", centerId: city.center.id, on: today).first?.usageCount == 0)
            try await store.recordKnowledgeUse(id: entry.id, helpful: true, used: true, centerId: city.center.id)
            try await store.recordKnowledgeUse(id: entry.id, helpful: false, used: false, centerId: city.center.id)
            let counted = try await store.knowledge(id: entry.id, for: city.agent)
            #expect(counted.usageCount == 1 && counted.helpfulCount == 1 && counted.unhelpfulCount == 1)
            let hit = try await index.search("维修基金", centerId: city.center.id, on: today).first
            #expect(hit?.usageCount == 1 && hit?.helpfulCount == 1, "search hits show the counts as they change")
            #expect(await #expect(throws: HotlineError.self) { try await store.setSynonymGroups([["a", "b"]], by: city.agent) }?.httpStatus == 403)
        }
    }

    /// Closed tickets about two kinds of matter, each with its category and unit, imported as a city's history.
    static func history(_ t: TestDatabase, _ city: TestCity) async throws -> TicketImportSummary {
        let lights = ["东湖路路灯不亮好几天了", "小区门口路灯坏了晚上很黑", "人民路一段路灯全灭", "学府路路灯闪烁不停", "滨江大道路灯白天也亮着"]
        let wages = ["工地拖欠工资三个月", "公司老板欠薪跑路了", "辞职后工资一直不发", "包工头拖欠农民工工资", "加班工资没有按规定支付"]
        var tickets: [HistoricalTicket] = []
        for round in 0..<4 {
            for (i, text) in lights.enumerated() {
                tickets.append(HistoricalTicket(line: tickets.count + 2, title: "路灯问题\(round)\(i)", content: text, category: "030599", unit: "市交通局",
                                                createdAt: TestDatabase.start.addingTimeInterval(-Double(86400 * (10 + round))), reply: "已修复"))
            }
            for (i, text) in wages.enumerated() {
                tickets.append(HistoricalTicket(line: tickets.count + 2, title: "欠薪\(round)\(i)", content: text, category: "080199", unit: "市住建局",
                                                createdAt: TestDatabase.start.addingTimeInterval(-Double(86400 * (10 + round))), reply: "已追回"))
            }
        }
        let importer = Actor(kind: .system, userId: nil, name: "导入", role: nil, unitId: nil, unitPath: [], centerId: city.center.id)
        return try await t.store.importHistoricalTickets(tickets, centerId: city.center.id, by: importer)
    }

    @Test("history imports as closed tickets; models train from it, persist, and roll back", arguments: Backend.available)
    func models(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let store = t.store
            let summary = try await Self.history(t, city)
            #expect(summary.imported == 40 && summary.mappings.contains { $0.contains("市交通局") })
            // Running the same file again records nothing twice.
            let again = try await Self.history(t, city)
            #expect(again.imported == 0 && again.alreadyImported == 40)
            let housingView = try await store.tickets(matching: TicketFilter(), for: city.housingHandler)
            #expect(housingView.tickets.count == 20 && housingView.tickets.allSatisfy { $0.state.status == .closed })
            #expect(try await store.verifyAuditChain().broken == nil)

            let center = city.center.id
            let first = try #require(try await store.train(.category, centerId: center, minimumExamples: 10, by: .system))
            #expect(first.model.version == 1 && first.model.active && first.model.examples == 40 && first.model.labels == 2)
            #expect(first.model.centerId == center)
            let second = try #require(try await store.train(.category, centerId: center, minimumExamples: 10, by: .system))
            #expect(second.model.version == 2)
            let (activeId, data) = try #require(try await store.activeModel(.category, centerId: center))
            #expect(activeId == second.model.id)
            let model = try TextClassifier(serialized: data)
            #expect(model.classify(TextClassifier.input(title: "路灯", detail: "解放路路灯不亮")) == "030599")
            #expect(model.classify(TextClassifier.input(title: "欠薪", detail: "老板拖欠工资")) == "080199")
            // Another center's admin cannot roll this center's model back; this center's can.
            #expect(await #expect(throws: HotlineError.self) {
                try await store.activateModel(id: first.model.id, by: city.otherAdmin)
            }?.httpStatus == 404)
            _ = try await store.activateModel(id: first.model.id, by: city.admin)
            #expect(try await store.activeModel(.category, centerId: center)?.id == first.model.id)
            #expect(try await store.models(centerId: center).filter { $0.kind == .category && $0.active }.count == 1)
            let unit = try #require(try await store.train(.unit, centerId: center, minimumExamples: 10, by: .system))
            #expect(unit.model.labels == 2)
            #expect(try await store.train(.unit, centerId: center, minimumExamples: 1000, by: .system) == nil)
            // The other center has no history: it gets no model, and sees none of this center's.
            #expect(try await store.train(.category, centerId: city.otherCenter.id, minimumExamples: 10, by: .system) == nil)
            #expect(try await store.models(centerId: city.otherCenter.id).isEmpty)
            #expect(try await store.activeModel(.category, centerId: city.otherCenter.id) == nil)
            // One node trains a center's kind at a time: a second training is refused while the first holds the lock.
            #expect(try await store.tryLock("train-\(center)-unit", holder: "other node", seconds: 60))
            #expect(await #expect(throws: HotlineError.self) {
                try await store.train(.unit, centerId: center, minimumExamples: 10, by: .system)
            }?.code == .trainingInProgress)
            t.clock.advance(by: 61)
            #expect(try await store.train(.unit, centerId: center, minimumExamples: 10, by: .system)?.model.version == 2)
            #expect(try await store.models(centerId: center).filter { $0.kind == .unit && $0.active }.map(\.version) == [2])
        }
    }

    @Test("the advisor suggests categories, units by model, rule and place, emergencies, similar tickets and answers", arguments: Backend.available)
    func advisor(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let store = t.store
            _ = try await Self.history(t, city)
            _ = try await store.train(.category, centerId: city.center.id, minimumExamples: 10, by: .system)
            _ = try await store.train(.unit, centerId: city.center.id, minimumExamples: 10, by: .system)
            try await store.addRoutingRule(RoutingRule(categoryPrefix: "0305", unitId: city.transport.id), centerId: city.center.id, by: .system)
            let district = try #require(try await store.addPlaces([Place(id: 0, name: "东湖区", kind: .district, unitID: city.district.id)],
                                                                 centerId: city.center.id, by: .system).first)
            try await store.addPlaces([Place(id: 0, name: "滨江花园", aliases: ["滨江小区"], kind: .estate, parentID: district.id)], centerId: city.center.id, by: .system)
            // A parent must be a place of the same center.
            for parent in [999_999, district.id] {
                let refused = await #expect(throws: HotlineError.self) {
                    try await store.addPlaces([Place(id: 0, name: "无主小区", kind: .estate, parentID: parent)], centerId: city.otherCenter.id, by: .system)
                }
                #expect(refused?.code == .unknownPlace)
            }
            let (editor, editor2) = try await Self.people(t, city)
            let entry = try await store.createKnowledge(Self.content("路灯坏了找谁？", "拨打12345或联系城管部门报修。"), by: editor)
            _ = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: editor)
            _ = try await store.knowledgeAction(id: entry.id, .approve, note: "", by: editor2)
            var open = TestCity.draft(title: "滨江花园路灯不亮", phone: "13900000001")
            open.content = "滨江花园北门的路灯坏了一周，晚上很黑。"
            let openId = try await store.createTicket(open, centerId: city.center.id, by: city.agent).ticket.state.id

            let advisor = Advisor(store: store, refreshInterval: 0)
            let s = try await advisor.suggest(title: "路灯不亮", content: "滨江小区门口路灯坏了好几天，晚上太黑", address: nil, categoryCode: nil,
                                              centerId: city.center.id)
            #expect(s.categories.first?.code == "030599" && s.categories.first?.words.isEmpty == false)
            let transport = try #require(s.units.first { $0.unitId == city.transport.id })
            #expect(transport.reasons.contains { $0.contains("历史工单") } && transport.reasons.contains { $0.contains("派单规则") })
            #expect(s.units.contains { $0.unitId == city.district.id && $0.reasons.contains { $0.contains("滨江小区") } })
            #expect(s.similar.first?.ticketId == openId && s.similar.first?.explanation.contains("同一地点") == true)
            #expect(s.answers.first?.id == entry.id)
            #expect(s.emergency == nil)
            let gas = try await advisor.suggest(title: "", content: "楼道里闻到很浓的煤气味", address: nil, categoryCode: nil, centerId: city.center.id)
            #expect(gas.emergency?.lines.map(\.rawValue).contains("119") == true)
            let other = try await advisor.suggest(title: "路灯不亮", content: "滨江小区门口路灯坏了", address: nil, categoryCode: nil, centerId: city.otherCenter.id)
            #expect(other.similar.isEmpty && other.answers.isEmpty && other.units.isEmpty)
            // A ticket that ends leaves the duplicate index.
            _ = try await store.perform(ActionInput(code: .answerOnContact, note: "已告知报修途径"), onTicket: openId, by: city.agent)
            let after = try await advisor.suggest(title: "路灯不亮", content: "滨江小区门口路灯坏了好几天", address: nil, categoryCode: nil,
                                                  centerId: city.center.id)
            #expect(!after.similar.contains { $0.ticketId == openId })
            // A ticket that becomes visible after the advisor's last look although stamped before it (a slow transaction,
            // another node's clock a little behind) is still picked up.
            t.clock.advance(by: -60)
            var late = TestCity.draft(title: "滨江花园路灯又坏了", phone: "13900000002")
            late.content = "滨江花园北门的路灯又坏了，晚上很黑。"
            let lateId = try await store.createTicket(late, centerId: city.center.id, by: city.agent).ticket.state.id
            t.clock.advance(by: 60)
            let again = try await advisor.suggest(title: "路灯不亮", content: "滨江小区门口路灯坏了好几天", address: nil, categoryCode: nil,
                                                  centerId: city.center.id)
            #expect(again.similar.contains { $0.ticketId == lateId })
            // A place added to the gazetteer re-keys the open tickets already held: the same estate now counts.
            var rubbish = TestCity.draft(title: "翠湖苑垃圾没人清", phone: "13900000003")
            rubbish.content = "翠湖苑小区门口的垃圾堆了三天没人清运，臭气熏天。"
            let rubbishId = try await store.createTicket(rubbish, centerId: city.center.id, by: city.agent).ticket.state.id
            func rubbishMatch() async throws -> String? {
                try await advisor.suggest(title: "垃圾没人清", content: "翠湖苑小区门口垃圾堆了好几天没人清运", address: nil, categoryCode: nil,
                                          centerId: city.center.id).similar.first { $0.ticketId == rubbishId }?.explanation
            }
            #expect(try await rubbishMatch()?.contains("同一地点") == false)
            try await store.addPlaces([Place(id: 0, name: "翠湖苑", kind: .estate, parentID: district.id)], centerId: city.center.id, by: .system)
            #expect(try await rubbishMatch()?.contains("同一地点") == true)
        }
    }
}

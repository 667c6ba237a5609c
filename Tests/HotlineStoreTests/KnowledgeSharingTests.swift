import Foundation
import HotlineCore
import HotlineStore
import HotlineTestSupport
import Testing

@Suite("A shared knowledge base: two platforms, files")
struct KnowledgeSharingTests {
    @Test("a follower keeps a source's verified entries read-only at their versions, archives what the source archives, sends reports back",
          arguments: Backend.available)
    func sharing(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { s in
            let source = try await TestCity.make(s.store)
            let sub = try await s.store.createUnit(name: "12315分中心", kind: .subCenter, parentId: source.center.id, by: .system)
            let user = try await s.store.createUser(username: "follower", displayName: "分中心系统", password: TestCity.password, role: .linkedSystem,
                                                    unitId: sub.id, by: .system)
            let follower = Actor.user(id: user.id, name: "分中心系统", role: .linkedSystem, unitId: sub.id, unitPath: sub.path, centerId: source.center.id)
            func publish(_ question: String, _ answer: String, category: String) async throws -> KnowledgeEntry {
                let entry = try await s.store.createKnowledge(KnowledgeContent(question: question, answer: answer, categoryCode: category,
                                                                               sourceUnitId: source.housing.id), by: source.admin)
                _ = try await s.store.knowledgeAction(id: entry.id, .submit, note: "", by: source.admin)
                return try await s.store.knowledgeAction(id: entry.id, .approve, note: "已核实", by: source.housingHandler)
            }
            let fee = try await publish("物业费怎么收？", "按合同约定收取。", category: "080199")
            let other = try await publish("公积金怎么提取？", "凭身份证到公积金中心办理。", category: "020101")
            _ = try await s.store.createKnowledge(KnowledgeContent(question: "草稿", answer: "未发布"), by: source.admin)
            #expect(await statusOf { _ = try await s.store.sharedKnowledge(after: 0, limit: 100, for: source.agent) } == 403)
            let page = try await s.store.sharedKnowledge(after: 0, limit: 100, for: follower)
            #expect(page.entries.map(\.question) == ["物业费怎么收？", "公积金怎么提取？"] && page.entries.allSatisfy { $0.version == 1 })
            #expect(page.entries.first?.source == source.center.name && !page.more)

            try await withTestDatabase(backend) { f in
                let city = try await TestCity.make(f.store)
                let followed = try await f.store.saveKnowledgeSource(name: "省12345平台", url: "https://12345.province.example.gov.cn", apiKey: "hlk_issued",
                                                                     categories: ["08"], active: true, by: city.admin)
                #expect(await statusOf { _ = try await f.store.saveKnowledgeSource(name: "x", url: "javascript:1", apiKey: "hlk_a", categories: [],
                                                                                   active: true, by: city.admin) } == 400)
                let first = try await f.store.applySharedKnowledge(sourceId: followed.id, from: 0, page)
                #expect(first == { var o = SharedKnowledgeOutcome(); o.applied = 1; o.skipped = 1; return o }())
                // The same page again (another node, a retry) does nothing: the cursor has moved.
                #expect(try await f.store.applySharedKnowledge(sourceId: followed.id, from: 0, page) == SharedKnowledgeOutcome())
                let copies = try await f.store.knowledgeList(KnowledgeFilter(), for: city.admin).filter(\.shared)
                let copy = try #require(copies.first)
                #expect(copies.count == 1 && copy.status == .published && copy.origin == "省12345平台 · 第1版" && copy.live?.answer == "按合同约定收取。")
                #expect(await statusOf { _ = try await f.store.editKnowledge(id: copy.id, content: KnowledgeContent(question: "改", answer: "改"),
                                                                             expectedVersion: nil, by: city.admin) } == 409)
                #expect(await statusOf { _ = try await f.store.knowledgeAction(id: copy.id, .archive, note: "", by: city.admin) } == 409)
                _ = try await f.store.reportKnowledgeError(id: copy.id, text: "收费标准已调整", by: city.agent)
                let reports = try await f.store.reportsToForward(sourceId: followed.id)
                #expect(reports.map(\.entryId) == [fee.id] && reports.first?.text.hasPrefix("收费标准已调整") == true)
                try await f.store.markReportForwarded(reports[0].reportId)
                #expect(try await f.store.reportsToForward(sourceId: followed.id).isEmpty)

                // A new version, then the source archives it.
                _ = try await s.store.editKnowledge(id: fee.id, content: KnowledgeContent(question: "物业费怎么收？", answer: "按新标准收取。", categoryCode: "080199",
                                                                                          sourceUnitId: source.housing.id), expectedVersion: nil, by: source.admin)
                _ = try await s.store.knowledgeAction(id: fee.id, .submit, note: "", by: source.admin)
                _ = try await s.store.knowledgeAction(id: fee.id, .approve, note: "", by: source.housingHandler)
                let second = try await s.store.sharedKnowledge(after: page.cursor, limit: 100, for: follower)
                #expect(second.entries.map(\.version) == [2])
                #expect(try await f.store.applySharedKnowledge(sourceId: followed.id, from: page.cursor, second).applied == 1)
                let updated = try await f.store.knowledge(id: copy.id, for: city.agent)
                #expect(updated.live?.answer == "按新标准收取。" && updated.origin == "省12345平台 · 第2版")
                _ = try await s.store.knowledgeAction(id: fee.id, .archive, note: "政策废止", by: source.admin)
                let third = try await s.store.sharedKnowledge(after: second.cursor, limit: 100, for: follower)
                #expect(third.entries.map(\.archived) == [true])
                _ = try await f.store.applySharedKnowledge(sourceId: followed.id, from: second.cursor, third)
                #expect(await statusOf { _ = try await f.store.knowledge(id: copy.id, for: city.agent) } == 404)
                #expect(other.id != fee.id)

                // Files: the follower's verified entries out, and into a third base as drafts, once.
                let own = try await f.store.createKnowledge(KnowledgeContent(question: "路灯坏了找谁？", answer: "拨打12345。", categoryCode: "080199",
                                                                             sourceUnitId: city.housing.id), by: city.admin)
                _ = try await f.store.knowledgeAction(id: own.id, .submit, note: "", by: city.admin)
                _ = try await f.store.knowledgeAction(id: own.id, .approve, note: "", by: city.housingHandler)
                let exported = try await f.store.exportKnowledge(for: city.admin)
                #expect(exported.map(\.question) == ["路灯坏了找谁？"] && exported.first?.source == city.center.name, "\(exported)")
                let json = try KnowledgeFile.json(exported)
                #expect(try KnowledgeFile.read(json) == exported)
                try await withTestDatabase(backend) { third in
                    let other = try await TestCity.make(third.store)
                    let imported = try await third.store.importKnowledge(exported, by: other.admin)
                    #expect(imported.created == exported.count && imported.skipped == 0)
                    #expect(try await third.store.importKnowledge(exported, by: other.admin) == (0, exported.count))
                    var broken = exported
                    broken[0].question = " "
                    #expect(await statusOf { _ = try await third.store.importKnowledge(broken, by: other.admin) } == 400)
                }
            }
        }
    }

    @Test("an XLSX export reads back to the same entries; a foreign sheet is refused")
    func workbook() throws {
        let at = Date(timeIntervalSince1970: 1_796_342_400)
        let entries = [PortableKnowledge(id: 3, version: 2, source: "省12345平台", archived: false,
                                         content: KnowledgeContent(question: "公积金怎么提取？", variants: ["公积金提取流程", "提取公积金"], answer: "带身份证。",
                                                                   categoryCode: "020101", tags: ["公积金", "提取"], effectiveFrom: CivilDate("2026-01-01")),
                                         createdAt: at, updatedAt: at)]
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kb-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: url) }
        try KnowledgeFile.xlsx(entries).finish(to: url)
        #expect(try KnowledgeFile.read(try Data(contentsOf: url)) == entries)
        #expect(throws: HotlineError.self) { try KnowledgeFile.read(Data("[{\"id\": 1}]".utf8)) }
        let foreign = try XLSXWriter(sheetName: "x")
        try foreign.append(texts: ["name", "phone"])
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("kb-\(UUID().uuidString).xlsx")
        defer { try? FileManager.default.removeItem(at: other) }
        try foreign.finish(to: other)
        #expect(throws: HotlineError.self) { try KnowledgeFile.read(try Data(contentsOf: other)) }
    }
}

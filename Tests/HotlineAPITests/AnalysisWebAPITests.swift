import Foundation
import HTTPTypes
import HotlineCore
import HotlineStore
import HotlineServer
import HotlineTestSupport
import HotlineWeb
import NIOCore
import Testing

@Suite("Analysis over HTTP: API operations, pages, exports")
struct AnalysisWebAPITests {
    /// Six street-light complaints today: a rise and a repeat for the scan.
    static func tickets(_ api: APIClient) async throws -> [Int64] {
        var ids: [Int64] = []
        for i in 0..<6 {
            ids.append(try await api.t.store.createTicket(TestCity.draft(title: "路灯不亮\(i)"), centerId: api.city.center.id, by: api.city.agent).ticket.state.id)
        }
        return ids
    }

    @Test("volumes, trend, hotspots, warnings, reports and the dashboard as JSON, in the contract's shape", arguments: Backend.available)
    func api(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            _ = try await Self.tickets(api)
            _ = try await api.t.store.scanWarnings(on: CivilDate(TestDatabase.start))
            let supervisor = try await api.login("supervisor")
            let leader = try await api.login("leader")
            let housing = try await api.login("housing")

            let volumes = try await api.send(.get, "/api/v1/analysis/volumes?period=2026-11&dimension=category", token: leader)
            #expect(volumes.status == 200 && volumes.json["total"].int == 6 && volumes.json["rows"].array.first?["key"] == "03", "\(volumes.text.prefix(300))")
            #expect(volumes.json["rows"].array.first?["comparison"]["current"].int == 6)
            let trend = try await api.send(.get, "/api/v1/analysis/trend?from=2026-11-22&to=2026-11-25&granularity=day", token: leader)
            #expect(trend.status == 200 && trend.json.array.map { $0["count"].int } == [0, 6, 0])
            let warnings = try await api.send(.get, "/api/v1/analysis/warnings?status=open", token: supervisor)
            #expect(warnings.status == 200 && warnings.json.array.count == 2, "\(warnings.text.prefix(300))")
            let rise = try #require(warnings.json.array.first { $0["kind"] == "suddenRise" })
            let id = try #require(rise["id"].int)
            #expect(rise["day"] == "2026-11-23")
            let ack = try await api.send(.post, "/api/v1/analysis/warnings/\(id)/acknowledgement", token: supervisor, json: ["note": "已转城管局"])
            #expect(ack.status == 200 && ack.json["status"] == "acknowledged")
            #expect(try await api.send(.post, "/api/v1/analysis/warnings/\(id)/acknowledgement", token: supervisor, json: ["note": "again"]).status == 409)
            #expect(try await api.send(.post, "/api/v1/analysis/warnings/\(id)/acknowledgement", token: leader, json: ["note": "x"]).status == 403)
            let board = try await api.send(.get, "/api/v1/dashboard", token: leader)
            #expect(board.status == 200 && board.json["receivedToday"].int == 6 && board.json["day"] == "2026-11-23", "\(board.text.prefix(300))")
            #expect(!board.text.contains("13812341234") && !board.text.contains("王小明"))
            let hotspots = try await api.send(.get, "/api/v1/analysis/hotspots?days=30", token: leader)
            #expect(hotspots.status == 200)
            let member = try #require(hotspots.json.array.first?["memberIds"].array.first?.int)
            // A hotspot handled as one group matter: dispatched together, then a retry leaves everything as it is.
            let group = try await api.send(.post, "/api/v1/analysis/hotspots/group-actions", token: supervisor, json: [
                "memberId": .int(member), "action": "dispatch", "mainUnitId": .int(api.city.housing.id), "note": "同一路段路灯"])
            #expect(group.status == 200 && group.json["changed"].int == 6 && group.json["skipped"].int == 0, "\(group.text.prefix(300))")
            let retried = try await api.send(.post, "/api/v1/analysis/hotspots/group-actions", token: supervisor, json: [
                "memberId": .int(member), "action": "dispatch", "mainUnitId": .int(api.city.housing.id)])
            #expect(retried.json["changed"].int == 0 && retried.json["skipped"].int == 6)
            let supervised = try await api.send(.post, "/api/v1/analysis/hotspots/group-actions", token: supervisor, json: [
                "memberId": .int(member), "action": "supervise", "note": "请合并办理"])
            #expect(supervised.status == 200 && supervised.json["changed"].int == 6)
            for (json, token, status) in [(["memberId": .int(member), "action": "dispatch"] as [String: JSON], supervisor, 400),
                                          (["memberId": .int(member), "action": "supervise", "note": ""], supervisor, 400),
                                          (["memberId": .int(member + 1000), "action": "supervise", "note": "x"], supervisor, 404),
                                          (["memberId": .int(member), "action": "supervise", "note": "x"], leader, 403)] {
                #expect(try await api.send(.post, "/api/v1/analysis/hotspots/group-actions", token: token, json: json).status == status, "\(json)")
            }
            let made = try await api.send(.post, "/api/v1/reports", token: supervisor, json: ["kind": "daily", "period": "2026-11-23"])
            #expect(made.status == 201 && made.json["version"].int == 1 && made.json["volumes"].array.count == 5, "\(made.text.prefix(300))")
            let reportId = try #require(made.json["id"].int)
            #expect(try await api.send(.get, "/api/v1/reports/\(reportId)", token: leader).json["title"] == made.json["title"])
            #expect(try await api.send(.get, "/api/v1/reports", token: leader).json.array.count == 1)
            // Bad input is a clear 400; a unit's staff get a 403.
            for (path, token, status) in [("/api/v1/analysis/volumes?period=2026-13&dimension=category", leader, 400),
                                          ("/api/v1/analysis/volumes?period=2026-11&dimension=planet", leader, 400),
                                          ("/api/v1/analysis/trend?from=2026-11-25&to=2026-11-22", leader, 400),
                                          ("/api/v1/analysis/hotspots?days=0", leader, 400),
                                          ("/api/v1/dashboard", housing, 403), ("/api/v1/reports/\(reportId + 100)", leader, 404),
                                          ("/api/v1/tickets", leader, 403)] {
                #expect(try await api.send(.get, path, token: token).status == status, "\(path)")
            }
            #expect(try await api.send(.post, "/api/v1/reports", token: supervisor, json: ["kind": "daily", "period": "2026-11"]).status == 400)
            #expect(try await api.send(.get, "/api/v1/reports", token: supervisor).json.array.count == 1)
        }
    }

    @Test("the leader's dashboard, the analysis pages, warnings on the desk, reports, and exports read back", arguments: Backend.available)
    func pages(_ backend: Backend) async throws {
        try await withAPI(backend) { api in
            let ids = try await Self.tickets(api)
            _ = try await api.t.store.scanWarnings(on: CivilDate(TestDatabase.start))
            let leader = Browser(api)
            let landed = try await leader.login("leader")
            #expect(landed.location == "/dashboard")
            let board = try await leader.get("/dashboard")
            for text in ["领导驾驶舱", "今日受理", "待签收预警", "诉求突增", "近30天受理量", "<svg"] { #expect(board.contains(text), "\(text)") }
            #expect(!board.contains("13812341234") && !board.contains("王小明") && !board.contains("签收并说明"), "no identity, no acknowledging for the leader")
            let volumes = try await leader.get("/analysis?period=2026-11&dimension=channel")
            for text in ["受理量分析", "环比", "同比", Channel.phone.label, "区域 × 分类", "导出Excel"] { #expect(volumes.contains(text), "\(text)") }
            #expect(try await leader.get("/analysis?period=2026-11&dimension=planet").status == 400)
            #expect(try await leader.get("/tickets").status == 403)
            #expect(try await leader.get("/tickets/export/csv").status == 403)

            let export = try await leader.download("/analysis/export/xlsx?period=2026-11&dimension=category")
            #expect(export.status == 200 && export.headers[.contentType]?.contains("spreadsheetml") == true)
            let rows = try XLSXReader.rows(of: export.data)
            #expect(rows.first?.first == "诉求分类" && rows.count == 2 && rows[1][1] == "6", "\(rows)")
            let csv = try await leader.download("/analysis/export/csv?period=2026-11&dimension=category")
            #expect(String(decoding: csv.data, as: UTF8.self).hasPrefix("\u{FEFF}诉求分类,本期"))

            // The supervisor acknowledges a warning on the desk and exports the ticket list, identity left out.
            let supervisor = Browser(api)
            try await supervisor.login("supervisor")
            // Each count opens the tickets behind it.
            let analysis = try await supervisor.get("/analysis?period=2026-11&dimension=category")
            #expect(analysis.contains("/tickets?from=2026-11-01&amp;to=2026-11-30&amp;category=03"))
            let behind = try await supervisor.get("/tickets?from=2026-11-01&to=2026-11-30&category=03")
            #expect(behind.status == 200 && behind.html.components(separatedBy: "路灯不亮").count - 1 >= ids.count)
            #expect(try await supervisor.get("/tickets?from=2026-11-31").contains("2026-11-01"))
            let desk = try await supervisor.get("/desk")
            #expect(desk.contains("待签收预警") && desk.contains("签收并说明"))
            let warning = try #require(try await api.t.store.warnings(status: .open, for: api.city.supervisor).first)
            let acked = try await supervisor.post("/analysis/warnings/\(warning.id)/acknowledge",
                                                  [("_csrf", desk.csrf ?? ""), ("note", "已安排核查"), ("back", "desk")])
            #expect(acked.status == 303 && acked.location == "/desk")
            #expect(try await api.t.store.warnings(status: .open, for: api.city.supervisor).count == 1)
            let sheet = try await supervisor.download("/tickets/export/xlsx?q=路灯".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)
            #expect(sheet.status == 200)
            let tickets = try XLSXReader.rows(of: sheet.data)
            #expect(tickets.first?.prefix(3) == ["工单编号", "标题", "状态"] && tickets.count == ids.count + 1)
            let flat = tickets.flatMap { $0 }.joined()
            #expect(!flat.contains("13812341234") && !flat.contains("王小明") && !flat.contains("11010519491231002X"))
            let list = try await supervisor.download("/tickets/export/csv")
            let text = String(decoding: list.data, as: UTF8.self)
            #expect(list.status == 200 && text.split(separator: "\r\n").count == ids.count + 1 && !text.contains("13812341234"))
            #expect(try await supervisor.get("/tickets/export/pdf").status == 400)

            // A report generated from the page, printable, with its export.
            let reports = try await supervisor.get("/reports")
            let made = try await supervisor.post("/reports", [("_csrf", reports.csrf ?? ""), ("kind", "daily"), ("period", "2026-11-23")])
            #expect(made.status == 303)
            let report = try await supervisor.get(try #require(made.location))
            for text in ["测试市12345热线中心2026年11月23日日报", "总体情况", "共受理诉求 6 件", "<svg", "热点问题"] { #expect(report.contains(text), "\(text)") }
            let bad = try await supervisor.post("/reports", [("_csrf", reports.csrf ?? ""), ("kind", "weekly"), ("period", "2026-11-23")])
            #expect(bad.status == 400)
            let hot = try await supervisor.get("/analysis/hotspots?days=7")
            #expect(hot.status == 200 && hot.contains("合并督办"))
            let together = try await supervisor.post("/analysis/hotspots/supervise",
                                                     [("_csrf", hot.csrf ?? ""), ("member", String(ids[0])), ("days", "7"), ("note", "同一问题，合并督办")])
            #expect(together.status == 303 && together.location?.hasSuffix("done=\(ids.count)") == true, "\(together.location ?? "")")
            #expect(try await api.t.store.ticket(id: ids[5], for: api.city.supervisor).state.supervisionCount == 1)
            // …and dispatched together to one unit, as one group matter.
            let again = try await supervisor.get("/analysis/hotspots?days=7")
            #expect(again.contains("合并派单") && again.contains("派单意见"))
            let dispatched = try await supervisor.post("/analysis/hotspots/dispatch", [
                ("_csrf", again.csrf ?? ""), ("member", String(ids[0])), ("days", "7"), ("mainUnitId", String(api.city.transport.id)),
                ("coUnitIds", ""), ("note", "统一由交通局处理")])
            #expect(dispatched.status == 303 && dispatched.location?.hasSuffix("dispatched=\(ids.count)&skipped=0") == true, "\(dispatched.location ?? "")")
            #expect(try await supervisor.get(try #require(dispatched.location)).contains("已合并派单 \(ids.count) 件工单"))
            #expect(try await api.t.store.ticket(id: ids[5], for: api.city.supervisor).state.mainUnitId == api.city.transport.id)
            let noUnit = try await supervisor.post("/analysis/hotspots/dispatch", [("_csrf", again.csrf ?? ""), ("member", String(ids[0])), ("days", "7")])
            #expect(noUnit.status == 400)
            #expect(try await supervisor.get("/analysis/warnings").contains("已安排核查"))
        }
    }
}

@Suite("Portal: published statistics (数据公开)")
struct PortalStatsTests {
    @Test("a center that opts in shows its published month on the portal, with no personal data; one that does not shows nothing")
    func stats() async throws {
        try await withAPI(.sqlite, configure: { $0.web.publicStats = true }) { api in
            let visitor = Browser(api)
            #expect(try await visitor.get("/portal/stats").contains("本中心尚未发布考核结果"))
            let id = try await api.t.store.createTicket(TestCity.draft(), centerId: api.city.center.id, by: api.city.agent).ticket.state.id
            _ = try await api.t.store.perform(ActionInput(code: .dispatch, mainUnitId: api.city.housing.id), onTicket: id, by: api.city.agent)
            _ = try await api.t.store.perform(ActionInput(code: .sign), onTicket: id, by: api.city.housingHandler)
            _ = try await api.t.store.publishAssessment(period: AssessmentPeriod("2026-11")!, by: api.city.admin)
            let page = try await visitor.get("/portal/stats")
            #expect(page.status == 200)
            for text in ["数据公开 · 2026-11", "市住建局", "城乡建设", "满意率"] { #expect(page.contains(text), "\(text)") }
            #expect(!page.contains("王小明") && !page.contains("13812341234") && !page.contains("小区路灯不亮"))
            #expect(try await visitor.get("/portal").contains("/portal/stats"))
        }
        try await withAPI(.sqlite) { api in
            let visitor = Browser(api)
            #expect(try await visitor.get("/portal/stats").status == 404)
            let home = try await visitor.get("/portal")
            #expect(!home.contains("/portal/stats"))
        }
    }
}

@Suite("Web: the assessment scheme editor")
struct SchemeEditorTests {
    @Test("an administrator edits weights and curves in a form; weights that do not sum to 100 are refused and change nothing")
    func editor() async throws {
        try await withAPI(.sqlite) { api in
            let admin = Browser(api)
            try await admin.login("admin")
            let page = try await admin.get("/assessment/scheme")
            #expect(page.status == 200 && page.contains("考核方案") && page.contains("weight_satisfaction") && page.contains("权重合计：<b>100</b>"))
            let csrf = page.csrf ?? ""
            let heavier = try await admin.post("/assessment/scheme", [("_csrf", csrf), ("weight_satisfaction", "35")])
            #expect(heavier.status == 400 && heavier.contains("100"))
            let unreadable = try await admin.post("/assessment/scheme", [("_csrf", csrf), ("curve_satisfaction", "八成:0")])
            #expect(unreadable.status == 400)
            #expect(try await api.t.store.assessmentScheme(centerId: api.city.center.id).version == 1)
            let saved = try await admin.post("/assessment/scheme", [("_csrf", csrf), ("curve_satisfaction", "0.7:0, 0.9:1")])
            #expect(saved.status == 303 && saved.location == "/assessment/scheme?saved=2")
            let scheme = try await api.t.store.assessmentScheme(centerId: api.city.center.id)
            #expect(scheme.version == 2 && scheme.indicators.first { $0.code == "satisfaction" }?.scoring.curve.map(\.value) == [0.7, 0.9])
            #expect(try await admin.get("/assessment/scheme?saved=2").contains("已保存为第2版"))
            let supervisor = Browser(api)
            try await supervisor.login("supervisor")
            #expect(try await supervisor.get("/assessment/scheme").status == 403)
        }
    }
}

@Suite("Web: the KPI table and the audit log exported; a republished month says what changed")
struct AssessmentExportTests {
    @Test("exports read back; a second publication lists the units whose score moved")
    func exports() async throws {
        try await withAPI(.sqlite) { api in
            let store = api.t.store
            let city = api.city
            let created = try await store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            let id = created.ticket.state.id
            _ = try await store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
            api.t.clock.advance(by: 600)
            _ = try await store.perform(ActionInput(code: .sign), onTicket: id, by: city.housingHandler)
            let supervisor = Browser(api)
            try await supervisor.login("supervisor")
            let kpi = try await supervisor.download("/assessment/export/xlsx?period=2026-11")
            let rows = try XLSXReader.rows(of: kpi.data)
            #expect(kpi.status == 200 && rows.first?.prefix(4) == ["分组", "名次", "单位", "得分"] && rows.contains { $0.contains("市住建局") }, "\(rows.prefix(3))")
            #expect(try await supervisor.get("/assessment/export/xlsx?period=2026-13").status == 400)

            let auditor = Browser(api)
            try await auditor.login("auditor")
            let audit = try await auditor.download("/audit/export/csv")
            let text = String(decoding: audit.data, as: UTF8.self)
            #expect(audit.status == 200 && text.hasPrefix("\u{FEFF}序号,时间,操作人,操作,工单编号") && text.contains(created.ticket.number) && text.contains("签收"))
            #expect(try XLSXReader.rows(of: try await auditor.download("/audit/export/xlsx?from=2026-11-01&to=2026-11-30").data).count == 4)
            #expect(try await auditor.get("/audit/export/csv?from=2026-11-30&to=2026-11-01").status == 400)
            #expect(try await supervisor.get("/audit/export/csv").status == 403)

            // Published while a second ticket's sign deadline is still ahead; republished after it passed unsigned: the
            // second version says the score moved.
            let late = try await store.createTicket(TestCity.draft(title: "楼道灯坏了"), centerId: city.center.id, by: city.agent).ticket.state.id
            _ = try await store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: late, by: city.agent)
            _ = try await store.publishAssessment(period: AssessmentPeriod("2026-11")!, by: city.admin)
            api.t.clock.advance(by: 2 * 86_400)
            _ = try await store.publishAssessment(period: AssessmentPeriod("2026-11")!, by: city.admin)
            try await supervisor.login("supervisor")
            let second = try await supervisor.get("/assessment?period=2026-11&published=2")
            #expect(second.contains("与第1版相比的变化") && second.contains("市住建局：得分"), "\(second.html.prefix(0))")
            #expect(!(try await supervisor.get("/assessment?period=2026-11&published=1")).contains("相比的变化"))
        }
    }
}

import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// 领导驾驶舱, 数据分析, 热点, 预警 and 报告: what a center does with its tickets. Numbers and ticket numbers only: no
/// requester's identity is on any of these pages.
struct AnalysisPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/dashboard") { _, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            return try await dashboard(context, actor: actor)
        }
        router.get("/analysis") { request, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            let (period, dimension) = try Self.selection(request, now: app.now)
            return try await volumes(context, actor: actor, period: period, dimension: dimension)
        }
        router.get("/analysis/export/:format") { request, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            let (period, dimension) = try Self.selection(request, now: app.now)
            let report = try await app.store.volumes(dimension, period: period, for: actor)
            let english = context.english
            let header = [dimension.label(english: english), Strings.text("thisPeriod", english: english), Strings.text("previousPeriodCount", english: english),
                          Strings.text("periodOnPeriod", english: english), Strings.text("yearBeforeCount", english: english),
                          Strings.text("yearOnYear", english: english), Strings.text("share", english: english)]
            let rows: [[XLSXWriter.Cell]] = report.rows.map { row in
                let c = row.comparison
                return [.text(row.name), .number(Double(c.current)), .number(Double(c.previous)), Self.ratioCell(c.periodOnPeriod),
                        .number(Double(c.yearBefore)), Self.ratioCell(c.yearOnYear), .number((c.share * 10_000).rounded() / 10_000)]
            }
            return try Exports.table(format: try context.parameters.require("format"), name: "受理量-\(dimension.label)-\(period.code)",
                                     header: header, rows: rows)
        }
        router.get("/analysis/hotspots") { request, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            let days = min(max(request.uri.queryParameters.get("days").flatMap { Int($0) } ?? 30, 1), 365)
            let query = request.uri.queryParameters
            let flash = query.get("done").map { String(format: Strings.text("supervisedTogether", english: context.english), Int($0) ?? 0) }
                ?? query.get("dispatched").map {
                    String(format: Strings.text("dispatchedTogether", english: context.english), Int($0) ?? 0, Int(query.get("skipped") ?? "") ?? 0)
                }
            return try await hotspots(context, actor: actor, days: days, flash: flash)
        }
        router.post("/analysis/hotspots/dispatch") { request, context -> Response in
            let (form, actor, days, hotspot) = try await groupMatter(request, context)
            guard let main = try form.int64("mainUnitId") else { throw HotlineError.invalid("mainUnitId", "请选择主办单位 (choose the main unit)") }
            let co = try form.all("coUnitIds").filter { !$0.isEmpty }.map {
                guard let id = Int64($0) else { throw HotlineError.invalid("coUnitIds", "无效的单位 (bad unit)") }
                return id
            }
            let done = try await app.store.dispatchTogether(ticketIds: hotspot.memberIds, mainUnitId: main, coUnitIds: co, note: form["note"] ?? "",
                                                            by: actor)
            return Pages.redirect("/analysis/hotspots?days=\(days)&dispatched=\(done.dispatched)&skipped=\(done.skipped)")
        }
        router.post("/analysis/hotspots/supervise") { request, context -> Response in
            let (form, actor, days, hotspot) = try await groupMatter(request, context)
            let done = try await app.store.superviseTogether(ticketIds: hotspot.memberIds, note: form["note"] ?? "", by: actor)
            return Pages.redirect("/analysis/hotspots?days=\(days)&done=\(done)")
        }
        router.get("/analysis/warnings") { request, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            return try await warnings(context, actor: actor, flash: request.uri.queryParameters.get("done").map { _ in
                Strings.text("warningAcknowledged", english: context.english)
            })
        }
        router.post("/analysis/warnings/:id/acknowledge") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .handleWarnings)
            _ = try await app.store.acknowledgeWarning(id: try context.parameters.require("id", as: Int64.self), note: form["note"] ?? "", by: actor)
            return Pages.redirect(form["back"] == "desk" ? "/desk" : "/analysis/warnings?done=1")
        }
        router.get("/reports") { _, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            return try await reports(context, actor: actor)
        }
        router.post("/reports") { request, context -> Response in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .viewAnalysis)
            guard let kind = form["kind"].flatMap(ReportKind.init(rawValue:)) else { throw HotlineError.invalid("kind", "请选择报告类型 (choose a kind)") }
            let period = try AssessmentPeriod.parse(form["period"] ?? "")
            let report = try await app.store.generateReport(kind: kind, period: period, title: form["title"], note: form["note"], by: actor)
            return Pages.redirect("/reports/\(report.id ?? 0)")
        }
        router.get("/reports/:id") { _, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            let report = try await app.store.report(id: try context.parameters.require("id", as: Int64.self), for: actor)
            return try await reportPage(context, report: report)
        }
        router.get("/reports/:id/export/:format") { _, context -> Response in
            let actor = try app.require(context, .viewAnalysis)
            let report = try await app.store.report(id: try context.parameters.require("id", as: Int64.self), for: actor)
            return try Exports.report(report, format: try context.parameters.require("format"), english: context.english)
        }
    }

    /// The period (this month unless given) and the dimension (category unless given); a malformed one is a 400.
    static func selection(_ request: Request, now: Date) throws -> (AssessmentPeriod, VolumeDimension) {
        let query = request.uri.queryParameters
        let period = try AssessmentPages.period(query.get("period"), now: now, english: false)
        guard let dimension = VolumeDimension(rawValue: query.get("dimension") ?? VolumeDimension.category.rawValue) else {
            throw HotlineError.invalid("dimension", "未知统计维度 (unknown dimension)")
        }
        return (period, dimension)
    }

    /// The ticket search holding the tickets one volume counts: recorded in the period, of that key.
    static func ticketsHref(_ dimension: VolumeDimension, key: String, period: AssessmentPeriod) -> String {
        let field = switch dimension {
        case .category: "category"
        case .district: "region"
        case .channel: "channel"
        case .type: "type"
        case .unit: "mainUnit"
        }
        let value = dimension == .unit && key.isEmpty ? "none" : key
        return "/tickets?from=\(period.start)&to=\(period.end.adding(days: -1))&\(field)=\(Chrome.encode(value))"
    }

    static func ratioCell(_ value: Double?) -> XLSXWriter.Cell {
        value.map { .number(($0 * 10_000).rounded() / 10_000) } ?? .text("—")
    }

    /// A change as the tables show it: +12.5%, −3.0%, or — when there was nothing to compare with.
    static func change(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%@%.1f%%", value > 0 ? "+" : value < 0 ? "−" : "", abs(value) * 100)
    }

    static func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    static func rows(_ report: VolumeReport) -> [VolumesPageModel.Row] {
        report.rows.map { row in
            let c = row.comparison
            return .init(name: row.name, current: c.current, previous: c.previous, yearBefore: c.yearBefore, share: percent(c.share),
                         periodOnPeriod: change(c.periodOnPeriod), yearOnYear: change(c.yearOnYear), rising: (c.periodOnPeriod ?? 0) >= 0.3 && c.current >= 10)
        }
    }

    func hotspotModels(_ hotspots: [Hotspot], actor: Actor) -> [HotspotModel] {
        let mayOpen = actor.may(.searchTickets)
        return hotspots.map { hot in
            HotspotModel(rank: hot.rank, heat: String(format: "%.1f", hot.heat), range: "\(Chrome.time(hot.from)) — \(Chrome.time(hot.to))",
                         place: hot.place ?? hot.region ?? "—", description: hot.description, count: hot.count, requesters: hot.requesters,
                         members: zip(hot.memberIds, hot.references).map { .init(number: $1, href: mayOpen ? "/tickets/\($0)" : nil) },
                         member: hot.memberIds.first ?? 0)
        }
    }

    func warningModels(_ warnings: [EarlyWarning], actor: Actor, english: Bool, back: String? = nil) async throws -> [WarningModel] {
        let numbers = Dictionary(uniqueKeysWithValues: try await app.store.tickets(ids: Array(Set(warnings.flatMap { $0.ticketIds.prefix(20) })), for: actor)
            .map { ($0.state.id, $0.number) })
        let mayOpen = actor.may(.searchTickets)
        return warnings.map { warning in
            WarningModel(id: warning.id, kind: warning.kind.label(english: english), title: warning.title,
                         day: warning.day == warning.lastDay ? warning.day.description : "\(warning.day) — \(warning.lastDay)", count: warning.count,
                         status: warning.status.label(english: english), open: warning.status == .open, note: warning.note,
                         tickets: warning.ticketIds.prefix(20).compactMap { id in numbers[id].map { .init(number: $0, href: mayOpen ? "/tickets/\(id)" : nil) } },
                         mayAcknowledge: actor.may(.handleWarnings), back: back)
        }
    }

    func rankLines(_ lines: [ReportRankLine]) -> [RankLineModel] {
        lines.map { .init(group: $0.group, rank: $0.rank, unit: $0.unit, score: String(format: "%.2f", $0.score), red: $0.list == .red, black: $0.list == .black) }
    }

    func dashboard(_ context: StaffContext, actor: Actor) async throws -> Response {
        let english = context.english
        let board = try await app.store.dashboard(for: actor)
        let t = { (key: String) in Strings.text(key, english: english) }
        // The phone indicators of GB/T 33358 over the last 24 hours: connection ≥ 95%, answered within 15 s.
        let calls = try await app.store.callStatistics(centerId: try actor.requireCenter(), from: app.now.addingTimeInterval(-86_400), to: app.now.addingTimeInterval(1))
        let tiles = [
            TileModel(label: t("connectionRate"), value: calls.connectionRate.map(Self.percent) ?? "—",
                      note: "\(t("callsOffered")) \(calls.offered)", href: nil, warn: (calls.connectionRate ?? 1) < CallStatistics.connectionTarget),
            TileModel(label: t("answerRate"), value: calls.answerRate.map(Self.percent) ?? "—",
                      note: calls.meanAnswerSeconds.map { String(format: "%.0f s", $0) }, href: nil, warn: false),
            TileModel(label: t("receivedToday"), value: String(board.receivedToday),
                      note: "\(t("yesterday")) \(board.receivedYesterday)", href: nil, warn: false),
            TileModel(label: t("openTickets"), value: String(board.open), note: nil, href: nil, warn: false),
            TileModel(label: t("dueSoonTickets"), value: String(board.dueSoon), note: nil, href: nil, warn: board.dueSoon > 0),
            TileModel(label: t("overdueTickets"), value: String(board.overdue), note: nil, href: nil, warn: board.overdue > 0),
        ]
        let rates = board.rates.map { TileModel(label: $0.name, value: Self.percent($0.value), note: "\(Int($0.numerator)) / \(Int($0.denominator))",
                                                href: nil, warn: false) }
        let ranking = rankLines(board.ranking)
        let model = DashboardPageModel(
            chrome: app.chrome(context, path: "/dashboard"), day: board.day.description, tiles: tiles, rates: rates,
            trendChart: Charts.line(title: t("trend30"), points: board.trend.map { ($0.label, $0.count) }),
            channelChart: Charts.stacked(title: t("byChannel"), parts: board.channels.map { ($0.name, $0.comparison.current) }),
            hotspots: hotspotModels(board.hotspots, actor: actor),
            warnings: try await warningModels(board.warnings, actor: actor, english: english),
            red: ranking.filter(\.red), black: ranking.filter(\.black), month: board.month)
        return app.pages.render(.dashboard, model)
    }

    func volumes(_ context: StaffContext, actor: Actor, period: AssessmentPeriod, dimension: VolumeDimension) async throws -> Response {
        let english = context.english
        let t = { (key: String) in Strings.text(key, english: english) }
        let report = try await app.store.volumes(dimension, period: period, for: actor)
        let (trendFrom, granularity) = Granularity.trend(for: period)
        let trend = try await app.store.trend(from: trendFrom, to: period.end, by: granularity, for: actor)
        let heat = try await app.store.heatGrid(period: period, for: actor)
        let query = "period=\(period.code)&dimension=\(dimension.rawValue)"
        let model = VolumesPageModel(
            chrome: app.chrome(context, path: "/analysis"), period: period.code,
            previousHref: "/analysis?period=\(period.previous.code)&dimension=\(dimension.rawValue)",
            nextHref: "/analysis?period=\(period.next.code)&dimension=\(dimension.rawValue)",
            dimensions: VolumeDimension.allCases.map {
                TabModel(key: $0.rawValue, label: $0.label(english: english), href: "/analysis?period=\(period.code)&dimension=\($0.rawValue)",
                         current: $0 == dimension)
            },
            dimension: dimension.rawValue, dimensionLabel: dimension.label(english: english), total: report.total, previousTotal: report.previousTotal,
            yearBeforeTotal: report.yearBeforeTotal, totalPeriodOnPeriod: Self.change(Volumes.change(report.total, from: report.previousTotal)),
            totalYearOnYear: Self.change(Volumes.change(report.total, from: report.yearBeforeTotal)),
            rows: Self.rows(report).enumerated().map { index, row in
                var linked = row
                if actor.may(.searchTickets) { linked.href = Self.ticketsHref(dimension, key: report.rows[index].key, period: period) }
                return linked
            },
            barChart: Charts.bars(title: "\(dimension.label(english: english)) · \(period.code)", items: report.rows.prefix(15).map { ($0.name, $0.comparison.current) }),
            trendChart: Charts.line(title: t("trend"), points: trend.map { ($0.label, $0.count) }),
            heatChart: Charts.heat(title: t("heatGrid"), rows: heat.rows, columns: heat.columns, counts: heat.counts),
            exportCSV: "/analysis/export/csv?\(query)", exportXLSX: "/analysis/export/xlsx?\(query)")
        return app.pages.render(.analysisVolumes, model)
    }

    /// A group-matter form's hotspot: the form, who sends it, the window and the hotspot found again by one of its tickets.
    func groupMatter(_ request: Request, _ context: StaffContext) async throws -> (Form, Actor, Int, Hotspot) {
        let form = try await Form.read(request, limit: 64 * 1024)
        try app.checkCSRF(form, context)
        let actor = try app.require(context, .handleWarnings)
        let days = min(max(try form.int64("days").map(Int.init) ?? 30, 1), 365)
        guard let member = try form.int64("member") else { throw HotlineError.invalid("member", "请选择热点 (choose a hotspot)") }
        return (form, actor, days, try await app.store.hotspot(containing: member, days: days, for: actor))
    }

    func hotspots(_ context: StaffContext, actor: Actor, days: Int, flash: String?) async throws -> Response {
        let found = try await app.store.hotspots(from: app.now.addingTimeInterval(-Double(days) * 86_400), to: app.now, limit: 30, for: actor)
        let mayDispatch = actor.may(.handleWarnings) && actor.may(.dispatchTickets)
        let units = mayDispatch ? try await app.reference.snapshot().dispatchTargets(centerId: actor.centerId).map {
            OptionModel(code: String($0.id), label: $0.name)
        } : []
        let model = HotspotsPageModel(chrome: app.chrome(context, path: "/analysis"), days: days, hotspots: hotspotModels(found, actor: actor),
                                      mayHandle: actor.may(.handleWarnings), mayDispatch: mayDispatch, units: units, flash: flash)
        return app.pages.render(.analysisHotspots, model)
    }

    func warnings(_ context: StaffContext, actor: Actor, flash: String?) async throws -> Response {
        let list = try await app.store.warnings(for: actor)
        let model = WarningsPageModel(chrome: app.chrome(context, path: "/analysis"),
                                      warnings: try await warningModels(list, actor: actor, english: context.english), flash: flash)
        return app.pages.render(.analysisWarnings, model)
    }

    func reports(_ context: StaffContext, actor: Actor) async throws -> Response {
        let english = context.english
        let list = try await app.store.reports(for: actor)
        let yesterday = CivilDate(app.now).adding(days: -1)
        let model = ReportsPageModel(
            chrome: app.chrome(context, path: "/reports"),
            reports: list.map {
                .init(href: "/reports/\($0.id)", title: $0.title, kind: $0.kind.label(english: english), period: $0.period, version: $0.version,
                      generatedAt: Chrome.time($0.generatedAt))
            },
            kinds: ReportKind.allCases.map { OptionModel(code: $0.rawValue, label: $0.label(english: english), selected: $0 == .daily) },
            suggestedPeriod: yesterday.description)
        return app.pages.render(.analysisReports, model)
    }

    func reportPage(_ context: StaffContext, report: AnalysisReport) async throws -> Response {
        let english = context.english
        let t = { (key: String) in Strings.text(key, english: english) }
        let total = report.volume(.category)
        // A period still running when the report was made says so: its numbers are the days so far.
        let running = AssessmentPeriod(report.period).map { report.generatedAt < $0.instants.end } ?? false
        let until = running ? String(format: t("soFar"), CivilDate(report.generatedAt).month, CivilDate(report.generatedAt).day) : ""
        let summary = String(format: t("reportSummary"), Self.name(report) + until, total?.total ?? 0, Self.change(total.flatMap { Volumes.change($0.total, from: $0.previousTotal) }),
                             Self.change(total.flatMap { Volumes.change($0.total, from: $0.yearBeforeTotal) }))
        let model = ReportPageModel(
            chrome: app.chrome(context, path: "/reports"), title: report.title,
            subtitle: "\(report.kind.label(english: english)) · \(report.period) · v\(report.version ?? 1) · \(t("generatedAt")) \(Chrome.time(report.generatedAt))",
            note: report.note, summary: summary,
            rates: report.rates.map { .init(name: $0.name, value: Self.percent($0.value), counts: "\(Int($0.numerator)) / \(Int($0.denominator))") },
            trendChart: Charts.line(title: t("trend"), points: report.trend.map { ($0.label, $0.count) }),
            categoryChart: Charts.bars(title: t("byCategory"), items: (report.volume(.category)?.rows ?? []).prefix(12).map { ($0.name, $0.comparison.current) }),
            channelChart: Charts.stacked(title: t("byChannel"), parts: (report.volume(.channel)?.rows ?? []).map { ($0.name, $0.comparison.current) }),
            heatChart: Charts.heat(title: t("heatGrid"), rows: report.heat.rows, columns: report.heat.columns, counts: report.heat.counts),
            tables: [VolumeDimension.category, .district, .channel, .type].compactMap { dimension in
                report.volume(dimension).map { .init(title: dimension.label(english: english), rows: Self.rows($0)) }
            },
            ranking: rankLines(report.ranking), hotspots: hotspotModels(report.hotspots, actor: context.session.actor),
            warnings: try await warningModels(report.warnings, actor: context.session.actor, english: english),
            xlsxHref: report.id.map { "/reports/\($0)/export/xlsx" }, csvHref: report.id.map { "/reports/\($0)/export/csv" })
        return app.pages.render(.analysisReport, model)
    }

    static func name(_ report: AnalysisReport) -> String {
        AssessmentPeriod(report.period).map(Store.periodName) ?? report.period
    }
}

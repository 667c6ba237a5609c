import ArgumentParser
import Foundation
import HotlineCore
import HotlineDemo
import HotlineServer
import HotlineStore
import Logging

extension BenchCommand {
    /// `hotline bench reports`: the analysis on a database of N tickets, each figure beside one ticket's read.
    struct Reports: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reports",
            abstract: "Build a database of N tickets over a year (bulk import beside the demo city's full histories) and time the KPI table, "
                + "volumes, the year's trend, the dashboard, a drill-down, hotspots, a monthly report and an Excel export")

        @Option(name: .customLong("database-url"), help: "Default: a fresh SQLite file in a temporary folder") var databaseURL: String?
        @Option(help: "Tickets to bulk-import, spread over the last 365 days") var tickets = 100_000
        @Option(help: "Rows of the Excel export") var exportRows = 100_000
        @Option(help: "Repetitions of each measurement (the median is printed)") var repeats = 3

        func validate() throws {
            guard tickets >= 1, exportRows >= 1, repeats >= 1 else { throw ValidationError("--tickets, --export-rows and --repeats must be at least 1") }
        }

        func run() async throws {
            let scratch = try BenchScratch()
            defer { scratch.remove() }
            let folder = scratch.folder
            let logger = scratch.logger
            let runtime = try await openRuntime(scratch.configuration(databaseURL: databaseURL), logger: logger)
            let pool = Task { await runtime.database.run() }
            defer { pool.cancel() }
            try await prepare(runtime, logger: logger)
            let store = runtime.store
            print("Hotline reports benchmark — \(runtime.database.dialect.rawValue), \(ProcessInfo.processInfo.activeProcessorCount) cores")
            var started = ContinuousClock.now
            let summary = try await DemoSeeder(store: store, now: Date(), ticketCount: 300).run()
            print(String(format: "demo city with 300 tickets told through their whole lives: %.1f s", seconds(since: started)))
            let units = try await store.units(visibleTo: .system).filter { $0.centerId == summary.centerId && $0.kind != .center }
            let districts = units.filter { $0.kind == .district }
            let messages = DemoSeeder.builtInMessages
            started = ContinuousClock.now
            var generator = SeededGenerator(seed: 2026)
            let now = Date()
            for batch in stride(from: 0, to: tickets, by: 10_000) {
                let rows = (batch..<min(tickets, batch + 10_000)).map { i -> HistoricalTicket in
                    let message = messages[Int(generator.next() % UInt64(messages.count))]
                    let district = districts[Int(generator.next() % UInt64(max(districts.count, 1)))]
                    let created = now.addingTimeInterval(-Double(generator.next() % (365 * 86_400)))
                    return HistoricalTicket(line: i + 1, title: message.title, content: message.text + "（第\(i)件）", category: message.categoryCode,
                                            unit: message.unit, createdAt: created, reply: "已办理。", address: "临江市\(district.name)",
                                            phone: "139\(String(format: "%08d", i % 40_000))", name: "市民")
                }
                _ = try await store.importHistoricalTickets(rows, centerId: summary.centerId, by: .system)
            }
            let importSeconds = seconds(since: started)
            print(String(format: "bulk import of %d tickets: %.1f s, %.0f tickets/s", tickets, importSeconds, Double(tickets) / importSeconds))
            started = ContinuousClock.now
            let lived = try await store.recordBenchHistories(centerId: summary.centerId, units: units.map(\.id), seed: 2026)
            let livedSeconds = seconds(since: started)
            print(String(format: "their lives (派单 … 办结, about 9 events each, through the audit chain and the rollup): %.1f s, %.0f tickets/s",
                         livedSeconds, Double(lived) / livedSeconds))

            let center = summary.centerId
            let centerUnit = try await store.units(visibleTo: .system).first { $0.id == center }!
            let user = try await store.createUser(username: "bench-leader", displayName: "压测领导", password: "Bench-password-1", role: .centerSupervisor,
                                                  unitId: center, by: .system)
            let actor = Actor.user(id: user.id, name: "压测", role: .centerSupervisor, unitId: center, unitPath: centerUnit.path, centerId: center)
            let month = AssessmentPeriod.month(containing: CivilDate(now))
            let anyTicket = try await store.tickets(matching: TicketFilter(), for: actor).tickets.first!.state.id
            func time(_ body: () async throws -> Void) async throws -> Double {
                var samples: [Double] = []
                for _ in 0..<repeats {
                    let start = ContinuousClock.now
                    try await body()
                    samples.append(seconds(since: start))
                }
                return samples.sorted()[samples.count / 2]
            }
            // The yardstick: one ticket read, 200 times.
            let baseline = try await time {
                for _ in 0..<200 { _ = try await store.ticket(id: anyTicket, for: actor) }
            } / 200
            print(String(format: "baseline: one ticket read %.3f ms", baseline * 1000))
            func line(_ name: String, _ seconds: Double) {
                print(name.padding(toLength: 44, withPad: " ", startingAt: 0)
                    + String(format: "%9.1f ms   %8.0f × one ticket read", seconds * 1000, seconds / baseline))
            }
            let unit = units.first { $0.name == "市住房和城乡建设局" } ?? units[0]
            line("monthly KPI table, all units (rollup)", try await time { _ = try await store.assessmentReport(period: month, for: actor) })
            line("monthly KPI table, folded from histories", try await time {
                _ = try await store.assessmentReport(period: month, fromHistories: true, for: actor)
            })
            line("volumes of the month by category", try await time { _ = try await store.volumes(.category, period: month, for: actor) })
            line("volumes of the month by district", try await time { _ = try await store.volumes(.district, period: month, for: actor) })
            line("a year's trend by month", try await time {
                _ = try await store.trend(from: CivilDate(now).adding(days: -365), to: CivilDate(now).adding(days: 1), by: .month, for: actor)
            })
            // The dashboard's first call clusters the month's hotspots; later calls within five minutes reuse them.
            var start = ContinuousClock.now
            _ = try await store.dashboard(for: actor)
            line("dashboard, first call", seconds(since: start))
            line("dashboard, again (hotspots reused)", try await time { _ = try await store.dashboard(for: actor) })
            line("drill-down (one unit, on-time signing)", try await time {
                _ = try await store.assessmentDrillDown(period: month, unitId: unit.id, indicatorCode: "onTimeSigning", for: actor)
            })
            start = ContinuousClock.now
            let found = try await store.hotspots(from: now.addingTimeInterval(-30 * 86_400), to: now, cached: false, for: actor)
            line("hotspots of the last 30 days (\(found.count) found)", seconds(since: start))
            line("monthly report (built, not archived)", try await time { _ = try await store.buildReport(kind: .monthly, period: month, for: actor) })

            let before = Self.memory()
            started = ContinuousClock.now
            let writer = try XLSXWriter(sheetName: "工单")
            try writer.append(texts: ["工单编号", "标题", "状态", "类型", "渠道", "分类", "登记时间", "办理时限", "办结时间", "满意度", "地址"])
            // As the ticket export reads them: a batch at a time, only the columns it shows.
            try await store.exportTickets(matching: TicketFilter(), limit: exportRows, for: actor) { batch in
                for record in batch {
                    try writer.append([.text(record.number), .text(record.title), .text(record.state.status.label), .text(record.state.type.label),
                                       .text(record.state.channel.label), .text(record.state.categoryCode ?? ""), .text(CivilDate(record.createdAt).description),
                                       .text(record.state.replyDueAt.map { CivilDate($0).description } ?? ""),
                                       .text(record.state.closedAt.map { CivilDate($0).description } ?? ""), .text(record.state.satisfaction?.label ?? ""),
                                       .text(record.location.address ?? "")])
                }
            }
            let file = folder.appendingPathComponent("export.xlsx")
            try writer.finish(to: file)
            let exportSeconds = seconds(since: started)
            let size = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
            let after = Self.memory()
            print(String(format: "Excel export of %d rows: %.1f s, %.0f rows/s, %.1f MB file; resident memory %.0f → %.0f MB (peak %.0f MB)",
                         writer.rows - 1, exportSeconds, Double(writer.rows - 1) / exportSeconds, Double(size) / 1e6, before.resident, after.resident,
                         after.peak))
            await runtime.database.close()
        }

        /// Resident and peak resident memory of this process, in MB (Linux).
        static func memory() -> (resident: Double, peak: Double) {
            guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return (0, 0) }
            func value(_ key: String) -> Double {
                guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }) else { return 0 }
                return (Double(line.split(separator: " ").dropFirst().first { Double($0) != nil } ?? "0") ?? 0) / 1024
            }
            return (value("VmRSS:"), value("VmHWM:"))
        }
    }
}

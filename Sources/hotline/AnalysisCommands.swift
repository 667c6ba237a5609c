import ArgumentParser
import Foundation
import HotlineCore
import HotlineServer
import HotlineStore

extension ReportCommand {
    /// `hotline report volumes`: a period's tickets received by a dimension, with 环比 and 同比.
    struct Volumes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "volumes", abstract: "A period's tickets received by category, district, channel, type or unit, with 环比 and 同比 (受理量)")

        @OptionGroup var global: GlobalOptions
        @Option(help: "2026-11, 2026-Q4, 2026-W48 or 2026-11-03") var period: String
        @Option(help: "category, district, channel, type or unit") var dimension = "category"
        @Option(help: "The center's unit id (the only center when left out)") var center: Int64?
        @Option(help: "table, csv or json") var format = "table"

        func validate() throws {
            guard AssessmentPeriod(period) != nil else { throw ValidationError("--period must look like 2026-11, 2026-Q4, 2026-W48 or 2026-11-03") }
            guard VolumeDimension(rawValue: dimension) != nil else { throw ValidationError("--dimension must be category, district, channel, type or unit") }
            guard ["table", "csv", "json"].contains(format) else { throw ValidationError("--format must be table, csv or json") }
        }

        func run() async throws {
            let (period, dimension, center, format) = (AssessmentPeriod(period)!, VolumeDimension(rawValue: dimension)!, center, format)
            try await global.withRuntime { runtime, _ in
                let chosen = try await ReportCommand.center(center, runtime.store)
                let report = try await runtime.store.buildReport(kind: .special, period: period, centerId: chosen, withHotspots: false, for: .system)
                guard let volumes = report.volume(dimension) else { return }
                if format == "json" { return Swift.print(ReportCommand.json(volumes)) }
                var rows = [[dimension.label, "本期", "上期", "环比", "去年同期", "同比", "占比"]]
                for row in volumes.rows {
                    let c = row.comparison
                    rows.append([row.name, String(c.current), String(c.previous), ReportCommand.ratio(c.periodOnPeriod), String(c.yearBefore),
                                 ReportCommand.ratio(c.yearOnYear), String(format: "%.4f", c.share)])
                }
                rows.append(["合计", String(volumes.total), String(volumes.previousTotal), ReportCommand.ratio(HotlineCore.Volumes.change(volumes.total, from: volumes.previousTotal)),
                             String(volumes.yearBeforeTotal), ReportCommand.ratio(HotlineCore.Volumes.change(volumes.total, from: volumes.yearBeforeTotal)), "1"])
                ReportCommand.emit(rows, format: format)
            }
        }
    }

    /// `hotline report hotspots`: the hotspots among tickets received in a period.
    struct Hotspots: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "hotspots", abstract: "The hotspots among a period's tickets, hottest first (热点问题)")

        @OptionGroup var global: GlobalOptions
        @Option(help: "2026-11, 2026-Q4, 2026-W48 or 2026-11-03") var period: String
        @Option(help: "How many to list") var top = 10
        @Option(help: "The center's unit id (the only center when left out)") var center: Int64?
        @Option(help: "table, csv or json") var format = "table"

        func validate() throws {
            guard AssessmentPeriod(period) != nil else { throw ValidationError("--period must look like 2026-11, 2026-Q4, 2026-W48 or 2026-11-03") }
            guard ["table", "csv", "json"].contains(format) else { throw ValidationError("--format must be table, csv or json") }
            guard (1...200).contains(top) else { throw ValidationError("--top must be 1–200") }
        }

        func run() async throws {
            let (period, top, center, format) = (AssessmentPeriod(period)!, top, center, format)
            try await global.withRuntime { runtime, _ in
                let chosen = try await ReportCommand.center(center, runtime.store)
                let (start, end) = period.instants
                let found = try await runtime.store.hotspots(from: start, to: end, limit: top, centerId: chosen, for: .system)
                if format == "json" { return Swift.print(ReportCommand.json(found)) }
                ReportCommand.emit(EvalCommand.HotspotsEval.table(found), format: format)
            }
        }
    }

    /// The center asked for, or the only one.
    static func center(_ id: Int64?, _ store: Store) async throws -> Int64 {
        let centers = try await store.units(visibleTo: .system).filter { $0.kind == .center && (id == nil || $0.id == id) }
        guard let chosen = centers.first, id != nil || centers.count == 1 else {
            throw ValidationError(centers.isEmpty ? "no center with id \(id ?? 0)" : "several centers: choose one with --center")
        }
        return chosen.id
    }

    static func ratio(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "" }

    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
    }

    static func emit(_ rows: [[String]], format: String) {
        for row in rows { Swift.print(format == "csv" ? row.map { CSV.field($0, guardingFormulas: false) }.joined(separator: ",") : row.joined(separator: "\t")) }
    }
}

extension EvalCommand {
    /// `hotline eval hotspots FILE.csv`: the ranked hotspots of a file of messages, and their members as a detail CSV.
    struct HotspotsEval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hotspots",
            abstract: "Rank the hotspots of a message file (TipDM 留言编号/留言用户/留言主题/留言时间/留言详情/反对数/点赞数, or id/user/title/time/detail)")

        @Argument(help: "CSV file of messages") var file: String
        @Option(help: "How many hotspots to print") var top = 5
        @Option(help: "The detail CSV (热点问题留言明细表); default: FILE-hotspot-details.csv beside the output folder") var details: String?
        @Option(help: "The smallest cluster") var minimum = 3
        @Option(help: "The combined similarity from which two messages are one problem") var threshold = HotspotFinder().threshold
        @Option(help: "Recency's half-life in days (a file spanning years is ranked by a long one)") var halfLife = 365.0

        func run() throws {
            let table = try CSVTable(contentsOf: URL(fileURLWithPath: file))
            func column(_ names: String...) -> Int? { names.lazy.compactMap { table.column($0) }.first }
            guard let idColumn = column("留言编号", "id"), let titleColumn = column("留言主题", "title"), let timeColumn = column("留言时间", "time") else {
                throw ValidationError("the file needs columns 留言编号 (id), 留言主题 (title) and 留言时间 (time)")
            }
            let (userColumn, detailColumn) = (column("留言用户", "user"), column("留言详情", "detail", "text"))
            let (likesColumn, dislikesColumn) = (column("点赞数", "likes"), column("反对数", "dislikes"))
            var rows: [Int64: [String]] = [:]
            var items: [HotspotItem] = []
            for (index, row) in table.rows.enumerated() where row.count > max(idColumn, titleColumn, timeColumn) {
                guard let time = TicketImport.date(row[timeColumn]) else { continue }
                let id = Int64(row[idColumn]) ?? Int64(index + 1)
                let text = detailColumn.map { row.count > $0 ? row[$0] : "" } ?? ""
                let field = { (column: Int?) in column.flatMap { row.count > $0 ? Int(row[$0].trimmingCharacters(in: .whitespaces)) : nil } ?? 0 }
                items.append(HotspotItem(id: id, reference: row[idColumn], title: row[titleColumn], text: text,
                                         place: Duplicates.regionCode(in: row[titleColumn] + "。" + text), time: time,
                                         requester: userColumn.map { row.count > $0 ? row[$0] : "" }, likes: field(likesColumn), dislikes: field(dislikesColumn)))
                rows[id] = [row[idColumn], userColumn.map { row[$0] } ?? "", row[titleColumn], row[timeColumn], text,
                            String(field(likesColumn)), String(field(dislikesColumn))]
            }
            let started = ContinuousClock.now
            let now = items.map(\.time).max() ?? Date()
            let found = HotspotFinder(threshold: threshold, minimumSize: minimum, halfLifeDays: halfLife).find(items, now: now, regionName: {
                String($0.split(separator: "/").last ?? "")
            })
            Swift.print("\(items.count) messages, \(found.count) hotspots of \(minimum)+ in " + String(format: "%.2f s", seconds(since: started))
                + " (recency measured at the newest message, \(CivilDate(now)))")
            for row in Self.table(Array(found.prefix(top))) { Swift.print(row.joined(separator: "\t")) }
            let detailPath = details ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + "-hotspot-details.csv"
            var csv = "\u{FEFF}问题ID,留言编号,留言用户,留言主题,留言时间,留言详情,点赞数,反对数\r\n"
            for hot in found.prefix(top) {
                for id in hot.memberIds {
                    csv += ([String(hot.rank)] + (rows[id] ?? [])).map { CSV.field($0) }.joined(separator: ",") + "\r\n"
                }
            }
            try csv.write(toFile: detailPath, atomically: true, encoding: .utf8)
            Swift.print("members of the top \(min(top, found.count)) written to \(detailPath)")
        }

        /// 热度排名, 问题ID, 热度指数, 时间范围, 地点/人群, 问题描述, 件数, 留言编号.
        static func table(_ hotspots: [Hotspot]) -> [[String]] {
            [["热度排名", "问题ID", "热度指数", "时间范围", "地点/人群", "问题描述", "件数", "成员"]] + hotspots.map { hot in
                [String(hot.rank), String(hot.rank), String(format: "%.2f", hot.heat), "\(CivilDate(hot.from)) 至 \(CivilDate(hot.to))",
                 hot.place ?? hot.region ?? "", hot.description, String(hot.count), hot.references.joined(separator: " ")]
            }
        }
    }

    /// `hotline eval warnings`: replays a year of daily counts with injected rises; detection delay and false alarms of
    /// the sudden-rise detector against a fixed threshold.
    struct Warnings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "warnings", abstract: "Replay a seeded history with injected rises: detection, delay and false alarms per week (突增预警)")

        @Option(help: "Random seed") var seed: UInt64 = 12345
        @Option(help: "Category × district series") var keys = 40
        @Option(help: "Days replayed after the 90 training days") var days = 273
        @Option(help: "Rises injected") var injections = 40

        func run() throws {
            var random = SeededGenerator(seed: seed)
            let calendar = WorkingCalendar.china
            let start = CivilDate("2025-01-01")!
            let total = 90 + days
            let allDays = (0..<total).map { start.adding(days: $0) }
            // Each series: a working-day rate of 1–12 a day, a third of it on rest days.
            var series: [String: [CivilDate: Int]] = [:]
            var rates: [String: Double] = [:]
            for key in 0..<keys {
                let rate = 1 + Double(random.next() % 1100) / 100
                rates["k\(key)"] = rate
                for day in allDays {
                    let lambda = calendar.isWorkingDay(day) ? rate : rate / 3
                    series["k\(key)", default: [:]][day] = Self.poisson(lambda, &random)
                }
            }
            // Rises: 3 days at 2.5 × the rate plus 4, on a replayed day.
            var injected: [(key: String, first: CivilDate)] = []
            var risen = Set<String>()
            for _ in 0..<injections {
                let key = "k\(random.next() % UInt64(keys))"
                let first = start.adding(days: 90 + Int(random.next() % UInt64(days - 3)))
                injected.append((key, first))
                for offset in 0..<3 {
                    let day = first.adding(days: offset)
                    let lambda = (calendar.isWorkingDay(day) ? rates[key]! : rates[key]! / 3) * 2.5 + 4
                    series[key]![day] = Self.poisson(lambda, &random)
                    risen.insert("\(key)|\(day)")
                }
            }
            let detector = RiseDetector()
            let fixed = FixedThresholdRule(training: series, days: Array(allDays.prefix(90)))
            let replay = Array(allDays.dropFirst(90))
            func evaluate(_ alarms: (String, CivilDate) -> Bool) -> (detected: Int, delay: Double, falseAlarms: Int) {
                var detected = 0
                var delays = 0
                for rise in injected {
                    if let offset = (0..<3).first(where: { alarms(rise.key, rise.first.adding(days: $0)) }) {
                        detected += 1
                        delays += offset
                    }
                }
                var falseAlarms = 0
                for key in series.keys {
                    for day in replay where !risen.contains("\(key)|\(day)") && alarms(key, day) { falseAlarms += 1 }
                }
                return (detected, detected == 0 ? 0 : Double(delays) / Double(detected), falseAlarms)
            }
            let weeks = Double(replay.count) / 7
            let c2 = evaluate { key, day in detector.signal(key: key, day: day, counts: series[key]!, calendar: calendar) != nil }
            let threshold = evaluate { key, day in fixed.alarms(key, count: series[key]![day] ?? 0) }
            Swift.print("\(keys) series × \(replay.count) days replayed (after 90 training days), \(injections) injected rises of 3 days (2.5 × rate + 4), seed \(seed)")
            Swift.print("rule                          detected   mean delay (days)   false alarms   per week")
            for (name, result) in [("EARS C2, same kind of day", c2), ("fixed threshold (95th pct.)", threshold)] {
                let padded = name.padding(toLength: 29, withPad: " ", startingAt: 0)
                Swift.print(padded + String(format: " %3d / %-3d  %8.2f            %6d         %.2f", result.detected, injections, result.delay,
                                            result.falseAlarms, Double(result.falseAlarms) / weeks))
            }
        }

        /// A Poisson draw (Knuth's method; fine for the small rates here).
        static func poisson(_ lambda: Double, _ random: inout SeededGenerator) -> Int {
            let limit = exp(-lambda)
            var product = 1.0
            var count = -1
            repeat {
                count += 1
                product *= Double(random.next() >> 11) / Double(1 << 53)
            } while product > limit
            return count
        }
    }
}

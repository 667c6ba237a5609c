import ArgumentParser
import Foundation
import HotlineCore
import HotlineServer
import HotlineStore

/// `hotline report kpi`: a period's assessment of every unit of a center, as a table, CSV or JSON.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Reports (报表)", subcommands: [KPI.self, Volumes.self, Hotspots.self])

    struct KPI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kpi", abstract: "A period's unit assessment: scores, ranks and every indicator (考核指标)")

        @OptionGroup var global: GlobalOptions
        @Option(help: "2026-11, 2026-Q4 or 2026-W48") var period: String
        @Option(help: "The center's unit id (the only center when left out)") var center: Int64?
        @Option(help: "table, csv or json") var format = "table"

        func validate() throws {
            guard AssessmentPeriod(period) != nil else { throw ValidationError("--period must look like 2026-11, 2026-Q4 or 2026-W48") }
            guard ["table", "csv", "json"].contains(format) else { throw ValidationError("--format must be table, csv or json") }
        }

        func run() async throws {
            let (period, center, format) = (AssessmentPeriod(period)!, center, format)
            try await global.withRuntime { runtime, _ in
                let centers = try await runtime.store.units(visibleTo: .system).filter { $0.kind == .center && (center == nil || $0.id == center) }
                guard let chosen = centers.first, center != nil || centers.count == 1 else {
                    throw ValidationError(centers.isEmpty ? "no center with id \(center ?? 0)" : "several centers: choose one with --center")
                }
                let report = try await runtime.store.assessmentReport(period: period, centerId: chosen.id, for: .system)
                switch format {
                case "json":
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                    encoder.dateEncodingStrategy = .iso8601
                    print(String(decoding: try encoder.encode(report), as: UTF8.self))
                case "csv":
                    for row in report.table { print(row.map { CSV.field($0, guardingFormulas: false) }.joined(separator: ",")) }
                default:
                    for row in report.table { print(row.joined(separator: "\t")) }
                }
            }
        }
    }
}

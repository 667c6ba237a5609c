import ArgumentParser
import Foundation
import HotlineServer
import HotlineCore
import HotlineStore

/// `hotline train`: learn categories and units from each center's closed tickets; each run is a new, active model
/// version of that center.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train", abstract: "Train the category and unit classifiers from closed tickets (模型训练)")

    @OptionGroup var global: GlobalOptions
    @Option(help: "category, unit or all") var kind = "all"
    @Option(help: "Train only with at least this many closed tickets") var minimum = 30
    @Option(help: "The center's unit id (every active center when left out)") var center: Int64?

    func validate() throws {
        guard minimum >= 2 else { throw ValidationError("--minimum must be at least 2") }
        guard kind == "all" || ModelKind(rawValue: kind) != nil else { throw ValidationError("--kind must be category, unit or all") }
    }

    func run() async throws {
        let kinds: [ModelKind] = kind == "all" ? ModelKind.allCases : [try ModelKind(rawValue: kind).orThrow("unknown kind \(kind)")]
        let (minimum, center) = (minimum, center)
        try await global.withRuntime { runtime, _ in
            let centers = try await runtime.store.units(visibleTo: .system).filter { $0.kind == .center && $0.active && (center == nil || $0.id == center) }
            guard !centers.isEmpty else { throw ValidationError("no active center with id \(center ?? 0)") }
            for unit in centers {
                for kind in kinds {
                    guard let report = try await runtime.store.train(kind, centerId: unit.id, minimumExamples: minimum, note: "hotline train", by: .system) else {
                        print("\(unit.name) \(kind.rawValue): fewer than \(minimum) closed tickets with a \(kind.rawValue), or a single label — nothing trained")
                        continue
                    }
                    let m = report.model
                    print(String(format: "%@ %@ v%d: %d examples, %d labels, held-out accuracy %.4f, macro-F1 %.4f, %d KiB, %.1f s — active",
                                 unit.name, kind.rawValue, m.version, m.examples, m.labels, m.accuracy, m.macroF1, m.sizeBytes / 1024, report.seconds))
                }
            }
        }
    }
}

/// `hotline models`: list model versions, or activate one (rolling back a bad model).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models", abstract: "List classifier versions, or activate one to roll back (模型版本)", subcommands: [List.self, Activate.self],
        defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Every stored version with its measurements")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withRuntime { runtime, _ in
                for m in try await runtime.store.models(centerId: nil) {
                    print(String(format: "#%-4lld center %-4lld %-8@ v%-3d %@  %6d examples  acc %.4f  macro-F1 %.4f  %5d KiB%@", m.id, m.centerId, m.kind.rawValue as NSString,
                                 m.version, "\(m.createdAt)" as NSString, m.examples, m.accuracy, m.macroF1, m.sizeBytes / 1024,
                                 (m.active ? "  ← active" : "") as NSString))
                }
            }
        }
    }

    struct Activate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "activate", abstract: "Make a stored version the active one")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The model id (from `hotline models list`)") var id: Int64

        func run() async throws {
            let id = id
            try await global.withRuntime { runtime, _ in
                let m = try await runtime.store.activateModel(id: id, by: .system)
                print("\(m.kind.rawValue) v\(m.version) (#\(m.id)) is now active")
            }
        }
    }
}

/// `hotline eval classify`: accuracy, macro-F1 and a per-class table on a held-out file or by cross-validation.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval", abstract: "Measure the classifier, duplicate and emergency detection (评测)",
        subcommands: [Classify.self, Duplicates.self, Emergencies.self, HotspotsEval.self, Warnings.self])

    struct Classify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "classify", abstract: "Train on --train and score --test, or cross-validate one file with --folds (CSV: title,text,label)")

        @Option(help: "Training CSV") var train: String?
        @Option(help: "Test CSV") var test: String?
        @Option(help: "Cross-validate this many folds on the file given as argument") var folds: Int?
        @Option(help: "Seed of the fold assignment") var seed: UInt64 = 42
        @Argument(help: "The CSV to cross-validate") var file: String?

        func validate() throws {
            if let folds, folds < 2 { throw ValidationError("--folds must be at least 2") }
        }

        func run() throws {
            let outcome: ClassifierEvaluation.Outcome
            if let train, let test {
                let (a, b) = (try Self.examples(train), try Self.examples(test))
                print("train \(train) (\(a.count) messages) → test \(test) (\(b.count) messages)")
                outcome = ClassifierEvaluation.holdout(train: a, test: b)
            } else if let file, let folds {
                let examples = try Self.examples(file)
                print("\(folds)-fold stratified cross-validation of \(file) (\(examples.count) messages), seed \(seed), pooled over folds")
                outcome = ClassifierEvaluation.crossValidate(examples, folds: folds, seed: seed)
            } else {
                throw ValidationError("give --train A.csv --test B.csv, or --folds 5 A.csv")
            }
            print(outcome.report.formatted())
            print("")
            if outcome.foldMacroF1.count > 1 {
                let mean = outcome.foldMacroF1.reduce(0, +) / Double(outcome.foldMacroF1.count)
                print("macro-F1 per fold: " + outcome.foldMacroF1.map { String(format: "%.4f", $0) }.joined(separator: " ") + String(format: "; mean %.4f", mean))
            }
            print(String(format: "training %.2f s per model; prediction %.3f ms per message; %d features; model %d KiB",
                         outcome.trainSeconds, outcome.predictMilliseconds, outcome.featureCount, outcome.modelBytes / 1024))
        }

        /// `title,text,label` rows; `text` already starts with the title, which is put in front once more.
        static func examples(_ path: String) throws -> [ClassifierEvaluation.Example] {
            let table = try CSVTable(contentsOf: URL(fileURLWithPath: path))
            guard let text = table.column("text"), let label = table.column("label") else {
                throw ValidationError("\(path) needs text and label columns")
            }
            let title = table.column("title")
            return table.rows.map { row in
                (text: title.map { row[$0] + "。" + row[text] } ?? row[text], label: row[label])
            }
        }
    }
}

extension ImportCommand {
    /// `hotline import tickets FILE.csv|.xlsx`.
    struct Tickets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tickets",
            abstract: "Load a city's past tickets (CSV or .xlsx; columns found by header: 标题/title, 内容/content, 分类/category, 承办单位/unit, 时间/created, 答复/reply …)")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "CSV or XLSX file") var file: String
        @Option(help: "The center to import into (default: the first)") var center: Int64?
        @Flag(help: "Read and report only; write nothing") var dryRun = false

        func run() async throws {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let rows = file.lowercased().hasSuffix(".xlsx") ? try XLSXReader.rows(of: data) : CSV.parse(String(decoding: data, as: UTF8.self))
            let parsed = try TicketImport(rows: rows)
            print("columns: " + parsed.columns.map { "\($0.key.rawValue) ← \($0.value)" }.sorted().joined(separator: ", "))
            for problem in parsed.problems.prefix(50) { print(problem) }
            if parsed.problems.count > 50 { print("… \(parsed.problems.count - 50) more") }
            print("\(parsed.tickets.count) tickets read")
            guard !dryRun else { return }
            let chosen = center
            try await global.withRuntime { runtime, _ in
                let units = try await runtime.store.units(visibleTo: .system)
                let centers = units.filter { $0.kind == .center && $0.active }
                guard let centerUnit = chosen.map({ id in centers.first { $0.id == id } }) ?? centers.min(by: { $0.id < $1.id }) else {
                    throw ValidationError(chosen.map { "no active center with id \($0)" } ?? "no center yet: run `hotline demo` or create one")
                }
                let importer = Actor(kind: .system, userId: nil, name: "历史数据导入", role: nil, unitId: nil, unitPath: [], centerId: centerUnit.id)
                let summary = try await runtime.store.importHistoricalTickets(parsed.tickets, centerId: centerUnit.id, by: importer)
                for line in summary.mappings.sorted() { print("  " + line) }
                print("\(summary.imported) tickets imported into \(centerUnit.name)"
                      + (summary.alreadyImported > 0 ? ", \(summary.alreadyImported) already there from an earlier run" : "")
                      + "; run `hotline train` to learn from them")
            }
        }
    }
}

extension Optional {
    func orThrow(_ message: String) throws -> Wrapped {
        guard let self else { throw ValidationError(message) }
        return self
    }
}

import ArgumentParser
import Foundation
import HotlineServer
import HotlineDemo
import HotlineCore
import HotlineStore
import Logging

extension BenchCommand {
    /// `hotline bench search`: query latency of the knowledge-base index over many generated entries.
    struct Search: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "search", abstract: "Knowledge search latency (p50/p99) over generated entries, e.g. 100,000")

        @Option(help: "Entries to generate") var entries = 100_000
        @Option(help: "Queries to time") var queries = 5000
        @Option(help: "A folder with the TipDM CSVs to draw text from (default: the demo city's own texts)") var data: String?

        func validate() throws {
            guard entries >= 1, queries >= 1 else { throw ValidationError("--entries and --queries must be at least 1") }
        }

        func run() throws {
            var corpus = Corpus(texts: try texts())
            var documents: [SearchDocument] = []
            documents.reserveCapacity(entries)
            for id in 0..<entries { documents.append(corpus.entry(id: Int64(id))) }
            let built = ContinuousClock.now
            let index = SearchIndex(documents: documents, synonyms: .governmentServices)
            let buildSeconds = seconds(since: built)
            let mixed = corpus.queries(count: queries, from: documents)
            var latencies: [Double] = []
            var hits = 0
            for query in mixed {
                let start = ContinuousClock.now
                hits += index.search(query, limit: 10).count
                latencies.append(seconds(since: start) * 1000)
            }
            latencies.sort()
            func at(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            print("knowledge search: \(entries) entries built in \(String(format: "%.1f", buildSeconds)) s (\(index.statistics.terms) terms, "
                + "~\(index.statistics.estimatedBytes / 1_048_576) MiB)")
            print(String(format: "%d mixed queries (title fragments, pasted sentences, 1–2 characters), top 10: p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms; %.1f hits per query",
                         mixed.count, at(0.5), at(0.9), at(0.99), latencies.last ?? 0, Double(hits) / Double(max(mixed.count, 1))))
        }

        func texts() throws -> [String] {
            guard let data else { return DemoSeeder.corpus }
            let folder = URL(fileURLWithPath: data)
            var texts: [String] = []
            for (file, columns) in [("labeled-train.csv", ["title", "text"]), ("replies.csv", ["title", "reply"])] {
                let table = try CSVTable(contentsOf: folder.appendingPathComponent(file))
                for column in columns { texts += table.values(of: column) ?? [] }
            }
            return texts
        }
    }

    /// `hotline bench suggest`: how long intake suggestions take against a seeded demo city.
    struct Suggest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suggest", abstract: "Latency of intake suggestions (classifiers, rules, gazetteer, duplicates, knowledge) on a demo city")

        @Option(help: "Demo tickets to seed") var tickets = 1000
        @Option(help: "Suggestions to time") var queries = 1000

        func validate() throws {
            guard tickets >= 1, queries >= 1 else { throw ValidationError("--tickets and --queries must be at least 1") }
        }

        func run() async throws {
            let scratch = try BenchScratch()
            defer { scratch.remove() }
            let logger = scratch.logger
            let runtime = try await openRuntime(scratch.configuration(), logger: logger)
            try await prepare(runtime, logger: logger)
            let seeded = ContinuousClock.now
            let summary = try await DemoSeeder(store: runtime.store, now: Date(), ticketCount: tickets).run()
            print("demo city with \(tickets) tickets seeded and models trained in \(String(format: "%.1f", seconds(since: seeded))) s")
            let advisor = Advisor(store: runtime.store, refreshInterval: 3600)
            try await advisor.refresh(force: true)
            let messages = DemoSeeder.builtInMessages
            var latencies: [Double] = []
            for i in 0..<queries {
                let message = messages[i % messages.count]
                let start = ContinuousClock.now
                _ = try await advisor.suggest(title: message.title, content: message.text, address: nil, categoryCode: nil, centerId: summary.centerId)
                latencies.append(seconds(since: start) * 1000)
            }
            latencies.sort()
            func at(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
            print(String(format: "%d suggestions: p50 %.2f ms  p99 %.2f ms  max %.2f ms", queries, at(0.5), at(0.99), latencies.last ?? 0))
            await runtime.database.close()
        }
    }
}

/// Knowledge entries generated from real texts: titles from clauses with a question ending, bodies of several clauses.
struct Corpus {
    var titleClauses: [String]
    var bodyClauses: [String]
    var random = SeededGenerator(seed: 12345)

    init(texts: [String]) {
        let clauses = texts.flatMap { $0.split(whereSeparator: { "，。！？；：,.!?;:\n \t（）()“”\"".contains($0) }).map(String.init) }
        titleClauses = clauses.filter { (4...30).contains($0.count) }
        bodyClauses = clauses.filter { (6...40).contains($0.count) }
    }

    static let endings = ["怎么办？", "如何办理？", "需要什么材料？", "在哪里办理？", "的政策是什么？", "可以投诉吗？", "归哪个部门管？", "多久能处理？", "", "的问题"]

    mutating func pick(_ pool: [String]) -> String { pool[Int(random.next() % UInt64(pool.count))] }

    mutating func entry(id: Int64) -> SearchDocument {
        let title = pick(titleClauses) + pick(Self.endings)
        let variants = (0..<Int(random.next() % 4)).map { _ in pick(titleClauses) + pick(Self.endings) }
        let count = 4 + Int(random.next() % 9)
        var body = ""
        for index in 0..<count { body += pick(bodyClauses) + (index == count - 1 ? "。" : "，") }
        return SearchDocument(id: id, version: 1, title: title, variants: variants, body: body, tags: [])
    }

    /// 60% fragments of titles, 20% sentences from bodies, 10% two characters, 10% one character.
    mutating func queries(count: Int, from documents: [SearchDocument]) -> [String] {
        (0..<count).map { _ in
            let roll = random.next() % 10
            let document = documents[Int(random.next() % UInt64(documents.count))]
            let source = Array(roll < 6 ? document.title : (roll < 8 ? document.body : document.title))
            let length = roll < 6 ? 4 + Int(random.next() % 9) : roll < 8 ? 10 + Int(random.next() % 21) : roll == 8 ? 2 : 1
            let start = source.count > length ? Int(random.next() % UInt64(source.count - length)) : 0
            return String(source[start..<min(source.count, start + length)])
        }
    }
}

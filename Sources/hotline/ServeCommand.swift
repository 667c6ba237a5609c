import ArgumentParser
import Configuration
import Foundation
import HotlineServer
import HotlineDemo
import HotlineCore
import HotlineStore
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `hotline serve`: migrate, optionally seed the demo city, and serve the API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the Hotline server (运行服务)")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Address to listen on (config http.host)")
    var host: String?

    @Option(help: "Port to listen on (config http.port)")
    var port: Int?

    @Flag(help: "Load the demo city 临江市 first if the database has none")
    var demo = false

    func run() async throws {
        var extra: [String: ConfigContent] = [:]
        if let host { extra["http.host"] = .string(host) }
        if let port { extra["http.port"] = .int(port) }
        // The demo city opts in to publishing its statistics on the portal (数据公开).
        if demo { extra["portal.publicStats"] = .bool(true) }
        let configuration = global.configuration(extra: extra)
        let logger = global.logger(configuration)
        let runtime = try await openRuntime(configuration, logger: logger)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let demo = demo
        let options = StartOptions(
            afterPreparation: { runtime in
                guard demo else { return }
                var summary: DemoSeeder.Summary?
                if !(try await DemoSeeder.isSeeded(runtime.store)) {
                    Self.say("正在生成演示城市（临江市）… / seeding the demo city …")
                    do {
                        summary = try await DemoSeeder(store: runtime.store, now: Date()).run()
                    } catch {
                        logger.error("seeding the demo city failed: \(String(reflecting: error))")
                        throw error
                    }
                }
                Self.printDemoAccounts(summary, url: configuration.baseURL(port: nil))
            },
            onServerRunning: { port in
                Self.say("""

                    Hotline 12345 is running.
                      Staff sign-in (工作人员登录)   \(configuration.baseURL(port: port))/login
                      Citizen portal (市民服务)      \(configuration.baseURL(port: port))/portal
                      JSON API                       \(configuration.baseURL(port: port))/api/v1   (contract: openapi.yaml)
                      Health · metrics               \(configuration.baseURL(port: port))/health · \(configuration.baseURL(port: port))/metrics
                      Database                       \(configuration.databaseDescription)
                    """)
            })
        do {
            try await buildApplication(runtime: runtime, logger: logger, metrics: registry, options: options).runService()
            await runtime.database.close()
        } catch {
            await runtime.database.close()
            throw error
        }
    }

    static func printDemoAccounts(_ summary: DemoSeeder.Summary?, url: String) {
        say("""

            演示账号 / demo accounts — sign in at \(url)/login, password for all: \(DemoSeeder.password)
              agent 话务员 · supervisor 审核督办员 · housing 住建局承办人 · housing-admin 住建局管理员 · donghu 东湖区承办人
              donghu-street 东湖街道承办人 · kbeditor 知识库编辑 · admin 系统管理员 · auditor 审计员 · police110 · open311 对接系统 · subcenter 承办对接系统 (API only)
            API:  curl -s -X POST \(url)/api/v1/auth/login -H 'Content-Type: application/json' -d '{"username":"agent","password":"\(DemoSeeder.password)"}'
            """)
        if let summary {
            say("  110 platform API key (shown once): \(summary.apiKey)")
            say("  Open311 app API key (shown once): \(summary.open311Key)  — \(url)/open311/discovery.json")
            say("  sub-center system API key (shown once): \(summary.subCenterKey)")
            let total = summary.ticketsByStatus.values.reduce(0, +)
            say("  \(total) demo tickets: " + summary.ticketsByStatus.sorted { $0.value > $1.value }.map { "\($0.key.label) \($0.value)" }.joined(separator: ", "))
            say("  \(summary.knowledgeEntries) verified knowledge-base entries; models: "
                + summary.models.map { String(format: "%@ v%d (macro-F1 %.2f on held-out tickets)", $0.kind.label, $0.version, $0.macroF1) }.joined(separator: ", "))
        }
    }

    /// Writes a line to standard output at once (not buffered), so the sign-in address shows even when piped to a log.
    static func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }
}

/// `hotline migrate`: bring the schema up to date.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Create or update the database schema (数据库迁移)")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withRuntime(prepareSchema: false) { runtime, logger in
            let applied = try await runtime.store.migrate()
            try await runtime.store.seedReferenceData()
            print(applied.isEmpty ? "schema is up to date" : applied.map { "applied migration \($0)" }.joined(separator: "\n"))
        }
    }
}

/// `hotline seed demo`.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed", abstract: "Load sample data (演示数据)", subcommands: [Demo.self])

    struct Demo: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo", abstract: "Load the demo city 临江市: units, a user for every role, ~1,000 tickets in every status")

        @OptionGroup var global: GlobalOptions

        @Option(help: "How many tickets to create")
        var tickets = 1000

        @Option(help: "A title,text,label CSV of real messages to use as ticket texts (e.g. ../shared/data/gov-messages/labeled-train.csv)")
        var messages: String?

        func run() async throws {
            let texts = try messages.map { DemoSeeder.messages(fromCSV: try String(contentsOfFile: $0, encoding: .utf8)) } ?? []
            let count = tickets
            try await global.withRuntime { runtime, _ in
                guard !(try await DemoSeeder.isSeeded(runtime.store)) else {
                    print("the demo city is already loaded")
                    return
                }
                let started = Date()
                let summary = try await DemoSeeder(store: runtime.store, now: Date(), ticketCount: count, messages: texts).run()
                print("demo city loaded in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
                print("accounts (password \(DemoSeeder.password)):")
                for account in summary.accounts { print("  \(account.username.padding(toLength: 14, withPad: " ", startingAt: 0)) \(account.role.label)  \(account.unit)") }
                print("110 platform API key: \(summary.apiKey)")
                print("Open311 app API key: \(summary.open311Key)")
                print("sub-center system API key: \(summary.subCenterKey)")
                for (status, n) in summary.ticketsByStatus.sorted(by: { $0.value > $1.value }) { print("  \(status.label) (\(status.rawValue)): \(n)") }
                print("\(summary.knowledgeEntries) knowledge-base entries; models: " + summary.models.map { "\($0.kind.rawValue) v\($0.version)" }.joined(separator: ", "))
            }
        }
    }
}

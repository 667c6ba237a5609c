import ArgumentParser
import Foundation
import HotlineCore
import HotlineServer
import HotlineStore

extension BenchCommand {
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "The audit trail's cost: intake with keyed seals and ticket digests, and a whole verification (chain, ticket rows, "
                + "checkpoints) as a ratio to merely reading the same rows in the same run")

        @Option(name: .customLong("database-url"), help: "The database (default: a fresh SQLite file)") var databaseURL: String?
        @Option(help: "Tickets recorded (each with its creation event)") var tickets = 5000

        func validate() throws {
            guard tickets >= 10 else { throw ValidationError("--tickets ≥ 10") }
        }

        func run() async throws {
            let scratch = try BenchScratch()
            defer { scratch.remove() }
            let runtime = try await openRuntime(scratch.configuration(databaseURL: databaseURL), logger: scratch.logger)
            let pool = Task { await runtime.database.run() }
            defer { pool.cancel() }
            do {
                try await measure(runtime, scratch: scratch)
                await runtime.database.close()
            } catch {
                await runtime.database.close()
                throw error
            }
        }

        func measure(_ runtime: HotlineRuntime, scratch: BenchScratch) async throws {
            try await prepare(runtime, logger: scratch.logger)
            let store = runtime.store
            print("Hotline audit benchmark — \(runtime.database.dialect.rawValue), \(tickets) tickets, \(ProcessInfo.processInfo.activeProcessorCount) cores")
            let center = try await store.createUnit(name: "压测审计中心", kind: .center, parentId: nil, by: .system)
            let agentUser = try await store.createUser(username: "bench-audit-agent", displayName: "压测话务员", password: "Bench-password-1",
                                                       role: .agent, unitId: center.id, by: .system)
            let agent = Actor.user(id: agentUser.id, name: "压测话务员", role: .agent, unitId: center.id, unitPath: center.path, centerId: center.id)
            let intake = try await BenchCommand.Relay.record(store, count: tickets, concurrency: 32, centerId: center.id, agent: agent)
            print(String(format: "intake with seals (Store.createTicket, 32 at a time): %.0f tickets/s", Double(tickets) / intake))
            try await store.writeAuditCheckpoint()

            let readStart = ContinuousClock.now
            let read = try await store.readTrailForBenchmark()
            let readTime = seconds(since: readStart)
            let verifyStart = ContinuousClock.now
            let report = try await store.auditReport()
            let verifyTime = seconds(since: verifyStart)
            guard report.isIntact else { throw ValidationError("the fresh trail does not verify: \(report.lines)") }
            print(String(format: "baseline, reading %d events and %d ticket rows: %.2f s (%.0f rows/s)", read.events, read.tickets, readTime,
                         Double(read.events + read.tickets) / readTime))
            print(String(format: "audit verify (every seal, every ticket row against its last event, %d checkpoints): %.2f s = %.2f× the read; "
                         + "%.0f events/s", report.checkpoints, verifyTime, verifyTime / readTime, Double(report.intactEvents) / verifyTime))
            let perDay = 45_000.0 * 6
            print(String(format: "a province's day (45,000 tickets, ~6 events each) would verify in about %.0f s at this rate",
                         perDay / (Double(report.intactEvents) / verifyTime)))
        }
    }
}

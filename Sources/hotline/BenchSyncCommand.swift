import ArgumentParser
import AsyncHTTPClient
import Foundation
import HotlineCore
import HotlineIntegrations
import HotlineServer
import HotlineStore
import Hummingbird
import Logging

extension BenchCommand {
    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sync",
            abstract: "City → province replication over loopback: tickets per second replicated (as a ratio to the city's own intake in the "
                + "same run) and the delay from a city commit to its copy on the province (p50/p99) at a steady intake")

        @Option(name: .customLong("city-url"), help: "The city's database (default: a fresh SQLite file)") var cityURL: String?
        @Option(name: .customLong("province-url"), help: "The province's database (default: a fresh SQLite file)") var provinceURL: String?
        @Option(help: "Tickets recorded on the city, then replicated") var tickets = 2000
        @Option(help: "Tickets per second during the delay measurement") var rate = 50
        @Option(help: "Seconds of the delay measurement") var duration = 10

        func validate() throws {
            guard tickets >= 10, rate >= 1, duration >= 1 else { throw ValidationError("--tickets ≥ 10, --rate and --duration ≥ 1") }
        }

        func run() async throws {
            let cityScratch = try BenchScratch()
            let provinceScratch = try BenchScratch()
            defer { cityScratch.remove(); provinceScratch.remove() }
            let city = try await openRuntime(cityScratch.configuration(databaseURL: cityURL), logger: cityScratch.logger)
            let province = try await openRuntime(provinceScratch.configuration(databaseURL: provinceURL), logger: provinceScratch.logger)
            let pools = [Task { await city.database.run() }, Task { await province.database.run() }]
            defer { pools.forEach { $0.cancel() } }
            try await prepare(city, logger: cityScratch.logger)
            try await prepare(province, logger: provinceScratch.logger)
            print("Hotline sync benchmark — city \(city.database.dialect.rawValue), province \(province.database.dialect.rawValue), "
                  + "\(ProcessInfo.processInfo.activeProcessorCount) cores")

            // The province: a center, the city as a city platform with its linked system and key, its API on a port.
            let provinceCenter = try await province.store.createUnit(name: "压测省平台", kind: .center, parentId: nil, by: .system)
            let cityUnit = try await province.store.createUnit(name: "压测市平台", kind: .cityPlatform, parentId: provinceCenter.id, code: "BENCH", by: .system)
            let linked = try await province.store.createUser(username: "bench-city-\(cityUnit.id)", displayName: "压测市平台", password: "Bench-password-1",
                                                             role: .linkedSystem, unitId: cityUnit.id, by: .system)
            let key = try await province.store.createAPIKey(userId: linked.id, name: "bench", by: .system)
            var quiet = provinceScratch.logger
            quiet.logLevel = .critical
            let router = try buildRouter(store: province.store, clock: .system, logger: quiet)
            let (ports, port) = AsyncStream.makeStream(of: Int.self)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in if let p = channel.localAddress?.port { port.yield(p) } }, logger: quiet)
            let server = Task { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            guard let listening = await iterator.next() else { throw ValidationError("the province did not start") }

            // The city: a center, an agent, the link up.
            let cityCenter = try await city.store.createUnit(name: "压测市中心", kind: .center, parentId: nil, by: .system)
            let adminUser = try await city.store.createUser(username: "bench-sync-admin", displayName: "压测管理员", password: "Bench-password-1",
                                                            role: .admin, unitId: cityCenter.id, by: .system)
            let admin = Actor.user(id: adminUser.id, name: "压测管理员", role: .admin, unitId: cityCenter.id, unitPath: cityCenter.path, centerId: cityCenter.id)
            let agentUser = try await city.store.createUser(username: "bench-sync-agent", displayName: "压测话务员", password: "Bench-password-1",
                                                            role: .agent, unitId: cityCenter.id, by: .system)
            let agent = Actor.user(id: agentUser.id, name: "压测话务员", role: .agent, unitId: cityCenter.id, unitPath: cityCenter.path, centerId: cityCenter.id)
            _ = try await city.store.saveUpstreamLink(url: "http://127.0.0.1:\(listening)", apiKey: key, identity: .masked, active: true, by: admin)

            // The baseline: the city's own intake, 32 at a time.
            let intake = try await Relay.record(city.store, count: tickets, concurrency: 32, centerId: cityCenter.id, agent: agent)
            let intakeRate = Double(tickets) / intake
            print(String(format: "city intake (Store.createTicket, 32 at a time): %d tickets in %.2f s = %.0f tickets/s", tickets, intake, intakeRate))

            // Throughput: the backlog replicated, batch after batch.
            var settings = UpstreamSync.Settings()
            settings.interval = .milliseconds(100)
            settings.heartbeat = 3600
            settings.reconcileInterval = 86_400
            let client = HTTPClient(eventLoopGroupProvider: .singleton)
            let sync = UpstreamSync(store: city.store, client: client, settings: settings, logger: cityScratch.logger)
            guard var (link, linkKey) = try await city.store.activeUpstreamLinks().first else { throw ValidationError("no link") }
            let started = ContinuousClock.now
            var sent = 0
            while true {
                let round = try await sync.syncOnce(link, key: linkKey)
                sent += round.sent
                guard let next = try await city.store.activeUpstreamLinks().first else { break }
                (link, linkKey) = next
                if round.sent == 0 { break }
            }
            let elapsed = seconds(since: started)
            print(String(format: "replicated: %d snapshots of %d tickets in %.2f s = %.0f tickets/s (%.2f × the city's intake)",
                         sent, tickets, elapsed, Double(tickets) / elapsed, Double(tickets) / elapsed / intakeRate))
            // A province's day (45,000 requests) at a peak hour three times the average is 1.6 tickets/s across its cities.
            let peak = 45_000.0 / 86_400 * 3
            print(String(format: "ten cities at a province's peak (%.1f tickets/s each, if one city took the whole province's): the province keeps up %.0f× over",
                         peak, Double(tickets) / elapsed / (peak * 10)))

            let idle = ContinuousClock.now
            for _ in 0..<5 { try await sync.syncOnce(link, key: linkKey) }
            print(String(format: "an idle round (nothing new either way): %.0f ms", seconds(since: idle) / 5 * 1000))

            // The delay at a steady intake, the link running as in `hotline serve` (woken by each commit).
            let running = Task { try await sync.run() }
            let steady = Date()
            let total = rate * duration
            let perTick = max(1, rate / 10)
            var made = 0
            let clockStart = ContinuousClock.now
            while made < total {
                let batch = min(perTick, total - made)
                _ = try await Relay.record(city.store, count: batch, concurrency: min(batch, 8), centerId: cityCenter.id, agent: agent)
                made += batch
                let due = clockStart + .milliseconds(Int64(Double(made) / Double(rate) * 1000))
                if ContinuousClock.now < due { try await Task.sleep(until: due) }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            var arrivals: [Int64: Date] = [:]
            while ContinuousClock.now < deadline {
                arrivals = try await province.store.copyArrivals(since: steady)
                if arrivals.count >= total { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            var delays: [Double] = []
            for (id, arrived) in arrivals {
                let created = try await city.store.ticket(id: id, for: admin).createdAt
                delays.append(arrived.timeIntervalSince(created))
            }
            running.cancel()
            _ = try? await running.value
            if let pending = try await city.store.upstreamLink(for: admin)?.pending, pending > 0 {
                print("(\(pending) changes still waiting on the city after 30 s)")
            }
            delays.sort()
            func at(_ p: Double) -> Double { delays.isEmpty ? 0 : delays[min(delays.count - 1, Int(Double(delays.count) * p))] * 1000 }
            print(String(format: "delay from a city commit to its copy on the province at %d tickets/s for %d s: %d copies, p50 %.0f ms  p99 %.0f ms  max %.0f ms",
                         rate, duration, delays.count, at(0.5), at(0.99), (delays.last ?? 0) * 1000))
            try await client.shutdown()
            server.cancel()
            _ = try? await server.value
            await city.database.close()
            await province.database.close()
        }
    }
}

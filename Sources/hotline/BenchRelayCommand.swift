import ArgumentParser
import AsyncHTTPClient
import Foundation
import HotlineCore
import HotlineIntegrations
import HotlineServer
import HotlineStore
import Hummingbird
import Logging
import NIOCore
import Synchronization

extension BenchCommand {
    struct Relay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "relay",
            abstract: "Webhook delivery to a local receiver with 1, 10 and 100 subscribers (deliveries/s, as a ratio to the intake rate "
                + "of the same machine) and the delay from commit to delivery (p50/p99) at a steady intake")

        @Option(name: .customLong("database-url"), help: "Default: a fresh SQLite file in a temporary folder") var databaseURL: String?
        @Option(help: "Changes to drain with 1 and 10 subscribers (a tenth of them with 100)") var events = 2000
        @Option(help: "Tickets per second during the delay measurement") var rate = 100
        @Option(help: "Seconds of the delay measurement") var duration = 10

        func validate() throws {
            guard events >= 10, rate >= 1, duration >= 1 else { throw ValidationError("--events ≥ 10, --rate and --duration ≥ 1") }
        }

        func run() async throws {
            let scratch = try BenchScratch()
            defer { scratch.remove() }
            let runtime = try await openRuntime(scratch.configuration(databaseURL: databaseURL), logger: scratch.logger)
            let pool = Task { await runtime.database.run() }
            defer { pool.cancel() }
            try await prepare(runtime, logger: scratch.logger)
            let store = runtime.store
            let center = try await store.createUnit(name: "压测中心", kind: .center, parentId: nil, by: .system)
            let user = try await store.createUser(username: "bench-relay-\(center.id)", displayName: "压测管理员", password: "Bench-password-1",
                                                  role: .admin, unitId: center.id, by: .system)
            let admin = Actor.user(id: user.id, name: "压测管理员", role: .admin, unitId: center.id, unitPath: center.path, centerId: center.id)
            let agentUser = try await store.createUser(username: "bench-relay-agent-\(center.id)", displayName: "压测话务员", password: "Bench-password-1",
                                                       role: .agent, unitId: center.id, by: .system)
            let agent = Actor.user(id: agentUser.id, name: "压测话务员", role: .agent, unitId: center.id, unitPath: center.path, centerId: center.id)
            print("Hotline relay benchmark — \(runtime.database.dialect.rawValue), \(ProcessInfo.processInfo.activeProcessorCount) cores")

            // The baseline: tickets recorded per second by the store on this machine, 32 at a time.
            let intake = try await Self.record(store, count: events, concurrency: 32, centerId: center.id, agent: agent)
            print(String(format: "intake (Store.createTicket, 32 at a time): %d tickets in %.2f s = %.0f tickets/s", events, intake, Double(events) / intake))
            let intakeRate = Double(events) / intake
            try await store.fanOut(limit: 1_000_000)

            let receiver = Receiver()
            let (ports, port) = AsyncStream.makeStream(of: Int.self)
            let router = Router()
            router.post("/hook/:n") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 1 << 20)
                receiver.received(body: body, at: Date())
                return Response(status: .ok)
            }
            var quiet = scratch.logger
            quiet.logLevel = .critical
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { channel in if let p = channel.localAddress?.port { port.yield(p) } }, logger: quiet)
            let server = Task { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            guard let listening = await iterator.next() else { throw ValidationError("receiver did not start") }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
            var settings = WebhookRelay.Settings()
            settings.concurrency = 64
            settings.batchSize = 500
            settings.interval = .milliseconds(200)
            let relay = WebhookRelay(store: store, client: client, settings: settings, node: "bench", logger: scratch.logger)

            var subscribed = 0
            for subscribers in [1, 10, 100] {
                while subscribed < subscribers {
                    _ = try await store.createSubscription(name: "压测接收方\(subscribed)", url: "http://127.0.0.1:\(listening)/hook/\(subscribed)",
                                                           topics: ["ticket.*"], scope: .center, by: admin)
                    subscribed += 1
                }
                let count = subscribers == 100 ? max(events / 10, 1) : events
                _ = try await Self.record(store, count: count, concurrency: 32, centerId: center.id, agent: agent)
                receiver.reset()
                let started = ContinuousClock.now
                let expected = count * subscribers
                while receiver.count < expected {
                    let round = try await relay.relayOnce()
                    if round.claimed == 0 && round.fanned == 0 { break }
                }
                let elapsed = seconds(since: started)
                let delivered = receiver.count
                print(String(format: "%3d subscriber%@: %6d deliveries of %5d changes in %6.2f s = %8.0f deliveries/s, %7.0f changes/s to all (%.2f × intake)",
                             subscribers, subscribers == 1 ? " " : "s", delivered, count, elapsed, Double(delivered) / elapsed,
                             Double(delivered) / Double(subscribers) / elapsed, Double(delivered) / Double(subscribers) / elapsed / intakeRate))
            }

            // The delay from commit to delivery while tickets come in at a steady rate, one subscriber.
            for id in try await store.subscriptions(by: admin).dropFirst().map(\.id) { _ = try await store.setSubscriptionActive(id: id, active: false, by: admin) }
            receiver.reset()
            let running = Task { try await relay.run() }
            let total = rate * duration
            let tick = 0.1
            let perTick = max(1, Int(Double(rate) * tick))
            var made = 0
            let started = ContinuousClock.now
            while made < total {
                let batch = min(perTick, total - made)
                _ = try await Self.record(store, count: batch, concurrency: min(batch, 8), centerId: center.id, agent: agent)
                made += batch
                let due = started + .milliseconds(Int64(Double(made) / Double(rate) * 1000))
                if ContinuousClock.now < due { try await Task.sleep(until: due) }
            }
            let deadline = ContinuousClock.now + .seconds(30)
            while receiver.count < total && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            running.cancel()
            _ = try? await running.value
            let delays = receiver.delays.sorted()
            func at(_ p: Double) -> Double { delays.isEmpty ? 0 : delays[min(delays.count - 1, Int(Double(delays.count) * p))] * 1000 }
            print(String(format: "delay from commit to delivery at %d tickets/s for %d s, 1 subscriber: %d delivered, p50 %.0f ms  p99 %.0f ms  max %.0f ms",
                         rate, duration, delays.count, at(0.5), at(0.99), (delays.last ?? 0) * 1000))
            try await client.shutdown()
            server.cancel()
            _ = try? await server.value
            await runtime.database.close()
        }

        /// Records `count` tickets with `concurrency` in flight; returns the seconds it took.
        static func record(_ store: Store, count: Int, concurrency: Int, centerId: Int64, agent: Actor) async throws -> Double {
            let started = ContinuousClock.now
            let perWorker = (count + concurrency - 1) / concurrency
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        let first = min(count, worker * perWorker)
                        for i in first..<min(count, first + perWorker) {
                            _ = try await store.createTicket(TicketDraft(channel: .phone, type: .complaint, title: "推送压测 \(i)",
                                                                         content: "东湖区滨江花园北门路灯连续一周不亮。", categoryCode: "030599"),
                                                             centerId: centerId, by: agent)
                        }
                    }
                }
                try await group.waitForAll()
            }
            return seconds(since: started)
        }
    }

    /// The benchmark's receiver: counts posts and measures each change's delay from its commit (`occurredAt`).
    final class Receiver: Sendable {
        private let state = Mutex<(count: Int, delays: [Double])>((0, []))

        var count: Int { state.withLock { $0.count } }
        var delays: [Double] { state.withLock { $0.delays } }

        func reset() { state.withLock { $0 = (0, []) } }

        func received(body: ByteBuffer, at now: Date) {
            struct Change: Decodable { let occurredAt: String }
            let occurred = (try? JSONDecoder().decode(Change.self, from: Data(body.readableBytesView))).flatMap {
                try? Date($0.occurredAt, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
            }
            state.withLock { state in
                state.count += 1
                if let occurred { state.delays.append(now.timeIntervalSince(occurred)) }
            }
        }
    }
}

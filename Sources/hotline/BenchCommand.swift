import ArgumentParser
import AsyncHTTPClient
import Configuration
import Foundation
import HotlineServer
import HotlineCore
import HotlineStore
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// `hotline bench intake`: tickets per second and latency over HTTP on loopback, against a hello-world baseline.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Benchmarks (性能测试)", subcommands: [Intake.self, Search.self, Suggest.self, Reports.self, Relay.self, Sync.self, Audit.self])

    struct Intake: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "intake",
            abstract: "Create tickets over HTTP with concurrency; report tickets/s and p50/p99, beside GET /hello on the same server")

        @Option(name: .customLong("database-url"), help: "Default: a fresh SQLite file in a temporary folder")
        var databaseURL: String?
        @Option(help: "Requests in flight at once") var concurrency = 32
        @Option(help: "Tickets to create") var requests = 5000
        @Option(help: "Hello-world requests") var helloRequests = 20000

        func validate() throws {
            guard concurrency >= 1, requests >= 1, helloRequests >= 1 else {
                throw ValidationError("--concurrency, --requests and --hello-requests must be at least 1")
            }
        }

        func run() async throws {
            let scratch = try BenchScratch()
            defer { scratch.remove() }
            var configuration = scratch.configuration(databaseURL: databaseURL)
            configuration.port = 0
            configuration.scanIntervalSeconds = 0
            configuration.services = .none
            let logger = scratch.logger
            let runtime = try await openRuntime(configuration, logger: logger)
            let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
            let options = StartOptions(onServerRunning: { port in
                if let port { portContinuation.yield(port) }
            })
            let app = try buildApplication(runtime: runtime, logger: logger, options: options)
            let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
            let server = Task { try await group.run() }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else { throw ValidationError("server did not start") }
            let center = try await runtime.store.createUnit(name: "压测中心", kind: .center, parentId: nil, by: .system)
            let benchUser = try await runtime.store.createUser(username: "bench-agent-\(center.id)", displayName: "压测话务员", password: "Bench-password-1",
                                                   role: .agent, unitId: center.id, by: .system)
            let base = "http://127.0.0.1:\(port)"
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
            do {
                let token = try await login(client, base, username: "bench-agent-\(center.id)")
                print("Hotline intake benchmark — \(runtime.database.dialect.rawValue), concurrency \(concurrency), \(ProcessInfo.processInfo.activeProcessorCount) cores")
                _ = try await measure(client, count: 200, concurrency: concurrency) { _ in Self.hello(base) }
                let hello = try await measure(client, count: helloRequests, concurrency: concurrency) { _ in Self.hello(base) }
                report("GET /hello", hello)
                let intake = try await measure(client, count: requests, concurrency: concurrency) { i in Self.ticket(base, token: token, index: i) }
                report("POST /api/v1/tickets", intake)
                print(String(format: "intake / hello = %.2f", intake.rate / hello.rate))
                let agent = Actor.user(id: benchUser.id, name: "压测", role: .agent, unitId: center.id, unitPath: center.path, centerId: center.id)
                let direct = try await Self.direct(runtime.store, count: requests, concurrency: concurrency, centerId: center.id, agent: agent)
                report("Store.createTicket", direct)
            } catch {
                try? await client.shutdown()
                throw error
            }
            try await client.shutdown()
            await group.triggerGracefulShutdown()
            _ = try? await server.value
            await runtime.database.close()
        }

        struct Result {
            var count: Int
            var seconds: Double
            var latencies: [Double]
            var failures: Int
            var rate: Double { Double(count) / seconds }
            func percentile(_ p: Double) -> Double {
                let sorted = latencies.sorted()
                guard !sorted.isEmpty else { return 0 }
                return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            }
        }

        func report(_ name: String, _ r: Result) {
            print(String(format: "%-22@ %7d req  %6.2f s  %9.1f req/s  p50 %6.2f ms  p99 %6.2f ms  failures %d",
                         name as NSString, r.count, r.seconds, r.rate, r.percentile(0.5) * 1000, r.percentile(0.99) * 1000, r.failures))
        }

        /// The same intake without HTTP: where the time goes when the two rates differ.
        static func direct(_ store: Store, count: Int, concurrency: Int, centerId: Int64, agent: Actor) async throws -> Result {
            let started = ContinuousClock.now
            let perWorker = (count + concurrency - 1) / concurrency
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var latencies: [Double] = []
                        let first = min(count, worker * perWorker)
                        for i in first..<min(count, first + perWorker) {
                            let start = ContinuousClock.now
                            let draft = TicketDraft(channel: .phone, type: .complaint, title: "直接登记 \(i)", content: "东湖区滨江花园北门路灯连续一周不亮。",
                                                    categoryCode: "030599", requester: Requester(name: "王先生", phone: "139\(String(format: "%08d", i))"))
                            _ = try await store.createTicket(draft, centerId: centerId, by: agent, idempotencyKey: "direct-\(i)")
                            let elapsed = ContinuousClock.now - start
                            latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                        }
                        return latencies
                    }
                }
                var all: [Double] = []
                for try await part in group { all += part }
                return all
            }
            let elapsed = ContinuousClock.now - started
            return Result(count: count, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                          latencies: latencies, failures: 0)
        }

        static func hello(_ base: String) -> HTTPClientRequest { HTTPClientRequest(url: base + "/hello") }

        static func ticket(_ base: String, token: String, index: Int) -> HTTPClientRequest {
            var request = HTTPClientRequest(url: base + "/api/v1/tickets")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "Idempotency-Key", value: "bench-\(index)")
            let body = """
                {"channel":"phone","type":"complaint","title":"小区路灯不亮 \(index)","content":"东湖区滨江花园北门路灯连续一周不亮，夜间出行不安全，请尽快维修。",
                 "categoryCode":"030599","location":{"address":"临江市东湖区滨江花园"},
                 "requester":{"name":"王先生","phone":"138\(String(format: "%08d", index))"}}
                """
            request.body = .bytes(ByteBuffer(string: body))
            return request
        }

        func login(_ client: HTTPClient, _ base: String, username: String) async throws -> String {
            var request = HTTPClientRequest(url: base + "/api/v1/auth/login")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"username":"\#(username)","password":"Bench-password-1"}"#))
            let response = try await client.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 1 << 20)
            struct Login: Decodable { let token: String }
            return try JSONDecoder().decode(Login.self, from: Data(body.readableBytesView)).token
        }

        func measure(_ client: HTTPClient, count: Int, concurrency: Int, _ make: @escaping @Sendable (Int) -> HTTPClientRequest) async throws -> Result {
            let started = ContinuousClock.now
            let perWorker = (count + concurrency - 1) / concurrency
            let outcomes = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
                for worker in 0..<concurrency {
                    group.addTask {
                        var latencies: [Double] = []
                        var failures = 0
                        let first = min(count, worker * perWorker)
                        for i in first..<min(count, first + perWorker) {
                            let start = ContinuousClock.now
                            let response = try await client.execute(make(i), timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 20)
                            if response.status.code >= 300 { failures += 1 }
                            let elapsed = ContinuousClock.now - start
                            latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                        }
                        return (latencies, failures)
                    }
                }
                var all: [([Double], Int)] = []
                for try await outcome in group { all.append(outcome) }
                return all
            }
            let elapsed = ContinuousClock.now - started
            return Result(
                count: count, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                latencies: outcomes.flatMap(\.0), failures: outcomes.map(\.1).reduce(0, +))
        }
    }
}

/// A benchmark's scratch folder (a SQLite file unless a database URL is given, its key and its files), removed when the
/// benchmark ends; and the quiet logger benchmarks run with.
struct BenchScratch {
    let folder: URL
    let logger: Logger

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var logger = Logger(label: "hotline-bench")
        logger.logLevel = .error
        self.logger = logger
    }

    /// The configuration of a benchmark's runtime: the database, key and files in the folder, cheap password hashing.
    func configuration(databaseURL: String? = nil) -> AppConfiguration {
        var configuration = AppConfiguration()
        configuration.databaseURL = databaseURL ?? folder.appendingPathComponent("bench.sqlite").path
        configuration.keyFile = folder.appendingPathComponent("bench.key").path
        configuration.filesDirectory = folder.appendingPathComponent("files").path
        configuration.auditKeyFile = folder.appendingPathComponent("audit.keys").path
        configuration.audit.checkpointFile = folder.appendingPathComponent("checkpoints.log").path
        configuration.bcryptCost = 4
        return configuration
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

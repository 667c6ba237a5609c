import Foundation
import Synchronization
import Testing

@testable import HotlineStore

@Suite("Refreshing in-memory copies of the database")
struct RefreshGateTests {
    struct Failure: Error {}

    final class Counter: Sendable {
        private let value = Mutex(0)
        func add() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    @Test("callers that arrive during the first load wait for it; it runs once")
    func firstLoad() async throws {
        let gate = RefreshGate(interval: 3600)
        let loads = Counter()
        let (started, release) = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await gate.refresh(force: false) {
                    loads.add()
                    for await _ in started { break }
                }
                return gate.isLoaded
            }
            // Let the first caller start its load, then send more callers; none may return before the load ends.
            while loads.count == 0 { await Task.yield() }
            for _ in 0..<5 {
                group.addTask {
                    try await gate.refresh(force: false) { loads.add() }
                    return gate.isLoaded
                }
            }
            release.yield()
            release.finish()
            for try await loadedWhenReturned in group { #expect(loadedWhenReturned) }
        }
        #expect(loads.count == 1)
    }

    @Test("a failed first load is tried again; later refreshes wait for the interval unless forced")
    func intervalAndRetry() async throws {
        let gate = RefreshGate(interval: 3600)
        await #expect(throws: Failure.self) { try await gate.refresh(force: false) { throw Failure() } }
        #expect(!gate.isLoaded)
        let loads = Counter()
        try await gate.refresh(force: false) { loads.add() }
        try await gate.refresh(force: false) { loads.add() }
        #expect(gate.isLoaded && loads.count == 1)
        try await gate.refresh(force: true) { loads.add() }
        #expect(loads.count == 2)
        let eager = RefreshGate(interval: 0)
        for _ in 0..<3 { try await eager.refresh(force: false) { loads.add() } }
        #expect(loads.count == 5)
    }
}

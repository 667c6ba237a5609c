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

    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    @Test("callers that arrive during the first load wait for it; it runs once")
    func firstLoad() async throws {
        let gate = RefreshGate(interval: 3600)
        let loads = Counter()
        let entered = Counter()
        let released = Flag()
        let (started, release) = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await gate.refresh(force: false) {
                    loads.add()
                    for await _ in started { break }
                }
                return true
            }
            // Let the first caller start its load, then send more callers; none may return before the load ends.
            while loads.count == 0 { await Task.yield() }
            for _ in 0..<5 {
                group.addTask {
                    entered.add()
                    try await gate.refresh(force: false) { loads.add() }
                    return released.isSet && gate.isLoaded
                }
            }
            while entered.count < 5 { await Task.yield() }
            for _ in 0..<200 { await Task.yield() }
            released.set()
            release.yield()
            release.finish()
            for try await returnedAfterTheLoad in group { #expect(returnedAfterTheLoad) }
        }
        #expect(loads.count == 1)
    }

    @Test("a forced refresh waits for one under way, then runs its own (it must read after the caller's change)")
    func forcedWaits() async throws {
        let gate = RefreshGate(interval: 0)
        try await gate.refresh(force: false) {}
        let loads = Counter()
        let forcedDone = Flag()
        let (started, release) = AsyncStream<Void>.makeStream()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await gate.refresh(force: false) {
                    loads.add()
                    for await _ in started { break }
                }
            }
            while loads.count == 0 { await Task.yield() }
            group.addTask {
                try await gate.refresh(force: true) { loads.add() }
                forcedDone.set()
            }
            for _ in 0..<200 { await Task.yield() }
            #expect(!forcedDone.isSet, "it waits for the refresh under way")
            release.yield()
            release.finish()
            try await group.waitForAll()
        }
        #expect(loads.count == 2 && forcedDone.isSet)
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

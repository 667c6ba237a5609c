import Foundation
import HotlineCore
import HotlineIntegrations
import HotlineStore
import HotlineTestSupport
import Logging
import Synchronization
import Testing

/// A subscriber that keeps what it is given and can be told to fail.
final class RecordingSubscriber: OutboxSubscriber {
    let received = Mutex<[OutboxMessage]>([])
    let failing = Mutex(false)

    func wants(_ message: OutboxMessage) -> Bool { true }

    func deliver(_ message: OutboxMessage) async throws {
        struct Down: Error {}
        if failing.withLock({ $0 }) { throw Down() }
        received.withLock { $0.append(message) }
    }
}

@Suite("Outbox relay")
struct OutboxRelayTests {
    @Test("delivers every change once, in commit order; a subscriber that is down loses nothing", arguments: Backend.available)
    func relay(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let first = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
            _ = try await t.store.createTicket(TestCity.draft(title: "井盖缺失"), centerId: city.center.id, by: city.agent)
            let subscriber = RecordingSubscriber()
            var logger = Logger(label: "relay-test")
            logger.logLevel = .critical
            let relay = OutboxRelay(store: t.store, subscribers: [subscriber], interval: .seconds(1), batchSize: 10, logger: logger)

            subscriber.failing.withLock { $0 = true }
            #expect(try await relay.relayOnce() == 0)
            subscriber.failing.withLock { $0 = false }
            #expect(try await relay.relayOnce() == 2)
            #expect(try await relay.relayOnce() == 0)
            let received = subscriber.received.withLock { $0 }
            #expect(received.map(\.topic) == ["ticket.create", "ticket.create"])
            #expect(received.map(\.eventSeq) == received.map(\.eventSeq).sorted())

            _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: first.ticket.state.id, by: city.agent)
            #expect(try await relay.relayOnce() == 1)
            #expect(subscriber.received.withLock { $0.last?.topic } == "ticket.dispatch")
        }
    }
}

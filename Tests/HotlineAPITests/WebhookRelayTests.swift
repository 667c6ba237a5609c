import AsyncHTTPClient
import Foundation
import HotlineCore
import HotlineIntegrations
import HotlineStore
import HotlineTestSupport
import Logging
import NIOCore
import NIOHTTP1
import Synchronization
import Testing

/// The relay against a receiver on a real port, on both databases.
@Suite("Webhook relay")
struct WebhookRelayTests {
    static func relay(_ t: TestDatabase, node: String = "node-a", maxAttempts: Int = 3) -> WebhookRelay {
        var settings = WebhookRelay.Settings()
        settings.policy = RetryPolicy(maxAttempts: maxAttempts, firstDelay: 10, maxDelay: 60)
        settings.timeout = .seconds(5)
        return WebhookRelay(store: t.store, settings: settings, node: node, logger: quietLogger)
    }

    /// Runs relay rounds until one finds nothing to do.
    static func drain(_ relay: WebhookRelay) async throws {
        for _ in 0..<50 where try await relay.relayOnce().claimed > 0 {}
    }

    static func integrationAccount(_ t: TestDatabase, _ city: TestCity, _ name: String = "110-platform") async throws -> Actor {
        let user = try await t.store.createUser(username: name, displayName: "市110指挥中心", password: TestCity.password, role: .integrationClient,
                                                unitId: city.center.id, by: .system)
        return Actor.user(id: user.id, name: user.displayName, role: .integrationClient, unitId: city.center.id, unitPath: city.center.path,
                          centerId: city.center.id)
    }

    @Test("a witness subscribed to audit.checkpoint receives each signed checkpoint and checks it with the public key alone",
          arguments: Backend.available)
    func checkpointWitness(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let receiver = WebhookReceiver(clock: { t.clock.now })
            try await receiver.run { base in
                let created = try await t.store.createSubscription(name: "省平台存证", url: base + "/hook/witness", topics: ["audit.checkpoint"],
                                                                   scope: .center, by: city.admin)
                receiver.secrets.withLock { $0["witness"] = created.secret }
                _ = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
                let checkpoint = try #require(try await t.store.writeAuditCheckpoint())
                #expect(try await t.store.writeAuditCheckpoint() == nil, "no new event, no new checkpoint")
                try await Self.drain(Self.relay(t))
                let got = receiver.received("witness")
                // Only the checkpoint: the ticket's own changes are not the witness's.
                #expect(got.map(\.topic) == ["audit.checkpoint"])
                let event = try #require(got.first?.event)
                #expect(event["checkpointSeq"] == [String(checkpoint.seq)] && event["head"] == [checkpoint.head])
                let publicKey = try #require(t.store.audit.current.publicKey(checkpoint.key))
                let received = AuditCheckpoint(seq: Int64(event["checkpointSeq"]?.first ?? "") ?? 0, head: event["head"]?.first ?? "",
                                               at: Int64(event["checkpointAt"]?.first ?? "") ?? 0, key: Int64(event["key"]?.first ?? "") ?? 0,
                                               signature: event["signature"]?.first ?? "")
                #expect(received.isValid(publicKey: publicKey))
                var forged = received
                forged.head = String(repeating: "0", count: 64)
                #expect(!forged.isValid(publicKey: publicKey))
            }
        }
    }

    @Test("signed, in order per ticket; a refusal is tried again with backoff, then a dead letter an admin redelivers under the same id",
          arguments: Backend.available)
    func retriesAndDeadLetters(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let receiver = WebhookReceiver(clock: { t.clock.now })
            try await receiver.run { base in
                let created = try await t.store.createSubscription(name: "区网格化平台", url: base + "/hook/grid", topics: ["ticket.*"], scope: .center,
                                                                   by: city.admin)
                receiver.secrets.withLock { $0["grid"] = created.secret }
                let relay = Self.relay(t)
                let first = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: first, by: city.agent)
                _ = try await t.store.perform(ActionInput(code: .sign), onTicket: first, by: city.housingHandler)
                _ = try await t.store.createTicket(TestCity.draft(title: "井盖缺失"), centerId: city.center.id, by: city.agent)

                // One round sends the earliest change of each ticket only: the first ticket's dispatch waits for its creation.
                let round = try await relay.relayOnce()
                #expect(round.claimed == 2 && round.delivered == 2, "\(round)")
                try await Self.drain(relay)
                let got = receiver.received("grid")
                #expect(got.count == 4 && Set(got.map(\.deliveryId)).count == 4)
                let firstTicket = got.filter { $0.event["ticketId"] == [String(first)] }
                #expect(firstTicket.map(\.topic) == ["ticket.create", "ticket.dispatch", "ticket.sign"])
                #expect(firstTicket.map { Int($0.event["seq"]?.first ?? "") ?? 0 } == firstTicket.map { Int($0.event["seq"]?.first ?? "") ?? 0 }.sorted())
                // No identity leaves in a change: the receiver reads the ticket through the API when it may.
                #expect(!got.contains { $0.body.contains("13812341234") || $0.body.contains("王小明") })

                // The receiver is down: tried again after 5–10 s, then 10–20 s, then given up on the third attempt.
                receiver.failing.withLock { $0["grid"] = 503 }
                _ = try await t.store.createTicket(TestCity.draft(title: "噪音扰民"), centerId: city.center.id, by: city.agent)
                #expect(try await relay.relayOnce().failed == 1)
                #expect(try await relay.relayOnce().claimed == 0)
                t.clock.advance(by: 10)
                #expect(try await relay.relayOnce().failed == 1)
                t.clock.advance(by: 9)
                #expect(try await relay.relayOnce().claimed == 0)
                t.clock.advance(by: 11)
                #expect(try await relay.relayOnce().failed == 1)
                t.clock.advance(by: 3600)
                #expect(try await relay.relayOnce().claimed == 0)
                let dead = try await t.store.deliveries(subscriptionId: created.subscription.id, status: .dead, by: city.admin)
                #expect(dead.count == 1 && dead.first?.attempts == 3 && dead.first?.lastStatus == 503 && dead.first?.ticketNumber != nil)
                let deadId = try #require(dead.first?.id)

                // Mended: the admin redelivers; the receiver gets it under the id it was first sent with.
                receiver.failing.withLock { $0["grid"] = nil }
                #expect(await statusOf { _ = try await t.store.redeliver(deliveryId: deadId, by: city.agent) } == 403)
                #expect(await statusOf { _ = try await t.store.redeliver(deliveryId: deadId, by: city.otherAdmin) } == 404)
                let again = try await t.store.redeliver(deliveryId: deadId, by: city.admin)
                #expect(again.status == .pending && again.attempts == 0)
                #expect(await statusOf { _ = try await t.store.redeliver(deliveryId: deadId, by: city.admin) } == 409)
                #expect(try await relay.relayOnce().delivered == 1)
                #expect(receiver.received("grid").last?.deliveryId == String(deadId))
                #expect(try await t.store.deliveries(subscriptionId: created.subscription.id, status: .dead, by: city.admin).isEmpty)
                // The subscription's creation and the redelivery are on the audit chain.
                #expect(try await t.store.verifyAuditChain().broken == nil)
            }
        }
    }

    @Test("a bad signature is refused by the receiver and retried; a replay older than 5 minutes is refused", arguments: Backend.available)
    func signatures(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let receiver = WebhookReceiver(clock: { t.clock.now })
            try await receiver.run { base in
                let created = try await t.store.createSubscription(name: "网格", url: base + "/hook/grid", topics: ["ticket.*"], scope: .center, by: city.admin)
                receiver.secrets.withLock { $0["grid"] = "whsec_not-the-one-hotline-holds" }
                let relay = Self.relay(t)
                _ = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent)
                let round = try await relay.relayOnce()
                #expect(round.failed == 1 && receiver.refused.withLock { $0 } == [.mismatch])
                let pending = try await t.store.deliveries(subscriptionId: created.subscription.id, status: .pending, by: city.admin)
                #expect(pending.first?.lastStatus == 401 && pending.first?.attempts == 1)

                // The right secret: delivered. The same bytes posted again 301 s later are a replay and refused.
                receiver.secrets.withLock { $0["grid"] = created.secret }
                t.clock.advance(by: 10)
                #expect(try await relay.relayOnce().delivered == 1)
                let timestamp = String(Int64(t.clock.now.timeIntervalSince1970))
                let delivered = try #require(receiver.received("grid").first)
                let signature = WebhookSignature.sign(body: Array(delivered.body.utf8), timestamp: Int64(timestamp)!, secret: created.secret)
                t.clock.advance(by: 301)
                var replay = HTTPClientRequest(url: base + "/hook/grid")
                replay.method = .POST
                replay.headers.add(name: "X-Hotline-Timestamp", value: timestamp)
                replay.headers.add(name: "X-Hotline-Signature", value: signature)
                replay.headers.add(name: "X-Hotline-Delivery", value: delivered.deliveryId)
                replay.body = .bytes(ByteBuffer(string: delivered.body))
                let answer = try await HTTPClient.shared.execute(replay, timeout: .seconds(5))
                #expect(answer.status.code == 401 && receiver.refused.withLock { $0.last } == .stale)
                // A changed body under a valid signature is refused too.
                replay.headers.replaceOrAdd(name: "X-Hotline-Timestamp", value: String(Int64(t.clock.now.timeIntervalSince1970)))
                replay.headers.replaceOrAdd(name: "X-Hotline-Signature", value: WebhookSignature.sign(
                    body: Array(delivered.body.utf8), timestamp: Int64(t.clock.now.timeIntervalSince1970), secret: created.secret))
                replay.body = .bytes(ByteBuffer(string: delivered.body.replacingOccurrences(of: "ticket.create", with: "ticket.close")))
                #expect(try await HTTPClient.shared.execute(replay, timeout: .seconds(5)).status.code == 401)
                #expect(receiver.refused.withLock { $0.last } == .mismatch)
            }
        }
    }

    @Test("each subscription gets its scope: one unit's tickets, one integration's, never another center's", arguments: Backend.available)
    func scopes(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let platform = try await Self.integrationAccount(t, city)
            let receiver = WebhookReceiver(clock: { t.clock.now })
            try await receiver.run { base in
                let housing = try await t.store.createSubscription(name: "住建局业务系统", url: base + "/hook/housing", topics: ["ticket.*"],
                                                                   scope: .unit(city.housing.id), by: city.admin)
                let police = try await t.store.createSubscription(name: "110", url: base + "/hook/p110", topics: ["ticket.*"],
                                                                  scope: .recordedBy(platform.userId!), by: city.admin)
                let other = try await t.store.createSubscription(name: "邻市", url: base + "/hook/other", topics: [], scope: .center, by: city.otherAdmin)
                let warnings = try await t.store.createSubscription(name: "预警", url: base + "/hook/warnings", topics: ["warning.raised"],
                                                                    scope: .center, by: city.admin)
                receiver.secrets.withLock {
                    $0 = ["housing": housing.secret, "p110": police.secret, "other": other.secret, "warnings": warnings.secret]
                }
                // Bad input changes nothing.
                #expect(await statusOf { _ = try await t.store.createSubscription(name: "x", url: "ftp://example.org", topics: [], scope: .center, by: city.admin) } == 400)
                #expect(await statusOf { _ = try await t.store.createSubscription(name: "x", url: base, topics: ["ticket.nothing"], scope: .center, by: city.admin) } == 400)
                #expect(await statusOf { _ = try await t.store.createSubscription(name: "x", url: base, topics: [], scope: .unit(city.otherDepartment.id), by: city.admin) } == 422)
                #expect(await statusOf { _ = try await t.store.createSubscription(name: "x", url: base, topics: [], scope: .recordedBy(city.agent.userId!), by: city.admin) } == 400)
                #expect(await statusOf { _ = try await t.store.createSubscription(name: "x", url: base, topics: [], scope: .center, by: city.agent) } == 403)
                #expect(try await t.store.subscriptions(by: city.admin).map(\.name) == ["住建局业务系统", "110", "预警"])

                let forHousing = try await t.store.createTicket(TestCity.draft(), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.section.id), onTicket: forHousing, by: city.agent)
                let forTransport = try await t.store.createTicket(TestCity.draft(title: "公交线路"), centerId: city.center.id, by: city.agent).ticket.state.id
                _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.transport.id), onTicket: forTransport, by: city.agent)
                let diverted = try await t.store.createTicket(TestCity.draft(title: "楼上噪音", channel: .police110), centerId: city.center.id,
                                                              by: platform).ticket.state.id
                _ = try await t.store.createTicket(TestCity.draft(), centerId: city.otherCenter.id, by: city.otherAgent)
                try await Self.drain(Self.relay(t))

                #expect(Set(receiver.received("housing").compactMap { $0.event["ticketId"]?.first }) == [String(forHousing)])
                #expect(receiver.received("housing").map(\.topic) == ["ticket.create", "ticket.dispatch"])
                #expect(Set(receiver.received("p110").compactMap { $0.event["ticketId"]?.first }) == [String(diverted)])
                // With every topic, the center's own changes too (its subscription's creation).
                #expect(Set(receiver.received("other").map(\.topic)) == ["subscription.changed", "ticket.create"])
                // A subscription's change names its host, never its URL (which may carry a token).
                let change = try #require(receiver.received("other").first { $0.topic == "subscription.changed" })
                #expect(change.event["url"] == nil && change.event["host"] == ["127.0.0.1"])
                #expect(receiver.received("warnings").isEmpty)

                // A paused subscription is given nothing new.
                _ = try await t.store.setSubscriptionActive(id: housing.subscription.id, active: false, by: city.admin)
                _ = try await t.store.perform(ActionInput(code: .sign), onTicket: forHousing, by: city.sectionHandler)
                try await Self.drain(Self.relay(t))
                #expect(receiver.received("housing").count == 2)
                #expect(await statusOf { _ = try await t.store.setSubscriptionActive(id: housing.subscription.id, active: true, by: city.otherAdmin) } == 404)
            }
        }
    }

    @Test("two nodes deliver every change once, in order per ticket; a node that dies mid-delivery leaves it to the other", arguments: Backend.available)
    func twoNodes(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { t in
            let city = try await TestCity.make(t.store)
            let receiver = WebhookReceiver(clock: { t.clock.now })
            try await receiver.run { base in
                for name in ["a", "b", "c"] {
                    let created = try await t.store.createSubscription(name: name, url: base + "/hook/\(name)", topics: ["ticket.*"], scope: .center, by: city.admin)
                    receiver.secrets.withLock { $0[name] = created.secret }
                }
                var ids: [Int64] = []
                for i in 0..<20 {
                    let id = try await t.store.createTicket(TestCity.draft(title: "路灯不亮\(i)"), centerId: city.center.id, by: city.agent).ticket.state.id
                    _ = try await t.store.perform(ActionInput(code: .dispatch, mainUnitId: city.housing.id), onTicket: id, by: city.agent)
                    ids.append(id)
                }
                // A node claims a batch and dies before posting it.
                try await t.store.fanOut()
                let lost = try await t.store.claimDeliveries(limit: 5, lease: 60, token: "dead-node")
                #expect(lost.count == 5)
                let a = Self.relay(t, node: "node-a")
                let b = Self.relay(t, node: "node-b")
                async let first: Void = Self.drain(a)
                async let second: Void = Self.drain(b)
                _ = try await (first, second)
                // What it held waits, and so does each change after one of them (the same ticket's dispatch).
                #expect(receiver.all.count == 120 - 5 - 5)
                // Its lease runs out and the others send what it held.
                t.clock.advance(by: 61)
                async let third: Void = Self.drain(a)
                async let fourth: Void = Self.drain(b)
                _ = try await (third, fourth)
                let all = receiver.all
                #expect(all.count == 120 && Set(all.map(\.deliveryId)).count == 120, "\(all.count) posts, \(Set(all.map(\.deliveryId)).count) distinct")
                for name in ["a", "b", "c"] {
                    for id in ids {
                        let topics = receiver.received(name).filter { $0.event["ticketId"] == [String(id)] }.map(\.topic)
                        #expect(topics == ["ticket.create", "ticket.dispatch"], "\(name) \(id): \(topics)")
                    }
                }
                #expect(receiver.hits.withLock { $0 } == 120)
                let backlog = try await t.store.deliveryBacklog()
                #expect(backlog.pending == 0 && backlog.dead == 0)
            }
        }
    }
}

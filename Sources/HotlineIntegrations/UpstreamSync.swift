import AsyncHTTPClient
import Foundation
import HotlineCore
import HotlineStore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A city's link to its province (省市两级平台), run for every active link of the node's database:
/// - **up**: every ticket of the city and every change to it, read from the history in commit order after the link's
///   cursor, sent as snapshots in batches; the cursor moves only once the province took a batch, so a province that
///   is down (or restarts mid-stream) loses nothing — the same batch goes again and the province's version check keeps
///   it from counting twice;
/// - **down**: the province's change feed, read with the city's key after the link's own cursor: a ticket the province
///   dispatched to the city enters the city's queue (with its requester, read through the audited reveal), the
///   province's supervision of it is written into the city's copy;
/// - **reconciliation**: every `reconcileInterval`, the last `reconcileDays` days' versions compared with the province's
///   copies, and what it lacks sent again;
/// - a heartbeat when nothing changed, so the province can tell a quiet city from a broken link.
public struct UpstreamSync: Service {
    public struct Settings: Sendable {
        public var interval: Duration = .seconds(2)
        /// History events read per batch.
        public var batchSize = 500
        public var timeout: Duration = .seconds(30)
        public var heartbeat: TimeInterval = 60
        public var reconcileInterval: TimeInterval = 3600
        public var reconcileDays = 3

        public init() {}
    }

    let store: Store
    let client: HTTPClient
    let settings: Settings
    let logger: Logger
    let calendarDay: @Sendable (Date) -> CivilDate

    public init(store: Store, client: HTTPClient = .shared, settings: Settings = Settings(), logger: Logger,
                calendarDay: @escaping @Sendable (Date) -> CivilDate = { CivilDate($0) }) {
        self.store = store
        self.client = client
        self.settings = settings
        self.logger = logger
        self.calendarDay = calendarDay
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let seen = store.database.commits.rings
                do {
                    for (link, key) in try await store.activeUpstreamLinks() { await syncLink(link, key: key) }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("upstream sync failed: \(error)")
                }
                do { try await store.database.commits.wait(upTo: settings.interval, since: seen) } catch { return }
            }
        }
    }

    /// One round of one link; a failure is logged and recorded on the link, and the next round starts where it stopped.
    func syncLink(_ link: UpstreamLink, key: String) async {
        do {
            let round = try await syncOnce(link, key: key)
            if round.sent > 0 || round.imported > 0 {
                logger.info("upstream \(link.url): sent \(round.sent) tickets, took \(round.imported) province tickets, \(round.refused) refused")
            }
            try await store.recordUpstreamOutcome(centerId: link.centerId, error: nil)
        } catch {
            logger.warning("upstream \(link.url) unreachable or refused: \(error)")
            try? await store.recordUpstreamOutcome(centerId: link.centerId, error: String(describing: error))
        }
    }

    public struct Round: Sendable, Equatable {
        public var sent = 0
        public var refused = 0
        public var imported = 0
        public var provinceEvents = 0
        public var resent = 0
    }

    /// Sends what is new, reads what the province did, and reconciles when it is due.
    @discardableResult
    public func syncOnce(_ link: UpstreamLink, key: String) async throws -> Round {
        var round = Round()
        let peer = Peer(base: link.url, key: key, client: client, timeout: settings.timeout)
        // Up.
        var batches = 0
        while batches < 20, let batch = try await store.nextUpBatch(centerId: link.centerId, limit: settings.batchSize) {
            batches += 1
            var refused = 0
            if !batch.tickets.isEmpty {
                let receipt = try await peer.send(batch.tickets)
                refused = receipt.refused.count
                for refusal in receipt.refused { logger.warning("province refused ticket \(refusal.sourceId): \(refusal.code) \(refusal.message)") }
            }
            try await store.markUpSent(centerId: link.centerId, batch, refused: refused)
            round.sent += batch.tickets.count
            round.refused += refused
        }
        // Down.
        let me = try await peer.me()
        var cursor = link.downCursor
        for _ in 0..<20 {
            let page = try await peer.changes(after: cursor)
            for change in page.events {
                do {
                    round.imported += try await take(change, peer: peer, me: me, link: link) ? 1 : 0
                } catch let failure as Peer.Failure where (400..<500).contains(failure.status ?? 0) {
                    // The province refuses this one change (gone, not the city's): it is logged and passed, so it does not
                    // hold back every change after it. A province that does not answer stops the round and is read again.
                    logger.warning("province change \(change.event.seq) on ticket \(change.ticketId ?? 0) skipped: \(failure)")
                } catch let error as HotlineError {
                    logger.warning("province change \(change.event.seq) on ticket \(change.ticketId ?? 0) not taken: \(error.message)")
                }
            }
            round.provinceEvents += page.events.count
            try await store.markDownRead(centerId: link.centerId, from: cursor, to: page.cursor)
            cursor = page.cursor
            if !page.more { break }
        }
        // Reconciliation, then a heartbeat if the province heard nothing else from us for a while.
        if link.reconciledAt.map({ store.currentTime.timeIntervalSince($0) >= settings.reconcileInterval }) ?? true {
            round.resent = try await reconcile(link, peer: peer)
        } else if round.sent == 0, link.lastSuccessAt.map({ store.currentTime.timeIntervalSince($0) >= settings.heartbeat }) ?? true {
            try await peer.heartbeat()
        }
        return round
    }

    /// Acts on one province change: a dispatch to the city brings the ticket down; a supervision (or another step the
    /// province took) is written into the city's copy. The city's own writes (its copies, its progress) are skipped.
    func take(_ change: Peer.Change, peer: Peer, me: Int64, link: UpstreamLink) async throws -> Bool {
        guard let ticketId = change.ticketId, change.event.actorId != me, let action = ActionCode(rawValue: change.event.action) else { return false }
        switch action {
        case .dispatch:
            let ticket = try await peer.ticket(ticketId)
            _ = try await store.importFromProvince(ticket, centerId: link.centerId)
            return true
        case .supervise, .review, .close, .evaluate, .arbitrateReturn, .decideExtension, .merge:
            try await store.recordProvinceEvent(upstreamTicketId: ticketId, seq: change.event.seq, action: action, note: change.event.note,
                                                centerId: link.centerId)
            return false
        default:
            return false
        }
    }

    /// Compares the last days with the province and sends again what it lacks; returns how many were sent again.
    func reconcile(_ link: UpstreamLink, peer: Peer) async throws -> Int {
        var resent = 0
        let today = calendarDay(store.currentTime)
        for back in 0..<settings.reconcileDays {
            let day = today.adding(days: -back)
            let versions = try await store.dayVersions(centerId: link.centerId, day: day)
            let missing = try await peer.reconcile(day: day, versions: versions)
            for chunk in missing.chunked(100) {
                let tickets = try await store.resendSnapshots(centerId: link.centerId, ids: chunk)
                if !tickets.isEmpty { _ = try await peer.send(tickets) }
                resent += tickets.count
            }
            if !missing.isEmpty { logger.warning("reconciliation of \(day): the province lacked \(missing.count) tickets; sent again") }
        }
        try await store.markReconciled(centerId: link.centerId)
        return resent
    }
}

/// The province's API as the city calls it, with the key the province issued to the city.
struct Peer: Sendable {
    let base: String
    let key: String
    let client: HTTPClient
    let timeout: Duration

    static var encoder: JSONEncoder { Federation.encoder }
    static var decoder: JSONDecoder { Federation.decoder }

    struct Failure: Error, CustomStringConvertible {
        let status: Int?
        let message: String
        var description: String { status.map { "HTTP \($0): \(message)" } ?? message }
    }

    struct Receipt: Decodable {
        struct Refusal: Decodable {
            let sourceId: Int64
            let code: String
            let message: String
        }
        let applied: Int
        let unchanged: Int
        let progressed: Int
        let refused: [Refusal]
    }

    struct Change: Decodable, Sendable {
        struct Event: Decodable, Sendable {
            let seq: Int64
            let actorId: Int64?
            let action: String
            let note: String?
        }
        let ticketId: Int64?
        let event: Event
    }

    struct ChangePage: Decodable {
        let events: [Change]
        let cursor: Int64
        let more: Bool
    }

    func send(_ tickets: [FederatedTicket]) async throws -> Receipt {
        struct Batch: Encodable { let tickets: [FederatedTicket] }
        return try Self.decoder.decode(Receipt.self, from: try await call(.POST, "/api/v1/federation/tickets", body: try Self.encoder.encode(Batch(tickets: tickets))))
    }

    func heartbeat() async throws {
        _ = try await call(.POST, "/api/v1/federation/heartbeat", body: nil)
    }

    func reconcile(day: CivilDate, versions: [Int64: Int64]) async throws -> [Int64] {
        struct Entry: Encodable { let id: Int64; let version: Int64 }
        struct Request: Encodable { let day: String; let tickets: [Entry] }
        struct Result: Decodable { let missing: [Int64] }
        let body = try Self.encoder.encode(Request(day: day.description, tickets: versions.sorted { $0.key < $1.key }.map { Entry(id: $0.key, version: $0.value) }))
        return try Self.decoder.decode(Result.self, from: try await call(.POST, "/api/v1/federation/reconcile", body: body)).missing
    }

    func changes(after cursor: Int64) async throws -> ChangePage {
        try Self.decoder.decode(ChangePage.self, from: try await call(.GET, "/api/v1/changes?after=\(cursor)&limit=500", body: nil))
    }

    /// The province ticket with its requester in clear (the province audits the reveal as the city's).
    func ticket(_ id: Int64) async throws -> ProvinceTicket {
        struct Location: Decodable { let address: String?; let regionCode: String?; let latitude: Double?; let longitude: Double? }
        struct Deadlines: Decodable { let replyDueAt: Date? }
        struct Ticket: Decodable {
            let id: Int64
            let number: String
            let type: String
            let urgency: String
            let title: String
            let content: String
            let categoryCode: String?
            let location: Location
            let confidential: Bool
            let deadlines: Deadlines
        }
        struct Person: Decodable { let kind: String?; let name: String?; let phone: String?; let idNumber: String?; let enterpriseName: String?; let creditCode: String? }
        struct Detail: Decodable { let ticket: Ticket }
        let ticket = try Self.decoder.decode(Detail.self, from: try await call(.GET, "/api/v1/tickets/\(id)", body: nil)).ticket
        // A confidential requester is not revealed to a linked system: the ticket comes down without them.
        let person: Person
        do {
            person = try Self.decoder.decode(Person.self, from: try await call(.POST, "/api/v1/tickets/\(id)/reveal", body: nil))
        } catch let failure as Failure where failure.status == 403 {
            person = Person(kind: nil, name: nil, phone: nil, idNumber: nil, enterpriseName: nil, creditCode: nil)
        }
        return ProvinceTicket(
            id: ticket.id, number: ticket.number, type: TicketType(rawValue: ticket.type) ?? .other, urgency: Urgency(rawValue: ticket.urgency) ?? .normal,
            title: ticket.title, content: ticket.content, categoryCode: ticket.categoryCode,
            location: HotlineCore.Location(address: ticket.location.address, regionCode: ticket.location.regionCode, latitude: ticket.location.latitude,
                                           longitude: ticket.location.longitude),
            requester: Requester(kind: person.kind.flatMap(RequesterKind.init(rawValue:)) ?? .person, name: person.name, phone: person.phone,
                                 idNumber: person.idNumber, enterpriseName: person.enterpriseName, creditCode: person.creditCode),
            confidential: ticket.confidential, replyDueAt: ticket.deadlines.replyDueAt)
    }

    /// The city's own account on the province: its events on the province's feed are its own writes.
    func me() async throws -> Int64 {
        struct Me: Decodable { let id: Int64 }
        return try Self.decoder.decode(Me.self, from: try await call(.GET, "/api/v1/me", body: nil)).id
    }

    func call(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> Data {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "X-API-Key", value: key)
        request.headers.add(name: "User-Agent", value: "Hotline-Upstream/1")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(Int64(timeout.components.seconds)))
        } catch {
            throw Failure(status: nil, message: String(describing: error))
        }
        let data = try await response.body.collect(upTo: 64 * 1024 * 1024)
        let status = Int(response.status.code)
        guard (200..<300).contains(status) else { throw Failure(status: status, message: String(buffer: data).prefix(500).description) }
        return Data(data.readableBytesView)
    }
}

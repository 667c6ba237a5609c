import Foundation
import HotlineCore
import SQLKit

/// What a province got from one batch of a city's snapshots.
public struct FederationReceipt: Sendable, Equatable {
    public struct Refusal: Sendable, Equatable {
        public var sourceId: Int64
        public var code: ErrorCode
        public var message: String
    }

    /// Copies written or changed, and snapshots the province held already (a re-sent change).
    public var applied = 0
    public var unchanged = 0
    /// Province tickets (省派工单) moved on by the city's progress: signed, replied, handed back.
    public var progressed = 0
    public var refused: [Refusal] = []
    /// Copies applied within `FederationQuality.onTimeMinutes` of the city's change.
    public var onTime = 0
}

/// The province's side (DESIGN.md §6, 省市两级平台): each city is a unit of kind `cityPlatform`, its Hotline a linked
/// system there. Its snapshots become read-only copies in the province's own `tickets` (so the province's reports,
/// indicators and assessment count them, the city as one unit), its progress on what the province dispatched to it
/// moves those tickets on, and each day it reconciles its counts.
extension Store {
    static let readOnlyCopy = HotlineError(.readOnlyCopy, "这是下级平台工单的只读副本，由其所在平台办理 (a city's ticket is read-only here: its own platform handles it)")

    /// The city an account speaks for, or 422: a linked system at a city platform of the province.
    func cityPlatform(of actor: Actor, _ db: any SQLDatabase) async throws -> OrgUnit {
        guard actor.kind == .user, actor.role == .linkedSystem, let unitId = actor.unitId, let unit = try await unit(unitId, db),
              unit.kind == .cityPlatform, unit.centerId == actor.centerId, actor.centerId != nil else {
            throw HotlineError(.notLinked, "该账号不是下级市级平台的对接账号 (this account is not a city platform's linked system)")
        }
        return unit
    }

    /// Takes a batch of a city's snapshots: each copy is written if it is newer than the one held, with the city's new
    /// events as its history; each snapshot of a province ticket moves that ticket on. A malformed batch is refused whole.
    public func receiveFromCity(_ tickets: [FederatedTicket], by actor: Actor) async throws -> FederationReceipt {
        guard tickets.count <= Federation.maximumBatch else {
            throw HotlineError.invalid("tickets", "每批最多\(Federation.maximumBatch)件 (at most \(Federation.maximumBatch) tickets a batch)")
        }
        let checked = try tickets.map { try $0.validated() }
        guard Set(checked.map(\.sourceId)).count == checked.count else {
            throw HotlineError.invalid("tickets", "同一批次中工单重复 (a ticket appears twice in the batch)")
        }
        let at = now
        let copies = checked.filter { $0.upstreamTicketId == nil }
        guard checked.allSatisfy({ $0.updatedAt <= at.addingTimeInterval(300) }) else {
            throw HotlineError.invalid("tickets", "快照的更新时间晚于本平台时间 (a snapshot is from the future: check the city's clock)")
        }
        var receipt = try await database.transaction { db in
            let city = try await self.cityPlatform(of: actor, db)
            let receipt = copies.isEmpty ? FederationReceipt() : try await self.writeCopies(copies, city: city, by: actor, at: at, db)
            // What arrived counts for the city's timeliness; a re-sent snapshot does not count again.
            try await self.heard(from: actor, tickets: receipt.applied, onTime: receipt.onTime, at: at, db)
            return receipt
        }
        for snapshot in checked where snapshot.upstreamTicketId != nil {
            do {
                receipt.progressed += try await applyCityProgress(snapshot, by: actor)
            } catch let error as HotlineError where error.code != .concurrentUpdate {
                // A province ticket that is not the city's, or not in a state to move: refused, and the city is told.
                // A concurrent change is not a refusal: the whole batch is answered 409 and sent again.
                receipt.refused.append(.init(sourceId: snapshot.sourceId, code: error.code, message: error.message))
            }
        }
        return receipt
    }

    private func writeCopies(_ copies: [FederatedTicket], city: OrgUnit, by actor: Actor, at: Date, _ db: any SQLDatabase) async throws -> FederationReceipt {
        var receipt = FederationReceipt()
        let me = actor.userId ?? -1
        var held: [Int64: TicketRow] = [:]
        for chunk in copies.map(\.sourceId).chunked(200) {
            for row in try await db.raw("""
                SELECT * FROM tickets WHERE source_user_id = \(bind: me) AND source_ticket_id IN (\(binds: chunk))\(unsafeRaw: forUpdate)
                """).all() {
                let ticket = try TicketRow(row: row)
                if let source = ticket.sourceTicketId { held[source] = ticket }
            }
        }
        let known = try await activeCategories(Set(copies.compactMap(\.categoryCode)), db)
        let prefix = city.code ?? "C\(city.id)"
        var events: [(ticketId: Int64?, number: String?, actor: Actor, draft: EventDraft, at: Date)] = []
        for copy in copies {
            let before = held[copy.sourceId]
            let heldSeq = before?.sourceSeq ?? 0
            let fresh = copy.events.filter { $0.seq > heldSeq }
            let newer = copy.version > (before?.sourceVersion ?? 0)
            if !newer && fresh.isEmpty {
                receipt.unchanged += 1
                continue
            }
            var row: TicketRow
            if newer {
                row = try copyRow(copy, over: before, city: city, prefix: prefix, knownCategory: copy.categoryCode.map(known.contains) ?? false,
                                  by: actor, at: at)
                if let before {
                    var update = db.update("tickets")
                    for (column, value) in zip(TicketRow.columns, row.values) { update = update.set(SQLIdentifier(column), to: value) }
                    try await update.where("id", .equal, before.id).run()
                } else {
                    guard let id = try await db.insert(into: "tickets").columns(TicketRow.columns).values(row.values).returning("id").first()?
                        .decode(column: "id", as: Int64.self) else { throw HotlineError(.insertFailed, "工单保存失败") }
                    row.id = id
                }
                if before?.state.mainUnitId != row.state.mainUnitId { try await syncTicketUnits(row.state, db) }
            } else if var kept = before {
                // A snapshot read at a later version than its events (the ticket changed while the city read its history, or
                // its events spanned two batches): the state is already here, the events are not.
                kept.sourceSeq = max(heldSeq, fresh.last?.seq ?? 0)
                try await db.raw("""
                    UPDATE tickets SET source_seq = \(bind: kept.sourceSeq), received_at = \(bind: at.millis) WHERE id = \(bind: kept.id)
                    """).run()
                row = kept
            } else {
                continue
            }
            // The city's new events, as the province's history of the city's ticket: one dispatch and one signature per
            // city (a redispatch inside the city is not a new turn), whatever the row's state says.
            var dispatched = false
            var signed = false
            if before != nil {
                let past = try await db.raw("""
                    SELECT DISTINCT action FROM ticket_events WHERE ticket_id = \(bind: row.id) AND action IN ('dispatch', 'sign')
                    """).all().map { try $0.decode(column: "action", as: String.self) }
                dispatched = past.contains(ActionCode.dispatch.rawValue)
                signed = past.contains(ActionCode.sign.rawValue)
            }
            var written = 0
            for event in fresh {
                guard let carried = event.translated(cityUnitId: city.id, cityName: city.name, dispatched: dispatched, signed: signed) else { continue }
                dispatched = dispatched || carried.action == .dispatch
                signed = signed || carried.action == .sign
                events.append((row.id, row.number, Self.speaking(actor, as: carried.actorName), EventDraft(
                    action: carried.action, fromStatus: carried.fromStatus, toStatus: carried.toStatus, note: carried.note,
                    details: carried.details.merging(["sourceSeq": [String(carried.seq)]]) { $1 }), carried.at))
                written += 1
            }
            if written == 0 && newer {
                events.append((row.id, row.number, actor, EventDraft(
                    action: .syncFromCity, fromStatus: before?.state.status, toStatus: row.state.status, note: nil,
                    details: ["sourceVersion": [String(before?.sourceVersion ?? 0), String(copy.version)]]), at))
            }
            receipt.applied += 1
            if at.timeIntervalSince(copy.updatedAt) <= Double(FederationQuality.onTimeMinutes * 60) { receipt.onTime += 1 }
        }
        // Appended in pieces: one statement's binds stay within what either database takes.
        for piece in events.chunked(500) { try await appendEvents(db, piece) }
        return receipt
    }

    /// The actor as it appears in a copied event: the city's account, named for whoever acted on the city.
    static func speaking(_ actor: Actor, as name: String) -> Actor {
        Actor(kind: actor.kind, userId: actor.userId, name: String(name.prefix(100)), role: actor.role, unitId: actor.unitId,
              unitPath: actor.unitPath, centerId: actor.centerId)
    }

    /// The province's copy of a city's ticket: the city's state, held by the city as a whole.
    private func copyRow(_ copy: FederatedTicket, over before: TicketRow?, city: OrgUnit, prefix: String, knownCategory: Bool,
                         by actor: Actor, at: Date) throws -> TicketRow {
        var state = TicketState(id: before?.id ?? 0, centerId: city.centerId ?? 0, status: copy.status, type: copy.type, urgency: copy.urgency,
                                channel: copy.channel, categoryCode: knownCategory ? copy.categoryCode : nil)
        if copy.dispatchedAt != nil {
            state.mainUnitId = city.id
            state.handlingUnitId = city.id
            state.responsibleUnitIds = [city.id]
        }
        state.dispatchedAt = copy.dispatchedAt
        state.signedAt = copy.signedAt
        state.signDueAt = copy.signDueAt
        state.replyDueAt = copy.replyDueAt
        state.overdueMarked = copy.overdue
        state.supervisionCount = copy.supervisionCount
        state.reply = copy.reply
        state.repliedAt = copy.repliedAt
        state.satisfaction = copy.satisfaction
        state.resolved = copy.resolved
        state.rejectReason = copy.rejectReason
        state.closedAt = copy.closedAt
        var row = TicketRow(state: state)
        row.number = before?.number ?? "\(prefix)-\(copy.number)"
        row.queryCodeEnc = try before?.queryCodeEnc ?? cipher.encrypt(TicketNumber.newQueryCode())
        row.title = copy.title
        row.content = copy.content
        row.address = copy.address
        row.regionCode = copy.regionCode
        row.latitude = copy.latitude
        row.longitude = copy.longitude
        row.requesterKind = copy.requesterKind.rawValue
        row.requesterNameEnc = try copy.requesterName.map(cipher.encrypt)
        row.requesterPhoneEnc = try copy.requesterPhone.map(cipher.encrypt)
        // A masked number finds nobody: only a number sent whole is indexed for the caller's history.
        row.requesterPhoneHash = copy.requesterPhone.flatMap { $0.contains("*") ? nil : cipher.blindIndex($0) }
        row.enterpriseName = copy.enterpriseName
        row.confidential = copy.confidential
        row.createdBy = actor.userId
        row.createdAt = copy.createdAt.millis
        row.updatedAt = at.millis
        row.version = (before?.version ?? 0) + 1
        row.sourceUserId = actor.userId
        row.sourceTicketId = copy.sourceId
        row.sourceVersion = copy.version
        row.sourceSeq = max(before?.sourceSeq ?? 0, copy.events.last?.seq ?? 0)
        row.receivedAt = at.millis
        return row
    }

    /// Moves a province ticket the city was dispatched on by the city's progress (signed, replied, handed back), as the
    /// city's account; returns how many steps were taken. A ticket the city does not hold is not its to move.
    func applyCityProgress(_ snapshot: FederatedTicket, by actor: Actor) async throws -> Int {
        guard let id = snapshot.upstreamTicketId else { return 0 }
        let at = now
        return try await database.transaction { db in
            _ = try await self.cityPlatform(of: actor, db)
            var row = try await self.visibleRow(id, actor, db, lock: true)
            guard row.state.responsibleUnitIds.contains(actor.unitId ?? -1) else {
                throw HotlineError.forbidden("该工单未派给本市 (this ticket is not dispatched to the city)")
            }
            // What the city already did on this ticket: a reply the province sent back is not sent again, a return asked
            // for once is not asked again.
            let mine = try await db.raw("""
                SELECT action, note FROM ticket_events WHERE ticket_id = \(bind: id) AND actor_id = \(bind: actor.userId ?? -1)
                  AND action IN ('reply', 'requestReturn') ORDER BY seq
                """).all()
            let lastReply = try mine.last { try $0.decode(column: "action", as: String.self) == ActionCode.reply.rawValue }?
                .decode(column: "note", as: String?.self)
            let askedReturn = try mine.contains { try $0.decode(column: "action", as: String.self) == ActionCode.requestReturn.rawValue }
            var taken = 0
            for step in UpstreamProgress.steps(city: snapshot, provinceStatus: row.state.status, lastReply: lastReply, askedReturn: askedReturn) {
                let input: ActionInput = switch step {
                case .sign: ActionInput(code: .sign)
                case .reply(let text): ActionInput(code: .reply, note: text)
                case .requestReturn(let reason): ActionInput(code: .requestReturn, note: reason)
                }
                row = try await self.act(input, on: row, by: actor, at: at, files: [], db).row
                taken += 1
            }
            // The city's status and its callback (回访) go into the province ticket's history whenever they change.
            var facts: [String: [String]] = ["cityStatus": [snapshot.status.rawValue], "satisfaction": [snapshot.satisfaction?.rawValue ?? ""]]
            let recorded = try await db.raw("""
                SELECT details FROM ticket_events WHERE ticket_id = \(bind: id) AND action = \(bind: ActionCode.syncFromCity.rawValue)
                ORDER BY seq DESC LIMIT 1
                """).first().map { [String: [String]](json: try $0.decode(column: "details", as: String.self)) }
            if recorded?["cityStatus"] != facts["cityStatus"] || recorded?["satisfaction"] != facts["satisfaction"] {
                if let resolved = snapshot.resolved { facts["resolved"] = [String(resolved)] }
                let evaluation = snapshot.satisfaction.map { "；回访\($0.label)" + (snapshot.resolved.map { $0 ? "，已解决" : "，未解决" } ?? "") } ?? ""
                try await self.appendEvent(db, ticketId: id, number: row.number, actor: actor, draft: EventDraft(
                    action: .syncFromCity, fromStatus: row.state.status, toStatus: row.state.status,
                    note: "市级平台：\(snapshot.status.label)\(evaluation)", details: facts), at: at)
            }
            try await self.heard(from: actor, tickets: 0, onTime: 0, at: at, db)
            return taken
        }
    }

    /// Counts a contact from a city's link in its hour (the interface's stability and timeliness).
    func heard(from actor: Actor, tickets: Int, onTime: Int, at: Date, _ db: any SQLDatabase) async throws {
        let hour = Int64(at.timeIntervalSince1970 / 3600)
        try await db.raw("""
            INSERT INTO federation_contacts (user_id, hour, batches, tickets, on_time) VALUES (\(bind: actor.userId ?? -1), \(bind: hour), 1,
              \(bind: tickets), \(bind: onTime))
            ON CONFLICT (user_id, hour) DO UPDATE SET batches = federation_contacts.batches + 1,
              tickets = federation_contacts.tickets + excluded.tickets, on_time = federation_contacts.on_time + excluded.on_time
            """).run()
    }

    /// A city's heartbeat: its link is up though nothing changed.
    public func cityHeartbeat(by actor: Actor) async throws {
        let at = now
        try await database.transaction { db in
            _ = try await self.cityPlatform(of: actor, db)
            try await self.heard(from: actor, tickets: 0, onTime: 0, at: at, db)
        }
    }

    /// Compares a day of the city's tickets (created that day, by their versions) with the copies held, records the
    /// comparison, and answers the tickets to send again.
    public func reconcileCity(day: CivilDate, versions: [Int64: Int64], by actor: Actor) async throws -> [Int64] {
        guard versions.count <= 100_000 else { throw HotlineError.invalid("tickets", "一天最多100000件 (at most 100000 tickets a day)") }
        let at = now
        return try await database.transaction { db in
            _ = try await self.cityPlatform(of: actor, db)
            let start = day.instant(atMinute: 0).millis
            let end = day.adding(days: 1).instant(atMinute: 0).millis
            var held: [Int64: Int64] = [:]
            for row in try await db.raw("""
                SELECT source_ticket_id, source_version FROM tickets WHERE source_user_id = \(bind: actor.userId ?? -1)
                  AND created_at >= \(bind: start) AND created_at < \(bind: end)
                """).all() {
                held[try row.decode(column: "source_ticket_id", as: Int64.self)] = try row.decode(column: "source_version", as: Int64.self)
            }
            // Copies of the day's tickets that came before the day's comparison are found by id, whatever their day.
            let unmatched = versions.keys.filter { held[$0] == nil }
            for chunk in Array(unmatched).chunked(500) {
                for row in try await db.raw("""
                    SELECT source_ticket_id, source_version FROM tickets WHERE source_user_id = \(bind: actor.userId ?? -1)
                      AND source_ticket_id IN (\(binds: chunk))
                    """).all() {
                    held[try row.decode(column: "source_ticket_id", as: Int64.self)] = try row.decode(column: "source_version", as: Int64.self)
                }
            }
            let missing = Reconciliation.missing(city: versions, province: held)
            try await db.raw("""
                INSERT INTO federation_reconciliations (user_id, day, city_count, province_count, missing, at)
                VALUES (\(bind: actor.userId ?? -1), \(bind: day.description), \(bind: versions.count), \(bind: held.count), \(bind: missing.count), \(bind: at.millis))
                """).run()
            try await self.heard(from: actor, tickets: 0, onTime: 0, at: at, db)
            return missing
        }
    }

    /// Each city's month (数据质量): completeness of its copies, timeliness of its snapshots, the hours its link was
    /// heard from, and its reconciliations.
    public func federationQuality(month: AssessmentPeriod, for actor: Actor) async throws -> [FederationQuality] {
        try actor.require(.viewAnalysis)
        let centerId = try actor.requireCenter()
        let at = now
        return try await database.read { db in
            let start = month.start.instant(atMinute: 0)
            let end = month.end.instant(atMinute: 0)
            let elapsed = max(0, Int((min(at, end).timeIntervalSince(start)) / 3600))
            let cities = try await db.raw("""
                SELECT u.id AS unit_id, u.name, s.id AS user_id FROM units u JOIN users s ON s.unit_id = u.id AND s.role = \(bind: Role.linkedSystem.rawValue)
                WHERE u.kind = \(bind: UnitKind.cityPlatform.rawValue) AND u.center_id = \(bind: centerId) ORDER BY u.id, s.id
                """).all()
            var results: [FederationQuality] = []
            for city in cities {
                let userId = try city.decode(column: "user_id", as: Int64.self)
                let tickets = try await db.raw("""
                    SELECT COUNT(*) AS n, CAST(SUM(CASE WHEN category_code IS NOT NULL AND (address IS NOT NULL OR region_code IS NOT NULL OR latitude IS NOT NULL)
                      THEN 1 ELSE 0 END) AS BIGINT) AS complete
                    FROM tickets WHERE source_user_id = \(bind: userId) AND created_at >= \(bind: start.millis) AND created_at < \(bind: end.millis)
                    """).first()
                let contacts = try await db.raw("""
                    SELECT COUNT(*) AS hours, CAST(SUM(tickets) AS BIGINT) AS received, CAST(SUM(on_time) AS BIGINT) AS on_time FROM federation_contacts
                    WHERE user_id = \(bind: userId) AND hour >= \(bind: Int64(start.timeIntervalSince1970 / 3600)) AND hour < \(bind: Int64(end.timeIntervalSince1970 / 3600))
                    """).first()
                let days = try await db.raw("""
                    SELECT day, CAST(MAX(CASE WHEN missing > 0 THEN 1 ELSE 0 END) AS BIGINT) AS gaps FROM federation_reconciliations
                    WHERE user_id = \(bind: userId) AND day >= \(bind: month.start.description) AND day < \(bind: month.end.description) GROUP BY day
                    """).all()
                func count(_ row: (any SQLRow)?, _ column: String) throws -> Int { Int(try row?.decode(column: column, as: Int64?.self) ?? 0) }
                results.append(FederationQuality(
                    cityUnitId: try city.decode(column: "unit_id", as: Int64.self), cityName: try city.decode(column: "name", as: String.self),
                    tickets: try count(tickets, "n"), complete: try count(tickets, "complete"), received: try count(contacts, "received"),
                    onTime: try count(contacts, "on_time"), hoursHeard: try count(contacts, "hours"), hoursElapsed: elapsed,
                    daysReconciled: days.count, daysWithGaps: try days.filter { try $0.decode(column: "gaps", as: Int64.self) > 0 }.count))
            }
            return results
        }
    }
}

extension Store {
    /// When each city ticket's copy last arrived, by the city's ticket id, for copies that arrived since `moment` (the
    /// sync benchmark compares them with the city's own commit times: the wire carries whole seconds).
    public func copyArrivals(since moment: Date) async throws -> [Int64: Date] {
        try await database.read { db in
            var arrivals: [Int64: Date] = [:]
            for row in try await db.raw("""
                SELECT source_ticket_id, received_at FROM tickets WHERE source_user_id IS NOT NULL AND received_at >= \(bind: moment.millis)
                """).all() {
                arrivals[try row.decode(column: "source_ticket_id", as: Int64.self)] = Date(millis: try row.decode(column: "received_at", as: Int64.self))
            }
            return arrivals
        }
    }
}

extension Array {
    /// The array in pieces of at most `size`.
    public func chunked(_ size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}

import Foundation
import HotlineCore
import SQLKit

/// Recording new tickets: one at a time when files or a follow-up action come with them, otherwise in batches
/// that share one transaction (group commit) so that concurrent intake costs a handful of statements per batch.
extension Store {
    /// Records a ticket for `centerId`; a retried request with the same idempotency key returns the first ticket.
    ///
    /// `files` are stored with it and `followUp` (dispatch, answer on contact, reject…) is taken in the same
    /// transaction, so an intake either happens whole or not at all.
    public func createTicket(_ draft: TicketDraft, centerId: Int64, by actor: Actor, idempotencyKey: String? = nil,
                             files uploads: [CheckedUpload] = [], then followUp: ActionInput? = nil) async throws -> CreatedTicket {
        // A sub-center's own intake (calls it took itself) is its own work: dispatched to it at once, so 12345 counts,
        // supervises and assesses it like every ticket.
        let followUp = followUp ?? (actor.role == .linkedSystem && !draft.channel.startsInScreening
            ? ActionInput(code: .dispatch, note: "分中心自行受理 (the sub-center's own intake)", mainUnitId: actor.unitId) : nil)
        return try await createTicket(draft, centerId: centerId, by: actor, idempotencyKey: idempotencyKey, files: uploads, then: followUp, alongside: nil)
    }

    /// Records a ticket as above; `alongside` writes what belongs with it (a 110 transfer record) in its transaction.
    func createTicket(_ draft: TicketDraft, centerId: Int64, by actor: Actor, idempotencyKey: String? = nil,
                      files uploads: [CheckedUpload] = [], then followUp: ActionInput? = nil,
                      alongside: (@Sendable (TicketRow, any SQLDatabase) async throws -> Void)?) async throws -> CreatedTicket {
        try actor.requireRecords(forCenter: centerId)
        let draft = try draft.validated()
        if let key = idempotencyKey {
            guard (1...200).contains(key.count) else { throw HotlineError.invalid("Idempotency-Key", "长度须为1到200 (1–200 characters)") }
        }
        let principal = actor.userId.map { "user:\($0)" } ?? actor.kind.rawValue
        let fingerprint = draft.fingerprint + "|\(centerId)|" + (followUp.map { String(describing: $0) } ?? "") + "|"
            + uploads.map { "\($0.name):\($0.data.count)" }.joined(separator: "/")
        let request = IntakeRequest(
            draft: draft, centerId: centerId, actor: actor, principal: principal, key: idempotencyKey,
            requestHash: cipher.blindIndex(fingerprint), queryCode: TicketNumber.newQueryCode())
        guard uploads.isEmpty && followUp == nil && alongside == nil else {
            if let key = idempotencyKey, let earlier = try await replay(principal: principal, key: key, requestHash: request.requestHash) {
                return earlier
            }
            return try await createOne(request, files: uploads, followUp: followUp, alongside: alongside)
        }
        // Encrypting and, after the commit, building the record happen here, in each request's own task: the batch
        // writer does only what must be done one batch at a time.
        switch try await intakeBatcher.submit(request, row: try newRow(request, at: now), to: self) {
        case .created(let row):
            // From the request's own plaintext: nothing to decrypt.
            return CreatedTicket(ticket: try record(row, requester: request.draft.requester), queryCode: request.queryCode, replayed: false)
        case .recorded(let created): return created
        case .replay(let ticketId):
            guard let row = try await database.read({ db in try await self.ticketRow(ticketId, db) }) else { throw HotlineError.notFound("工单") }
            return CreatedTicket(ticket: try record(row), queryCode: try cipher.decrypt(row.queryCodeEnc), replayed: true)
        }
    }

    /// One ticket in its own transaction (with files or a follow-up action, or when a batch had to be retried alone).
    func createOne(_ request: IntakeRequest, files uploads: [CheckedUpload] = [], followUp: ActionInput? = nil,
                   alongside: (@Sendable (TicketRow, any SQLDatabase) async throws -> Void)? = nil) async throws -> CreatedTicket {
        do {
            return try await withStagedFiles(uploads) { staged in
                let saved = try await insertOne(request, files: staged, followUp: followUp, alongside: alongside)
                return CreatedTicket(ticket: try record(saved), queryCode: request.queryCode, replayed: false)
            }
        } catch let error as HotlineError {
            throw error
        } catch {
            // A concurrent retry with the same key won the race: answer with its ticket.
            if let key = request.key, let earlier = try await replay(principal: request.principal, key: key, requestHash: request.requestHash) {
                return earlier
            }
            throw error
        }
    }

    /// The earlier ticket recorded under this idempotency key, or nil; 422 when the key was used for another request.
    func replay(principal: String, key: String, requestHash: String) async throws -> CreatedTicket? {
        let found = try await database.read { db -> (String, Int64)? in
            guard let row = try await db.raw("SELECT request_hash, ticket_id FROM idempotency_keys WHERE principal = \(bind: principal) AND key = \(bind: key)").first()
            else { return nil }
            return (try row.decode(column: "request_hash", as: String.self), try row.decode(column: "ticket_id", as: Int64.self))
        }
        guard let (hash, ticketId) = found else { return nil }
        guard hash == requestHash else { throw Self.keyReused }
        let row = try await database.read { db in try await self.ticketRow(ticketId, db) }
        guard let row else { throw HotlineError.notFound("工单") }
        return CreatedTicket(ticket: try record(row), queryCode: try cipher.decrypt(row.queryCodeEnc), replayed: true)
    }

    static let keyReused = HotlineError(.idempotencyKeyReused, "该幂等键已用于另一请求 (this Idempotency-Key was used for a different request)")

    /// The new row of a request: identity encrypted, the number still to be assigned.
    func newRow(_ request: IntakeRequest, at: Date) throws -> TicketRow {
        let draft = request.draft
        let state = TicketState(id: 0, centerId: request.centerId, status: request.initialStatus, type: draft.type, urgency: draft.urgency,
                                channel: draft.channel, categoryCode: draft.categoryCode)
        return TicketRow(
            state: state, queryCodeEnc: try cipher.encrypt(request.queryCode), title: draft.title, content: draft.content,
            address: draft.location.address, regionCode: draft.location.regionCode, latitude: draft.location.latitude,
            longitude: draft.location.longitude, requesterKind: draft.requester.kind.rawValue,
            requesterNameEnc: try draft.requester.name.map(cipher.encrypt), requesterPhoneEnc: try draft.requester.phone.map(cipher.encrypt),
            requesterPhoneHash: draft.requester.phone.map(cipher.blindIndex), requesterIdEnc: try draft.requester.idNumber.map(cipher.encrypt),
            enterpriseName: draft.requester.enterpriseName, creditCode: draft.requester.creditCode, confidential: draft.confidential,
            attachments: Self.json(draft.attachments), createdBy: request.actor.userId, createdAt: at.millis, updatedAt: at.millis)
    }

    private func insertOne(_ request: IntakeRequest, files: [StagedFile], followUp: ActionInput?,
                           alongside: (@Sendable (TicketRow, any SQLDatabase) async throws -> Void)?) async throws -> TicketRow {
        let at = now
        let newRow = try newRow(request, at: at)
        return try await database.transaction { db in
            var row = newRow
            guard try await self.validCenters([request.centerId], db).contains(request.centerId) else { throw Self.unknownCenter }
            if let code = request.draft.categoryCode, try await self.activeCategories([code], db).isEmpty { throw Self.unknownCategory(code) }
            let day = CivilDate(at)
            row.number = TicketNumber.make(on: day, sequence: try await self.reserveNumbers(1, on: day, db))
            let inserted = try await db.insert(into: "tickets").columns(TicketRow.columns).values(row.values).returning("id").first()
            guard let id = try inserted?.decode(column: "id", as: Int64.self) else {
                throw HotlineError(.insertFailed, "工单保存失败")
            }
            row.id = id
            try await self.appendEvent(db, ticketId: id, number: row.number, actor: request.actor, draft: request.createEvent, at: at)
            try await self.attach(files, ticketId: id, eventSeq: nil, actor: request.actor, at: at, db)
            if let key = request.key {
                try await db.raw("""
                    INSERT INTO idempotency_keys (principal, key, request_hash, ticket_id, created_at)
                    VALUES (\(bind: request.principal), \(bind: key), \(bind: request.requestHash), \(bind: id), \(bind: at.millis))
                    """).run()
            }
            try await alongside?(row, db)
            if let followUp {
                return try await self.act(followUp, on: row, by: request.actor, at: at, files: [], db).row
            }
            return row
        }
    }

    // MARK: Batches

    /// Records a batch of plain intakes in one transaction: a few statements whatever the batch's size.
    /// Each request gets its own outcome; one bad request does not fail the others.
    func insertBatch(_ batch: [(IntakeRequest, TicketRow)]) async throws -> [Result<IntakeOutcome, any Error>] {
        let at = now
        let requests = batch.map(\.0)
        // Every ticket of a batch carries the batch's time, so that its number and its creation share a day.
        let rows = batch.map { _, row in
            var row = row
            row.createdAt = at.millis
            row.updatedAt = at.millis
            return row
        }
        return try await database.transaction { db in
            var outcomes = [Result<IntakeOutcome, any Error>?](repeating: nil, count: requests.count)
            let (centers, categories, earlier) = try await self.references(requests, db)
            var firstWithKey: [String: Int] = [:]
            var accepted: [Int] = []
            for (index, request) in requests.enumerated() {
                if !centers.contains(request.centerId) {
                    outcomes[index] = .failure(Self.unknownCenter)
                } else if let code = request.draft.categoryCode, !categories.contains(code) {
                    outcomes[index] = .failure(Self.unknownCategory(code))
                } else if let key = request.keyIdentity, let (hash, ticketId) = earlier[key] {
                    outcomes[index] = hash == request.requestHash ? .success(.replay(ticketId)) : .failure(Self.keyReused)
                } else if let key = request.keyIdentity, firstWithKey[key] != nil {
                    continue  // answered below, from the first request with this key
                } else {
                    if let key = request.keyIdentity { firstWithKey[key] = index }
                    accepted.append(index)
                }
            }
            if !accepted.isEmpty {
                let ids = try await self.insertAccepted(accepted.map { (requests[$0], rows[$0]) }, at: at, db)
                for (position, index) in accepted.enumerated() { outcomes[index] = .success(.created(ids[position])) }
            }
            // Later requests with a key the batch already used: a replay of the first, or a clash.
            for (index, request) in requests.enumerated() where outcomes[index] == nil {
                guard let key = request.keyIdentity, let first = firstWithKey[key], case .success(.created(let row))? = outcomes[first] else {
                    outcomes[index] = .failure(HotlineError(.batchFailed, "工单保存失败"))
                    continue
                }
                outcomes[index] = requests[first].requestHash == request.requestHash ? .success(.replay(row.id ?? 0)) : .failure(Self.keyReused)
            }
            return outcomes.map { $0! }
        }
    }

    /// Inserts accepted rows with their numbers, chained history events, outbox rows and idempotency keys.
    private func insertAccepted(_ items: [(IntakeRequest, TicketRow)], at: Date, _ db: any SQLDatabase) async throws -> [TicketRow] {
        let day = CivilDate(at)
        let last = try await reserveNumbers(Int64(items.count), on: day, db)
        var rows = items.enumerated().map { offset, item in
            var row = item.1
            row.number = TicketNumber.make(on: day, sequence: last - Int64(items.count) + 1 + Int64(offset))
            return row
        }
        var insert = db.insert(into: "tickets").columns(TicketRow.columns)
        for row in rows { insert = insert.values(row.values) }
        var idsByNumber: [String: Int64] = [:]
        for row in try await insert.returning("id", "number").all() {
            idsByNumber[try row.decode(column: "number", as: String.self)] = try row.decode(column: "id", as: Int64.self)
        }
        for index in rows.indices {
            guard let id = idsByNumber[rows[index].number] else { throw HotlineError(.insertFailed, "工单保存失败") }
            rows[index].id = id
        }
        try await appendEvents(db, rows.enumerated().map { offset, row in
            (ticketId: row.id, number: row.number, actor: items[offset].0.actor, draft: items[offset].0.createEvent)
        }, at: at)
        let keyed = rows.indices.filter { items[$0].0.key != nil }
        if !keyed.isEmpty {
            var keys = db.insert(into: "idempotency_keys").columns("principal", "key", "request_hash", "ticket_id", "created_at")
            for index in keyed {
                let request = items[index].0
                keys = keys.values(SQLBind(request.principal), SQLBind(request.key), SQLBind(request.requestHash), SQLBind(rows[index].id),
                                   SQLBind(at.millis))
            }
            try await keys.run()
        }
        return rows
    }

    /// Reserves `count` consecutive numbers of `day`; returns the last one.
    func reserveNumbers(_ count: Int64, on day: CivilDate, _ db: any SQLDatabase) async throws -> Int64 {
        guard let counter = try await db.raw("""
            INSERT INTO ticket_day_counters (day, last) VALUES (\(bind: TicketNumber.dayKey(day)), \(bind: count))
            ON CONFLICT (day) DO UPDATE SET last = ticket_day_counters.last + \(bind: count) RETURNING last
            """).first() else { throw HotlineError(.counterFailed, "工单编号生成失败") }
        return try counter.decode(column: "last", as: Int64.self)
    }

    /// The batch's centers that may take tickets, its active categories and its idempotency keys already used, in one query.
    private func references(_ requests: [IntakeRequest], _ db: any SQLDatabase) async throws
        -> (centers: Set<Int64>, categories: Set<String>, keys: [String: (String, Int64)]) {
        let centers = Array(Set(requests.map(\.centerId)))
        let codes = Array(Set(requests.compactMap(\.draft.categoryCode)))
        let keys = Array(Set(requests.compactMap(\.key)))
        let principals = Array(Set(requests.filter { $0.key != nil }.map(\.principal)))
        var parts: [SQLQueryString] = [
            "SELECT 'center' AS kind, id AS ref, NULL AS name, NULL AS hash FROM units WHERE id IN (\(binds: centers)) AND kind = 'center' AND active = \(bind: true)"
        ]
        if !codes.isEmpty {
            parts.append("SELECT 'category', 0, code, NULL FROM categories WHERE code IN (\(binds: codes)) AND active = \(bind: true)")
        }
        if !keys.isEmpty {
            // Both parts of the primary key, so the lookup is an index seek, not a scan of every key ever used.
            parts.append("""
                SELECT 'key', ticket_id, principal || '|' || key, request_hash FROM idempotency_keys
                WHERE principal IN (\(binds: principals)) AND key IN (\(binds: keys))
                """)
        }
        var found: (centers: Set<Int64>, categories: Set<String>, keys: [String: (String, Int64)]) = ([], [], [:])
        for row in try await db.raw("\(parts.joined(separator: " UNION ALL "))").all() {
            switch try row.decode(column: "kind", as: String.self) {
            case "center": found.centers.insert(try row.decode(column: "ref", as: Int64.self))
            case "category": found.categories.insert(try row.decode(column: "name", as: String.self))
            default: found.keys[try row.decode(column: "name", as: String.self)] = (try row.decode(column: "hash", as: String.self), try row.decode(column: "ref", as: Int64.self))
            }
        }
        return found
    }

    func validCenters(_ ids: Set<Int64>, _ db: any SQLDatabase) async throws -> Set<Int64> {
        guard !ids.isEmpty else { return [] }
        let rows = try await db.raw("""
            SELECT id FROM units WHERE id IN (\(binds: Array(ids))) AND kind = 'center' AND active = \(bind: true)
            """).all()
        return Set(try rows.map { try $0.decode(column: "id", as: Int64.self) })
    }

    func activeCategories(_ codes: Set<String>, _ db: any SQLDatabase) async throws -> Set<String> {
        guard !codes.isEmpty else { return [] }
        let rows = try await db.raw("SELECT code FROM categories WHERE code IN (\(binds: Array(codes))) AND active = \(bind: true)").all()
        return Set(try rows.map { try $0.decode(column: "code", as: String.self) })
    }

    static let unknownCenter = HotlineError(.unknownCenter, "热线中心不存在 (no such hotline center)")

    static func unknownCategory(_ code: String) -> HotlineError {
        HotlineError(.unknownCategory, "分类编码\(code)不存在 (no category \(code))")
    }
}

/// A validated intake on its way to the database.
struct IntakeRequest: Sendable {
    let draft: TicketDraft
    let centerId: Int64
    let actor: Actor
    let principal: String
    let key: String?
    let requestHash: String
    let queryCode: String

    /// Online submissions wait in the screening queue; calls and transfers are accepted at once.
    var initialStatus: TicketStatus { draft.channel.startsInScreening ? .screening : .accepted }

    /// `principal|key`, the identity of an idempotency key.
    var keyIdentity: String? { key.map { principal + "|" + $0 } }

    /// The history event that records the ticket.
    var createEvent: EventDraft {
        var details: [String: [String]] = ["channel": [draft.channel.rawValue], "type": [draft.type.rawValue], "urgency": [draft.urgency.rawValue]]
        if let code = draft.categoryCode { details["categoryCode"] = [code] }
        return EventDraft(action: .create, fromStatus: nil, toStatus: initialStatus, note: nil, details: details)
    }
}

/// What became of one intake.
enum IntakeOutcome: Sendable {
    /// Written in a batch: the row as stored.
    case created(TicketRow)
    /// Written on its own after its batch failed (or found to be a replay then).
    case recorded(CreatedTicket)
    /// An earlier request with the same key recorded this ticket.
    case replay(Int64)
}

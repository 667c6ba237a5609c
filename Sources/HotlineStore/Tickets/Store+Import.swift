import Foundation
import HotlineCore
import SQLKit

/// What an import of historical tickets did.
public struct TicketImportSummary: Sendable {
    public var imported = 0
    /// Rows already recorded by an earlier run of the same file: left alone.
    public var alreadyImported = 0
    /// How each category or unit text was understood (`"劳动和社会保障" → "08 人力资源社会保障"`), or that it was not.
    public var mappings: [String] = []
}

extension Store {
    /// Records a city's past tickets as closed tickets of `centerId` — with their category, main unit, reply and
    /// time, each with a history event — so that a new hotline starts with its history (and its models learn from it).
    /// Rows are written 500 to a transaction, so live intake is never held up for long; each row is remembered by
    /// a keyed hash of its line and content, so a run that failed part-way (or the same file twice) can simply be
    /// run again and records each row once.
    public func importHistoricalTickets(_ tickets: [HistoricalTicket], centerId: Int64, by actor: Actor) async throws -> TicketImportSummary {
        try actor.require(.importTickets).requireActs(forCenter: centerId)
        var summary = TicketImportSummary()
        let categories = try await self.categories()
        var categoryNames: [String: String] = [:]
        for node in categories { categoryNames[node.code] = node.name }
        var unitNames: [String: String] = [:]
        for unit in try await units(visibleTo: .system) where unit.centerId == centerId && unit.kind != .center && unit.active {
            unitNames[String(unit.id)] = unit.name
        }
        var categoryFor: [String: String?] = [:]
        var unitFor: [String: String?] = [:]
        func resolve(_ text: String?, _ names: [String: String], _ cache: inout [String: String?], what: String) -> String? {
            guard let text else { return nil }
            if let known = cache[text] { return known }
            let found = TicketImport.match(text, in: names)
            cache[text] = found
            summary.mappings.append(found.map { "\(what)「\(text)」→ \($0) \(names[$0] ?? "")" } ?? "\(what)「\(text)」→ 未匹配 (no match)")
            return found
        }
        var rows: [(TicketRow, key: String)] = []
        var seen: Set<String> = []
        let at = now
        let principal = "import:\(centerId)"
        for ticket in tickets {
            // The line too: two citizens who wrote the same words are two tickets; the same file run again is not.
            let fields = [String(ticket.line), ticket.title, ticket.content, ticket.createdAt.map { String($0.millis) } ?? "", ticket.category ?? "",
                          ticket.unit ?? "", ticket.reply ?? "", ticket.address ?? "", ticket.phone ?? "", ticket.name ?? ""]
            let key = cipher.blindIndex("import|" + fields.joined(separator: "\u{1F}"))
            guard seen.insert(key).inserted else {
                summary.alreadyImported += 1
                continue
            }
            let category = resolve(ticket.category, categoryNames, &categoryFor, what: "分类")
            let unit = resolve(ticket.unit, unitNames, &unitFor, what: "单位").flatMap { Int64($0) }
            let draft = TicketDraft(channel: .phone, type: ticket.type ?? .complaint, title: ticket.title, content: ticket.content,
                                    categoryCode: category, location: Location(address: ticket.address),
                                    requester: Requester(name: ticket.name, phone: ticket.phone))
            let request = IntakeRequest(draft: draft, centerId: centerId, actor: actor, principal: "import", key: nil, requestHash: "",
                                        queryCode: TicketNumber.newQueryCode())
            let created = ticket.createdAt ?? at
            var row = try newRow(request, at: created)
            row.state.status = .closed
            row.state.mainUnitId = unit
            row.state.handlingUnitId = unit
            row.state.responsibleUnitIds = unit.map { [$0] } ?? []
            row.state.reply = ticket.reply
            row.state.repliedAt = ticket.reply == nil ? nil : created
            row.state.closedAt = created
            rows.append((row, key))
        }
        for chunk in stride(from: 0, to: rows.count, by: 500).map({ Array(rows[$0..<min($0 + 500, rows.count)]) }) {
            let written = try await database.transaction { db -> Int in
                let done = Set(try await db.raw("""
                    SELECT key FROM idempotency_keys WHERE principal = \(bind: principal) AND key IN (\(binds: chunk.map(\.key)))
                    """).all().map { try $0.decode(column: "key", as: String.self) })
                let chunk = chunk.filter { !done.contains($0.key) }
                guard !chunk.isEmpty else { return 0 }
                var numbered: [(row: TicketRow, key: String)] = []
                for day in Set(chunk.map { CivilDate(Date(millis: $0.0.createdAt)) }) {
                    let ofDay = chunk.filter { CivilDate(Date(millis: $0.0.createdAt)) == day }
                    let last = try await self.reserveNumbers(Int64(ofDay.count), on: day, db)
                    for (offset, item) in ofDay.enumerated() {
                        var row = item.0
                        row.number = TicketNumber.make(on: day, sequence: last - Int64(ofDay.count) + 1 + Int64(offset))
                        numbered.append((row, item.key))
                    }
                }
                var insert = db.insert(into: "tickets").columns(TicketRow.columns)
                for item in numbered { insert = insert.values(item.row.values) }
                var ids: [String: Int64] = [:]
                for row in try await insert.returning("id", "number").all() {
                    ids[try row.decode(column: "number", as: String.self)] = try row.decode(column: "id", as: Int64.self)
                }
                var events: [(ticketId: Int64?, number: String?, actor: Actor, draft: EventDraft)] = []
                var keys = db.insert(into: "idempotency_keys").columns("principal", "key", "request_hash", "ticket_id", "created_at")
                for (var row, key) in numbered {
                    guard let id = ids[row.number] else { continue }
                    row.id = id
                    let state = row.state
                    if state.mainUnitId != nil { try await self.syncTicketUnits(state, db) }
                    var details: [String: [String]] = ["imported": ["true"], "createdAt": [String(row.createdAt)]]
                    if let code = row.state.categoryCode { details["categoryCode"] = [code] }
                    events.append((id, row.number, actor, EventDraft(action: .create, fromStatus: nil, toStatus: .closed, note: "历史工单导入",
                                                                     details: details)))
                    keys = keys.values(SQLBind(principal), SQLBind(key), SQLBind(key), SQLBind(id), SQLBind(at.millis))
                }
                if !events.isEmpty {
                    try await self.appendEvents(db, events, at: at)
                    try await keys.run()
                }
                return events.count
            }
            summary.imported += written
            summary.alreadyImported += chunk.count - written
        }
        return summary
    }
}

import Foundation
import HotlineCore
import SQLKit

/// The assessment rollup: every ticket's facts (`AssessmentFact`) kept in the same transaction as its history, and
/// summed per unit, fact and day, so that a period's results are read from a few sums instead of every history.
///
/// - `assessment_facts`: each ticket's facts as last computed; a new event refolds the ticket and applies the
///   difference.
/// - `assessment_counts`: the facts that count at once, summed per (center, unit, fact, day).
/// - `assessment_pending`: the facts that count only from a deadline on (open work), one row each, counted when the
///   deadline has passed at the moment of reading.
/// - `assessment_units`: which units each ticket has facts of (one unit's drill-down folds only those tickets).
/// - `assessment_rollup`: whether every ticket's facts are in. A database with tickets from before the rollup fills
///   them in the background (`fillAssessmentRollup`); until then results are folded from the histories.
extension Store {
    /// Refolds the tickets' histories into facts and applies the difference to the sums, in the caller's transaction.
    /// The working calendar of the moment decides response times and working days.
    func refreshAssessmentFacts(ticketIds: [Int64], _ db: any SQLDatabase) async throws {
        let ids = Array(Set(ticketIds)).sorted()
        guard !ids.isEmpty else { return }
        let calendar = try await calendar(db)
        let (contactDue, workingDays) = (Assessment.contactDue(calendar), Assessment.workingDays(calendar))
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            var centers: [Int64: Int64] = [:]
            for row in try await db.raw("SELECT id, center_id FROM tickets WHERE id IN (\(binds: chunk))").all() {
                centers[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "center_id", as: Int64.self)
            }
            let events = try await assessmentEvents(chunk, db)
            var old: [Int64: [AssessmentFact]] = [:]
            for row in try await db.raw("SELECT ticket_id, facts FROM assessment_facts WHERE ticket_id IN (\(binds: chunk))").all() {
                old[try row.decode(column: "ticket_id", as: Int64.self)] = Self.decodeFacts(try row.decode(column: "facts", as: String.self))
            }
            var deltas: [CountKey: FactTotals.Total] = [:]
            for id in chunk {
                guard let center = centers[id] else { continue }
                let facts = AssessmentFact.facts(of: TicketAssessment(ticketId: id, events: events[id] ?? []), contactDue: contactDue,
                                                 workingDays: workingDays)
                let before = old[id] ?? []
                guard facts != before else { continue }
                for (list, sign) in [(before, -1.0), (facts, 1.0)] {
                    for fact in list where fact.pendingUntil == nil {
                        deltas[CountKey(center: center, unit: fact.unitId, fact: fact.key, day: fact.day.description), default: .init()].count += sign
                        deltas[CountKey(center: center, unit: fact.unitId, fact: fact.key, day: fact.day.description), default: .init()].days += sign * fact.days
                    }
                }
                let (unitsBefore, unitsAfter) = (Set(before.map(\.unitId)), Set(facts.map(\.unitId)))
                for unit in unitsBefore.subtracting(unitsAfter) {
                    try await db.raw("DELETE FROM assessment_units WHERE unit_id = \(bind: unit) AND ticket_id = \(bind: id)").run()
                }
                for unit in unitsAfter.subtracting(unitsBefore).sorted() {
                    try await db.raw("INSERT INTO assessment_units (unit_id, ticket_id) VALUES (\(bind: unit), \(bind: id))").run()
                }
                if before.contains(where: { $0.pendingUntil != nil }) {
                    try await db.raw("DELETE FROM assessment_pending WHERE ticket_id = \(bind: id)").run()
                }
                let pending = facts.filter { $0.pendingUntil != nil }
                if !pending.isEmpty {
                    var insert = db.insert(into: "assessment_pending").columns("ticket_id", "center_id", "unit_id", "fact", "day", "pending_until")
                    for fact in pending {
                        insert = insert.values(SQLBind(id), SQLBind(center), SQLBind(fact.unitId), SQLBind(fact.key), SQLBind(fact.day.description),
                                               SQLBind(fact.pendingUntil!.millis))
                    }
                    try await insert.run()
                }
                if old[id] == nil {
                    try await db.raw("""
                        INSERT INTO assessment_facts (ticket_id, center_id, facts) VALUES (\(bind: id), \(bind: center), \(bind: Self.encodeFacts(facts)))
                        """).run()
                } else {
                    guard try await db.raw("""
                        UPDATE assessment_facts SET facts = \(bind: Self.encodeFacts(facts)) WHERE ticket_id = \(bind: id) RETURNING ticket_id
                        """).first() != nil else { throw HotlineError(.concurrentUpdate, "考核汇总已重建，请重试 (the assessment rollup was rebuilt meanwhile)") }
                }
            }
            let changed = deltas.filter { $0.value.count != 0 || $0.value.days != 0 }.sorted { $0.key < $1.key }
            for part in stride(from: 0, to: changed.count, by: 200).map({ Array(changed[$0..<min($0 + 200, changed.count)]) }) {
                var insert = db.insert(into: "assessment_counts").columns("center_id", "unit_id", "fact", "day", "count", "days")
                for (key, total) in part {
                    insert = insert.values(SQLBind(key.center), SQLBind(key.unit), SQLBind(key.fact), SQLBind(key.day), SQLBind(Int64(total.count)),
                                           SQLBind(total.days))
                }
                // Added to what is there: the sums move by the difference.
                try await insert.onConflict(with: ["center_id", "unit_id", "fact", "day"]) { conflict in
                    conflict.set("count", to: SQLRaw("assessment_counts.count + excluded.count"))
                        .set("days", to: SQLRaw("assessment_counts.days + excluded.days"))
                }.run()
            }
        }
    }

    /// The histories of `ids` as assessment reads them, by ticket.
    func assessmentEvents(_ ids: [Int64], _ db: any SQLDatabase) async throws -> [Int64: [AssessmentEvent]] {
        var events: [Int64: [AssessmentEvent]] = [:]
        for row in try await db.raw("""
            SELECT ticket_id, at, action, details FROM ticket_events WHERE ticket_id IN (\(binds: ids)) ORDER BY seq
            """).all() {
            guard let action = ActionCode(rawValue: try row.decode(column: "action", as: String.self)) else { continue }
            events[try row.decode(column: "ticket_id", as: Int64.self), default: []].append(AssessmentEvent(
                at: Date(millis: try row.decode(column: "at", as: Int64.self)), action: action,
                details: [String: [String]](json: try row.decode(column: "details", as: String.self))))
        }
        return events
    }

    struct CountKey: Hashable, Comparable {
        let center: Int64
        let unit: Int64
        let fact: String
        let day: String

        static func < (a: Self, b: Self) -> Bool { (a.center, a.unit, a.fact, a.day) < (b.center, b.unit, b.fact, b.day) }
    }

    /// Facts as stored: `key,unit,day,pendingUntil(ms or empty),days` joined by `;`.
    static func encodeFacts(_ facts: [AssessmentFact]) -> String {
        facts.map { "\($0.key),\($0.unitId),\($0.day),\($0.pendingUntil.map { String($0.millis) } ?? ""),\($0.days)" }.joined(separator: ";")
    }

    static func decodeFacts(_ text: String) -> [AssessmentFact] {
        text.split(separator: ";").compactMap { entry in
            let parts = entry.split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count == 5, let unit = Int64(parts[1]), let day = CivilDate(String(parts[2])), let days = Double(parts[4]) else { return nil }
            return AssessmentFact(unitId: unit, key: String(parts[0]), day: day, pendingUntil: Int64(parts[3]).map(Date.init(millis:)), days: days)
        }
    }

    // MARK: Reading

    /// Whether every ticket's facts are in.
    func assessmentRollupReady(_ db: any SQLDatabase) async throws -> Bool {
        try await db.raw("SELECT ready FROM assessment_rollup WHERE id = 1").first()?.decode(column: "ready", as: Bool.self) ?? false
    }

    /// The period's facts that count at `moment`, summed per unit, for the center — or nil when the rollup is not
    /// complete. One statement reads the flag, the sums and the pending facts, so they are of one moment: a fact moving
    /// from pending to counted meanwhile is counted once.
    func factTotals(centerId: Int64, period: AssessmentPeriod, at moment: Date, _ db: any SQLDatabase) async throws -> FactTotals? {
        var totals = FactTotals()
        var ready = false
        let (start, end) = (period.start.description, period.end.description)
        for row in try await db.raw("""
            SELECT unit_id, fact, CAST(SUM(count) AS BIGINT) AS c, SUM(days) AS d FROM assessment_counts
            WHERE center_id = \(bind: centerId) AND day >= \(bind: start) AND day < \(bind: end) GROUP BY unit_id, fact
            UNION ALL
            SELECT unit_id, fact, COUNT(*) AS c, 0.0 AS d FROM assessment_pending
            WHERE center_id = \(bind: centerId) AND day >= \(bind: start) AND day < \(bind: end) AND pending_until <= \(bind: moment.millis)
            GROUP BY unit_id, fact
            UNION ALL
            SELECT -1 AS unit_id, 'ready' AS fact, CASE WHEN ready THEN 1 ELSE 0 END AS c, 0.0 AS d FROM assessment_rollup WHERE id = 1
            """).all() {
            let (unit, fact) = (try row.decode(column: "unit_id", as: Int64.self), try row.decode(column: "fact", as: String.self))
            let count = try row.decode(column: "c", as: Int64.self)
            if unit == -1 && fact == "ready" {
                ready = count == 1
                continue
            }
            totals.add(unitId: unit, key: fact, count: Double(count), days: try row.decode(column: "d", as: Double?.self) ?? 0)
        }
        return ready ? totals : nil
    }

    /// What the period's approved appeals take out, per indicator: the appealed tickets' facts of the appealing unit
    /// for that indicator's numerator and denominator (or approved replies), that count at `moment`.
    func excludedTotals(_ exclusions: Set<AppealExclusion>, scheme: AssessmentScheme, period: AssessmentPeriod, at moment: Date,
                        _ db: any SQLDatabase) async throws -> [String: FactTotals] {
        guard !exclusions.isEmpty else { return [:] }
        var facts: [Int64: [AssessmentFact]] = [:]
        let ids = Array(Set(exclusions.map(\.ticketId))).sorted()
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            for row in try await db.raw("SELECT ticket_id, facts FROM assessment_facts WHERE ticket_id IN (\(binds: chunk))").all() {
                facts[try row.decode(column: "ticket_id", as: Int64.self)] = Self.decodeFacts(try row.decode(column: "facts", as: String.self))
            }
        }
        return FactTotals.excluded(exclusions, facts: facts, scheme: scheme, period: period, at: moment)
    }

    /// Every unit's result for the period, from the rollup when it is complete, else folded from the histories.
    func assessmentResults(_ assessment: Assessment, centerId: Int64, fromHistories: Bool = false, _ db: any SQLDatabase) async throws -> [UnitResult] {
        let rolled = fromHistories ? nil : try await factTotals(centerId: centerId, period: assessment.period, at: assessment.asOf, db)
        guard let totals = rolled else {
            return assessment.results(try await workload(centerId: centerId, period: assessment.period, db))
        }
        let excluded = try await excludedTotals(assessment.exclusions, scheme: assessment.scheme, period: assessment.period, at: assessment.asOf, db)
        let knowledge = Workload(tickets: [], knowledgeTasks: try await knowledgeTasks(centerId: centerId, period: assessment.period, db))
        return assessment.units.map { assessment.result(totals: totals, excluded: excluded, knowledge: knowledge, unitId: $0.id) }
    }

    // MARK: Filling

    /// Takes the audit chain's head row (as `appendEvents` does) until the transaction ends: no event is written meanwhile.
    func holdEventWriters(_ db: any SQLDatabase) async throws {
        try await db.raw("UPDATE audit_head SET seq = seq WHERE id = 1").run()
    }

    /// Computes the facts of tickets recorded before the rollup existed, a batch at a time from where the last call
    /// stopped, each batch its own transaction (the tickets' rows locked, so a new event cannot cross it); marks the
    /// rollup complete when none is left. Returns how many tickets the call refolded.
    @discardableResult
    public func fillAssessmentRollup(batch: Int = 500, maxBatches: Int = .max) async throws -> Int {
        var done = 0
        for _ in 0..<maxBatches {
            let moved = try await database.transaction { db -> Int in
                // The chain's head first, as every event writer takes it: the fill and the writers take turns, so a
                // ticket's facts are never computed twice at once and the sums are upserted by one at a time.
                try await self.holdEventWriters(db)
                guard let state = try await db.raw("SELECT ready, cursor FROM assessment_rollup WHERE id = 1\(unsafeRaw: self.forUpdate)").first(),
                    try !state.decode(column: "ready", as: Bool.self)
                else { return 0 }
                let cursor = try state.decode(column: "cursor", as: Int64.self)
                let ids = try await db.raw("""
                    SELECT id FROM tickets WHERE id > \(bind: cursor) ORDER BY id LIMIT \(literal: batch)\(unsafeRaw: self.forUpdate)
                    """).all().map { try $0.decode(column: "id", as: Int64.self) }
                guard let last = ids.last else {
                    try await db.raw("UPDATE assessment_rollup SET ready = \(bind: true) WHERE id = 1").run()
                    return 0
                }
                try await self.refreshAssessmentFacts(ticketIds: ids, db)
                try await db.raw("UPDATE assessment_rollup SET cursor = \(bind: last) WHERE id = 1").run()
                return ids.count
            }
            guard moved > 0 else { break }
            done += moved
        }
        return done
    }

    /// Starts the rollup again from nothing, and fills it.
    @discardableResult
    public func rebuildAssessmentRollup() async throws -> Int {
        try await database.transaction { db in try await self.resetAssessmentRollup(db) }
        return try await fillAssessmentRollup()
    }

    /// Empties the rollup in the caller's transaction (the working calendar changed: response times and working days
    /// with it); results are folded from the histories until the scheduler has filled it again.
    func resetAssessmentRollup(_ db: any SQLDatabase) async throws {
        try await holdEventWriters(db)
        for table in ["assessment_facts", "assessment_counts", "assessment_pending", "assessment_units"] { try await db.raw("DELETE FROM \(unsafeRaw: table)").run() }
        // With no ticket yet there is nothing to fill.
        try await db.raw("UPDATE assessment_rollup SET ready = NOT EXISTS (SELECT 1 FROM tickets), cursor = 0 WHERE id = 1").run()
    }
}

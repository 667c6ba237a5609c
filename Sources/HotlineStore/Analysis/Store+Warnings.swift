import Foundation
import HotlineCore
import SQLKit

/// An early warning (预警) as kept: raised by the scan, acknowledged by a person.
public struct EarlyWarning: Sendable, Codable, Equatable {
    public enum Status: String, Labelled {
        case open, acknowledged

        public var label: String {
            switch self {
            case .open: "待签收"
            case .acknowledged: "已签收"
            }
        }
    }

    public var id: Int64
    public var centerId: Int64
    public var kind: WarningKind
    public var key: String
    /// 「江北区·城乡建设：11-03 受理 12 件，基线 2.1 件」: what happened, with no identity in it.
    public var title: String
    /// The day it was raised, and the last day it grew.
    public var day: CivilDate
    public var lastDay: CivilDate
    public var count: Int
    public var expected: Double?
    public var score: Double?
    public var ticketIds: [Int64]
    public var status: Status
    public var createdAt: Date
    public var acknowledgedBy: Int64?
    public var acknowledgedAt: Date?
    public var note: String?
}

/// Early warnings: sudden rises of a category in a district, and repeats of one requester or one place. A scan raises
/// them (an event in the audit chain and the outbox, for the units' leaders), a person acknowledges them.
extension Store {
    /// Days of history a rise's baseline may reach back over (the baseline takes 9 days of one kind; a long holiday
    /// stretches that).
    static let riseHistoryDays = 45

    /// Raises the warnings of `day` for every center: rises by EARS C2 on days of the same kind, repeats within the
    /// rule's window. A warning already raised is not raised again; a repeat that goes on grows its open warning.
    /// Returns the warnings raised or grown.
    @discardableResult
    public func scanWarnings(on day: CivilDate, rise: RiseDetector = RiseDetector(), repeats: RepeatRule = RepeatRule()) async throws -> [EarlyWarning] {
        var raised: [EarlyWarning] = []
        for centerId in try await activeCenterIds() {
            raised += try await scanRises(centerId: centerId, day: day, detector: rise)
            raised += try await scanRepeats(centerId: centerId, day: day, rule: repeats)
        }
        return raised
    }

    /// Every active center, in id order: what the scheduled work runs over.
    func activeCenterIds() async throws -> [Int64] {
        try await database.read { db in
            try await db.raw("SELECT id FROM units WHERE kind = 'center' AND active = \(bind: true) ORDER BY id").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
        }
    }

    func scanRises(centerId: Int64, day: CivilDate, detector: RiseDetector) async throws -> [EarlyWarning] {
        let (counts, calendar, names) = try await database.read { db in
            let counts = try await self.dailyCounts(keyed: Self.riseKey, from: day.adding(days: -Self.riseHistoryDays), to: day.adding(days: 1),
                                                    .system, db, also: "t.center_id = \(bind: centerId)")
            let names = try await self.keyNames(.category, .system, db).merging(try await self.keyNames(.district, .system, db)) { a, _ in a }
            return (counts, try await self.calendar(db), names)
        }
        var raised: [EarlyWarning] = []
        for signal in detector.signals(on: day, counts: RiseDetector.series(counts), calendar: calendar) {
            let parts = signal.key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            let place = names[parts.last ?? ""] ?? Self.unknownName(.district)
            let category = names[parts.first ?? ""] ?? Self.unknownName(.category)
            let title = String(format: "%@·%@：%@ 受理 %d 件，基线 %.1f 件", place, category, Granularity.day.label(of: day), signal.count, signal.expected)
            let ids = try await database.read { db in
                try await db.raw("""
                    SELECT t.id FROM tickets t WHERE t.center_id = \(bind: centerId)
                      AND t.created_at >= \(bind: day.instant(atMinute: 0).millis) AND t.created_at < \(bind: day.adding(days: 1).instant(atMinute: 0).millis)
                      AND \(Self.riseKey) = \(bind: signal.key) ORDER BY t.id LIMIT 500
                    """).all().map { try $0.decode(column: "id", as: Int64.self) }
            }
            if let warning = try await raise(centerId: centerId, kind: .suddenRise, key: signal.key, title: title, day: day, count: signal.count,
                                             expected: signal.expected, score: signal.score, ticketIds: ids) {
                raised.append(warning)
            }
        }
        return raised
    }

    /// The key of a rise: the category's first level and the district, `03|330102`.
    static let riseKey: SQLQueryString = "COALESCE(SUBSTR(t.category_code, 1, 2), '') || '|' || COALESCE(t.region_code, '')"

    func scanRepeats(centerId: Int64, day: CivilDate, rule: RepeatRule) async throws -> [EarlyWarning] {
        let start = rule.windowStart(endingOn: day).instant(atMinute: 0).millis
        let end = day.adding(days: 1).instant(atMinute: 0).millis
        let rows = try await database.read { db in
            try await db.raw("""
                SELECT t.id, t.number, t.created_at, t.requester_phone_hash, t.address, t.confidential FROM tickets t
                WHERE t.center_id = \(bind: centerId) AND t.created_at >= \(bind: start) AND t.created_at < \(bind: end)
                  AND t.status <> 'merged' ORDER BY t.id
                """).all()
        }
        var byPhone: [(key: String, id: Int64, day: CivilDate)] = []
        var byPlace: [(key: String, id: Int64, day: CivilDate)] = []
        var addresses: [String: String] = [:]
        for row in rows {
            let id = try row.decode(column: "id", as: Int64.self)
            let created = CivilDate(Date(millis: try row.decode(column: "created_at", as: Int64.self)))
            if let phone = try row.decode(column: "requester_phone_hash", as: String?.self) { byPhone.append((phone, id, created)) }
            // A confidential report's address is not named in a warning others read.
            let address = try row.decode(column: "confidential", as: Bool.self) ? nil : try row.decode(column: "address", as: String?.self)
            if let place = RepeatRule.placeKey(address) {
                byPlace.append((place, id, created))
                addresses[place] = address
            }
        }
        var raised: [EarlyWarning] = []
        for (kind, tickets) in [(WarningKind.repeatRequester, byPhone), (.repeatPlace, byPlace)] {
            for found in rule.repeats(on: day, tickets) {
                let title = kind == .repeatRequester
                    ? "同一诉求人 \(rule.windowDays) 天内反映 \(found.ids.count) 次"
                    : "「\(addresses[found.key] ?? found.key)」\(rule.windowDays) 天内被反映 \(found.ids.count) 次"
                if let warning = try await raise(centerId: centerId, kind: kind, key: found.key, title: title, day: day, count: found.ids.count,
                                                 expected: nil, score: nil, ticketIds: found.ids) {
                    raised.append(warning)
                }
            }
        }
        return raised
    }

    /// Raises a warning, or brings the open one of the same key up to date: its count is that of its last day (a rise's
    /// tickets that day, a repeat's tickets in the window ending that day). A later day moves it on; the same day
    /// updates it when the count changed; an earlier day leaves it. Nil when nothing changed.
    func raise(centerId: Int64, kind: WarningKind, key: String, title: String, day: CivilDate, count: Int, expected: Double?, score: Double?,
               ticketIds: [Int64]) async throws -> EarlyWarning? {
        let at = now
        return try await database.transaction { db in
            if let open = try await db.raw("""
                SELECT * FROM warnings WHERE center_id = \(bind: centerId) AND kind = \(bind: kind.rawValue) AND key = \(bind: key)
                  AND status = 'open'\(unsafeRaw: self.forUpdate)
                """).first().map(Self.warning) {
                guard day > open.lastDay || (day == open.lastDay && count != open.count) else { return nil }
                try await db.raw("""
                    UPDATE warnings SET count = \(bind: count), last_day = \(bind: day.description),
                      title = \(bind: title), ticket_ids = \(bind: Self.json(ticketIds)), updated_at = \(bind: at.millis)
                    WHERE id = \(bind: open.id)
                    """).run()
                return try await self.warning(open.id, db)
            }
            guard let row = try await db.raw("""
                INSERT INTO warnings (center_id, kind, key, title, day, last_day, count, expected, score, ticket_ids, status, created_at, updated_at)
                VALUES (\(bind: centerId), \(bind: kind.rawValue), \(bind: key), \(bind: title), \(bind: day.description), \(bind: day.description),
                  \(bind: count), \(bind: expected), \(bind: score), \(bind: Self.json(ticketIds)), 'open', \(bind: at.millis), \(bind: at.millis))
                ON CONFLICT DO NOTHING RETURNING id
                """).first()
            else { return nil }
            let id = try row.decode(column: "id", as: Int64.self)
            let units = try await db.raw("""
                SELECT DISTINCT main_unit_id FROM tickets WHERE id IN (\(binds: ticketIds.isEmpty ? [-1] : ticketIds)) AND main_unit_id IS NOT NULL
                """).all().map { String(try $0.decode(column: "main_unit_id", as: Int64.self)) }
            try await self.appendEvent(db, ticketId: nil, number: nil, actor: .system, draft: EventDraft(
                action: .raiseWarning, fromStatus: nil, toStatus: nil, note: "\(kind.label)：\(title)",
                details: ["warningId": [String(id)], "kind": [kind.rawValue], "centerId": [String(centerId)], "units": units.sorted(),
                          "day": [day.description], "count": [String(count)]]), at: at)
            return try await self.warning(id, db)
        }
    }

    /// The center's warnings, open first, newest first.
    public func warnings(status: EarlyWarning.Status? = nil, limit: Int = 100, for actor: Actor) async throws -> [EarlyWarning] {
        let centerId = try actor.require(.viewAnalysis).requireCenter()
        return try await database.read { db in
            let which: SQLQueryString = status.map { " AND status = \(bind: $0.rawValue)" } ?? ""
            return try await db.raw("""
                SELECT * FROM warnings WHERE center_id = \(bind: centerId)\(which)
                ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, last_day DESC, id DESC LIMIT \(literal: min(max(limit, 1), 500))
                """).all().map(Self.warning)
        }
    }

    /// Acknowledges an open warning with what is being done (签收); a second acknowledgement is a 409.
    public func acknowledgeWarning(id: Int64, note: String, by actor: Actor) async throws -> EarlyWarning {
        let centerId = try actor.require(.handleWarnings).requireCenter()
        let note = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !note.isEmpty, note.count <= 500 else {
            throw HotlineError.invalid("note", "请填写处置意见（500字以内） (say what is being done, at most 500 characters)")
        }
        let at = now
        return try await database.transaction { db in
            guard let warning = try await db.raw("""
                SELECT * FROM warnings WHERE id = \(bind: id) AND center_id = \(bind: centerId)\(unsafeRaw: self.forUpdate)
                """).first().map(Self.warning)
            else { throw HotlineError.notFound("预警") }
            guard warning.status == .open else { throw HotlineError(.invalidState, "该预警已签收 (already acknowledged)") }
            try await db.raw("""
                UPDATE warnings SET status = 'acknowledged', acknowledged_by = \(bind: actor.userId), acknowledged_at = \(bind: at.millis),
                  note = \(bind: note), updated_at = \(bind: at.millis) WHERE id = \(bind: id)
                """).run()
            try await self.appendEvent(db, ticketId: nil, number: nil, actor: actor, draft: EventDraft(
                action: .acknowledgeWarning, fromStatus: nil, toStatus: nil, note: note,
                details: ["warningId": [String(id)], "kind": [warning.kind.rawValue], "centerId": [String(centerId)]]), at: at)
            return try await self.warning(id, db)
        }
    }

    func warning(_ id: Int64, _ db: any SQLDatabase) async throws -> EarlyWarning {
        guard let row = try await db.raw("SELECT * FROM warnings WHERE id = \(bind: id)").first() else { throw HotlineError.notFound("预警") }
        return try Self.warning(row)
    }

    static func warning(_ row: any SQLRow) throws -> EarlyWarning {
        func day(_ column: String) throws -> CivilDate {
            guard let day = CivilDate(try row.decode(column: column, as: String.self)) else { throw HotlineError(.corruptRow, "预警数据损坏") }
            return day
        }
        return EarlyWarning(
            id: try row.decode(column: "id", as: Int64.self), centerId: try row.decode(column: "center_id", as: Int64.self),
            kind: WarningKind(rawValue: try row.decode(column: "kind", as: String.self)) ?? .suddenRise, key: try row.decode(column: "key", as: String.self),
            title: try row.decode(column: "title", as: String.self), day: try day("day"), lastDay: try day("last_day"),
            count: try row.decode(column: "count", as: Int.self), expected: try row.decode(column: "expected", as: Double?.self),
            score: try row.decode(column: "score", as: Double?.self),
            ticketIds: (try? JSONDecoder().decode([Int64].self, from: Data(try row.decode(column: "ticket_ids", as: String.self).utf8))) ?? [],
            status: EarlyWarning.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
            createdAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            acknowledgedBy: try row.decode(column: "acknowledged_by", as: Int64?.self),
            acknowledgedAt: try row.decode(column: "acknowledged_at", as: Int64?.self).map { Date(millis: $0) },
            note: try row.decode(column: "note", as: String?.self))
    }
}

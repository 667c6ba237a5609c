import Foundation
import HotlineCore
import SQLKit

/// One row of `tickets`: the lifecycle's part (`state`, which the core reads and writes) and the record around it.
/// Which field is stored in which column is written once, in `TicketRow.table` (TicketColumns.swift).
struct TicketRow: Sendable, Equatable {
    var state: TicketState
    var number = ""
    var queryCodeEnc = ""
    var title = ""
    var content = ""
    var address: String?
    var regionCode: String?
    var latitude: Double?
    var longitude: Double?
    var requesterKind = RequesterKind.person.rawValue
    var requesterNameEnc: String?
    var requesterPhoneEnc: String?
    var requesterPhoneHash: String?
    var requesterIdEnc: String?
    var enterpriseName: String?
    var creditCode: String?
    var confidential = false
    /// The attachments' metadata as JSON.
    var attachments = "[]"
    var createdBy: Int64?
    var createdAt: Int64 = 0
    var updatedAt: Int64 = 0
    var version: Int64 = 1
    /// On a province, a city's ticket kept read-only: the city's account that sent it, its id, version and last event
    /// there, and when the last snapshot came.
    var sourceUserId: Int64?
    var sourceTicketId: Int64?
    var sourceVersion: Int64?
    var sourceSeq: Int64?
    var receivedAt: Int64?

    /// The database's id; 0 until the row is inserted.
    var id: Int64 {
        get { state.id }
        set { state.id = newValue }
    }
}

extension TicketRow {
    /// Every column but `id` (which the database assigns), in the order `values` binds them.
    static let written = table.filter { $0.name != "id" }

    /// The names of `written`.
    static let columns = written.map(\.name)

    /// This row's values for `columns`.
    var values: [any SQLExpression] { Self.written.map { $0.bind(self) } }

    /// Reads a `SELECT *` row of `tickets`.
    init(row: any SQLRow) throws {
        try self.init(row: row, only: nil)
    }

    /// Reads a row of `tickets` — with `only`, a row of just those columns (the other fields keep their empty values).
    init(row: any SQLRow, only: Set<String>?) throws {
        self.init(state: TicketState(id: 0, centerId: 0, status: .screening, type: .other, urgency: .normal, channel: .phone, categoryCode: nil))
        for column in Self.table where only?.contains(column.name) ?? true {
            do {
                try column.read(&self, row)
            } catch is TicketColumn.Unreadable {
                throw HotlineError(.corruptRow, "工单数据损坏 (ticket row \(number), column \(column.name) is corrupt)")
            }
        }
    }
}

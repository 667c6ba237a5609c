import Foundation
import HotlineCore
import SQLKit

/// One column of `tickets`: its name, how a row's field is bound for writing, and how it is read back.
struct TicketColumn: Sendable {
    let name: String
    let bind: @Sendable (TicketRow) -> any SQLExpression
    let read: @Sendable (inout TicketRow, any SQLRow) throws -> Void

    /// A stored value that does not decode to its field (an unknown status, say).
    struct Unreadable: Error {}

    /// A field stored through a conversion (`store` to write, `load` to read).
    init<Value, Stored: Codable & Sendable>(
        _ name: String, _ field: WritableKeyPath<TicketRow, Value> & Sendable,
        store: @escaping @Sendable (Value) -> Stored, load: @escaping @Sendable (Stored) throws -> Value
    ) {
        self.name = name
        bind = { row in SQLBind(store(row[keyPath: field])) }
        read = { row, sql in row[keyPath: field] = try load(try sql.decode(column: name, as: Stored.self)) }
    }

    /// A value derived from the row when it is written, never read back into it.
    static func derived<Stored: Codable & Sendable>(_ name: String, _ value: @escaping @Sendable (TicketRow) -> Stored) -> Self {
        Self(name: name, bind: { SQLBind(value($0)) }, read: { _, _ in })
    }

    private init(name: String, bind: @escaping @Sendable (TicketRow) -> any SQLExpression, read: @escaping @Sendable (inout TicketRow, any SQLRow) throws -> Void) {
        self.name = name
        self.bind = bind
        self.read = read
    }

    /// A field stored as it is.
    init<Value: Codable & Sendable>(_ name: String, _ field: WritableKeyPath<TicketRow, Value> & Sendable) {
        self.init(name, field, store: { $0 }, load: { $0 })
    }

    /// An enum stored as its code.
    static func code<Value: RawRepresentable<String> & Sendable>(_ name: String, _ field: WritableKeyPath<TicketRow, Value> & Sendable) -> Self {
        Self(name, field, store: { $0.rawValue }, load: { (code: String) in
            guard let value = Value(rawValue: code) else { throw Unreadable() }
            return value
        })
    }

    /// An optional enum stored as its code or NULL; a code this version does not know reads as none, so one old
    /// row cannot stop a list or the deadline scanner (the required codes are strict).
    static func code<Value: RawRepresentable<String> & Sendable>(_ name: String, _ field: WritableKeyPath<TicketRow, Value?> & Sendable) -> Self {
        Self(name, field, store: { $0?.rawValue }, load: { (code: String?) in code.flatMap(Value.init(rawValue:)) })
    }

    /// A moment stored as milliseconds since 1970.
    static func millis(_ name: String, _ field: WritableKeyPath<TicketRow, Date?> & Sendable) -> Self {
        Self(name, field, store: { $0?.millis }, load: { (millis: Int64?) in millis.map(Date.init(millis:)) })
    }

    /// A count stored as a 64-bit integer.
    static func count(_ name: String, _ field: WritableKeyPath<TicketRow, Int> & Sendable) -> Self {
        Self(name, field, store: { Int64($0) }, load: { (count: Int64) in Int(count) })
    }

    /// An optional count stored as a 64-bit integer or NULL.
    static func count(_ name: String, _ field: WritableKeyPath<TicketRow, Int?> & Sendable) -> Self {
        Self(name, field, store: { $0.map(Int64.init) }, load: { (count: Int64?) in count.map { Int($0) } })
    }

    /// Unit ids stored comma-separated ("" for none); a part that is not a number is skipped, as before.
    static func ids(_ name: String, _ field: WritableKeyPath<TicketRow, [Int64]> & Sendable) -> Self {
        Self(name, field, store: { $0.map { String($0) }.joined(separator: ",") }, load: { (text: String) in
            text.split(separator: ",").compactMap { Int64($0) }
        })
    }
}

extension TicketRow {
    /// The `tickets` table, column for column: the one place a field meets its column. Inserts, updates and reads
    /// all go through it, so a column can be neither forgotten nor bound to another field's value.
    static let table: [TicketColumn] = [
        // The record: who asked what, where, and how it reached the hotline.
        TicketColumn("id", \.state.id), TicketColumn("number", \.number), TicketColumn("query_code_enc", \.queryCodeEnc),
        TicketColumn("center_id", \.state.centerId), .code("channel", \.state.channel), .code("type", \.state.type),
        .code("urgency", \.state.urgency), TicketColumn("difficult", \.state.difficult), TicketColumn("title", \.title), TicketColumn("content", \.content),
        TicketColumn("category_code", \.state.categoryCode), TicketColumn("address", \.address), TicketColumn("region_code", \.regionCode),
        TicketColumn("latitude", \.latitude), TicketColumn("longitude", \.longitude),
        TicketColumn("requester_kind", \.requesterKind), TicketColumn("requester_name_enc", \.requesterNameEnc),
        TicketColumn("requester_phone_enc", \.requesterPhoneEnc), TicketColumn("requester_phone_hash", \.requesterPhoneHash),
        TicketColumn("requester_id_enc", \.requesterIdEnc), TicketColumn("enterprise_name", \.enterpriseName), TicketColumn("credit_code", \.creditCode),
        TicketColumn("confidential", \.confidential), TicketColumn("attachments", \.attachments),
        // Where it stands and who holds it.
        .code("status", \.state.status), .code("resume_status", \.state.resumeStatus), TicketColumn("return_requested_by", \.state.returnRequestedBy),
        TicketColumn("main_unit_id", \.state.mainUnitId), TicketColumn("handling_unit_id", \.state.handlingUnitId),
        .ids("co_unit_ids", \.state.coUnitIds), .ids("responsible_unit_ids", \.state.responsibleUnitIds), .ids("returned_unit_ids", \.state.returnedUnitIds),
        // Deadlines and their marks.
        .millis("dispatched_at", \.state.dispatchedAt), .millis("signed_at", \.state.signedAt), .millis("sign_due_at", \.state.signDueAt),
        .millis("reply_due_at", \.state.replyDueAt), .millis("due_soon_at", \.state.dueSoonAt), TicketColumn("due_soon_marked", \.state.dueSoonMarked),
        TicketColumn("overdue_marked", \.state.overdueMarked), TicketColumn("sign_overdue_marked", \.state.signOverdueMarked),
        // What happened on the way.
        .count("return_count", \.state.returnCount), .count("extension_count", \.state.extensionCount), .count("redo_count", \.state.redoCount),
        .count("send_back_count", \.state.sendBackCount), .count("supervision_count", \.state.supervisionCount),
        .count("pending_extension_days", \.state.pendingExtensionDays), TicketColumn("escalated", \.state.escalated),
        TicketColumn("unreasonable_repeat", \.state.unreasonableRepeat), TicketColumn("sent_back", \.state.sentBack),
        TicketColumn("merged_into_id", \.state.mergedIntoId),
        // The answer and what the citizen made of it.
        TicketColumn("answer", \.state.answer), TicketColumn("reply", \.state.reply), .millis("replied_at", \.state.repliedAt),
        .code("satisfaction", \.state.satisfaction), TicketColumn("resolved", \.state.resolved),
        TicketColumn("evaluation_reasonable", \.state.evaluationReasonable), TicketColumn("evaluation_comment", \.state.evaluationComment),
        .code("reject_reason", \.state.rejectReason), .millis("closed_at", \.state.closedAt),
        // Bookkeeping.
        TicketColumn("created_by", \.createdBy), TicketColumn("created_at", \.createdAt), TicketColumn("updated_at", \.updatedAt),
        TicketColumn("version", \.version),
        TicketColumn("source_user_id", \.sourceUserId), TicketColumn("source_ticket_id", \.sourceTicketId),
        TicketColumn("source_version", \.sourceVersion), TicketColumn("source_seq", \.sourceSeq), TicketColumn("received_at", \.receivedAt),
        // For hotspots: the text's MinHash signature, computed once when the ticket is written (see HotspotFinder).
        .derived("text_signature") { HotspotFinder.encodedSignature(title: $0.title, text: $0.content) },
    ]
}

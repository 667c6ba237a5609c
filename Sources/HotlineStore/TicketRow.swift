import Foundation
import HotlineCore
import SQLKit

/// The `tickets` table, column for column (snake_case in SQL).
struct TicketRow: Sendable {
    var id: Int64?
    var number: String
    var queryCodeEnc: String
    var centerId: Int64
    var channel: String
    var type: String
    var urgency: String
    var difficult: Bool
    var title: String
    var content: String
    var categoryCode: String?
    var address: String?
    var regionCode: String?
    var latitude: Double?
    var longitude: Double?
    var requesterKind: String
    var requesterNameEnc: String?
    var requesterPhoneEnc: String?
    var requesterPhoneHash: String?
    var requesterIdEnc: String?
    var enterpriseName: String?
    var creditCode: String?
    var confidential: Bool
    var attachments: String
    var status: String
    var resumeStatus: String?
    var returnRequestedBy: Int64?
    var mainUnitId: Int64?
    var handlingUnitId: Int64?
    var coUnitIds: String
    var responsibleUnitIds: String
    var returnedUnitIds: String
    var dispatchedAt: Int64?
    var signedAt: Int64?
    var signDueAt: Int64?
    var replyDueAt: Int64?
    var dueSoonAt: Int64?
    var dueSoonMarked: Bool
    var overdueMarked: Bool
    var signOverdueMarked: Bool
    var returnCount: Int64
    var extensionCount: Int64
    var redoCount: Int64
    var sendBackCount: Int64
    var supervisionCount: Int64
    var pendingExtensionDays: Int64?
    var escalated: Bool
    var unreasonableRepeat: Bool
    var sentBack: Bool
    var mergedIntoId: Int64?
    var answer: String?
    var reply: String?
    var repliedAt: Int64?
    var satisfaction: String?
    var resolved: Bool?
    var evaluationReasonable: Bool?
    var evaluationComment: String?
    var rejectReason: String?
    var closedAt: Int64?
    var createdBy: Int64?
    var createdAt: Int64
    var updatedAt: Int64
    var version: Int64


    static func ids(_ text: String) -> [Int64] {
        text.split(separator: ",").compactMap { Int64($0) }
    }

    static func text(_ ids: [Int64]) -> String {
        ids.map { String($0) }.joined(separator: ",")
    }

    /// The lifecycle's view of this row.
    func state() throws -> TicketState {
        guard let id, let status = TicketStatus(rawValue: status), let type = TicketType(rawValue: type),
            let urgency = Urgency(rawValue: urgency), let channel = Channel(rawValue: channel)
        else { throw HotlineError(.corruptRow, "工单数据损坏 (ticket row \(number) is corrupt)") }
        var s = TicketState(id: id, centerId: centerId, status: status, type: type, urgency: urgency, channel: channel,
                            categoryCode: categoryCode, difficult: difficult)
        s.resumeStatus = resumeStatus.flatMap(TicketStatus.init(rawValue:))
        s.returnRequestedBy = returnRequestedBy
        s.mainUnitId = mainUnitId
        s.handlingUnitId = handlingUnitId
        s.coUnitIds = Self.ids(coUnitIds)
        s.responsibleUnitIds = Self.ids(responsibleUnitIds)
        s.returnedUnitIds = Self.ids(returnedUnitIds)
        s.dispatchedAt = dispatchedAt.map(Date.init(millis:))
        s.signedAt = signedAt.map(Date.init(millis:))
        s.signDueAt = signDueAt.map(Date.init(millis:))
        s.replyDueAt = replyDueAt.map(Date.init(millis:))
        s.dueSoonAt = dueSoonAt.map(Date.init(millis:))
        s.dueSoonMarked = dueSoonMarked
        s.overdueMarked = overdueMarked
        s.signOverdueMarked = signOverdueMarked
        s.returnCount = Int(returnCount)
        s.extensionCount = Int(extensionCount)
        s.redoCount = Int(redoCount)
        s.sendBackCount = Int(sendBackCount)
        s.supervisionCount = Int(supervisionCount)
        s.pendingExtensionDays = pendingExtensionDays.map { Int($0) }
        s.escalated = escalated
        s.unreasonableRepeat = unreasonableRepeat
        s.sentBack = sentBack
        s.mergedIntoId = mergedIntoId
        s.answer = answer
        s.reply = reply
        s.repliedAt = repliedAt.map(Date.init(millis:))
        s.satisfaction = satisfaction.flatMap(Satisfaction.init(rawValue:))
        s.resolved = resolved
        s.evaluationReasonable = evaluationReasonable
        s.evaluationComment = evaluationComment
        s.rejectReason = rejectReason.flatMap(RejectReason.init(rawValue:))
        s.closedAt = closedAt.map(Date.init(millis:))
        return s
    }

    /// Copies the lifecycle's fields back into the row.
    mutating func apply(_ s: TicketState) {
        status = s.status.rawValue
        urgency = s.urgency.rawValue
        difficult = s.difficult
        categoryCode = s.categoryCode
        resumeStatus = s.resumeStatus?.rawValue
        returnRequestedBy = s.returnRequestedBy
        mainUnitId = s.mainUnitId
        handlingUnitId = s.handlingUnitId
        coUnitIds = Self.text(s.coUnitIds)
        responsibleUnitIds = Self.text(s.responsibleUnitIds)
        returnedUnitIds = Self.text(s.returnedUnitIds)
        dispatchedAt = s.dispatchedAt?.millis
        signedAt = s.signedAt?.millis
        signDueAt = s.signDueAt?.millis
        replyDueAt = s.replyDueAt?.millis
        dueSoonAt = s.dueSoonAt?.millis
        dueSoonMarked = s.dueSoonMarked
        overdueMarked = s.overdueMarked
        signOverdueMarked = s.signOverdueMarked
        returnCount = Int64(s.returnCount)
        extensionCount = Int64(s.extensionCount)
        redoCount = Int64(s.redoCount)
        sendBackCount = Int64(s.sendBackCount)
        supervisionCount = Int64(s.supervisionCount)
        pendingExtensionDays = s.pendingExtensionDays.map { Int64($0) }
        escalated = s.escalated
        unreasonableRepeat = s.unreasonableRepeat
        sentBack = s.sentBack
        mergedIntoId = s.mergedIntoId
        answer = s.answer
        reply = s.reply
        repliedAt = s.repliedAt?.millis
        satisfaction = s.satisfaction?.rawValue
        resolved = s.resolved
        evaluationReasonable = s.evaluationReasonable
        evaluationComment = s.evaluationComment
        rejectReason = s.rejectReason?.rawValue
        closedAt = s.closedAt?.millis
    }
}

extension TicketRow {
    /// The columns `values` binds, in order (every column but `id`, which the database assigns).
    static let columns: [String] = [
        "number", "query_code_enc", "center_id", "channel", "type", "urgency", "difficult", "title", "content", "category_code",
        "address", "region_code", "latitude", "longitude", "requester_kind", "requester_name_enc", "requester_phone_enc",
        "requester_phone_hash", "requester_id_enc", "enterprise_name", "credit_code", "confidential", "attachments", "status",
        "resume_status", "return_requested_by", "main_unit_id", "handling_unit_id", "co_unit_ids", "responsible_unit_ids", "returned_unit_ids",
        "dispatched_at", "signed_at", "sign_due_at", "reply_due_at", "due_soon_at", "due_soon_marked", "overdue_marked",
        "sign_overdue_marked", "return_count", "extension_count", "redo_count", "send_back_count", "supervision_count",
        "pending_extension_days", "escalated", "unreasonable_repeat", "sent_back", "merged_into_id", "answer", "reply",
        "replied_at", "satisfaction", "resolved", "evaluation_reasonable", "evaluation_comment", "reject_reason", "closed_at",
        "created_by", "created_at", "updated_at", "version",
    ]

    /// This row's values for `columns`, bound (written out: encoding through Codable was a tenth of intake's time).
    var values: [any SQLExpression] {
        [
            SQLBind(number), SQLBind(queryCodeEnc), SQLBind(centerId), SQLBind(channel), SQLBind(type), SQLBind(urgency),
            SQLBind(difficult), SQLBind(title), SQLBind(content), SQLBind(categoryCode), SQLBind(address), SQLBind(regionCode),
            SQLBind(latitude), SQLBind(longitude), SQLBind(requesterKind), SQLBind(requesterNameEnc), SQLBind(requesterPhoneEnc),
            SQLBind(requesterPhoneHash), SQLBind(requesterIdEnc), SQLBind(enterpriseName), SQLBind(creditCode),
            SQLBind(confidential), SQLBind(attachments), SQLBind(status), SQLBind(resumeStatus), SQLBind(returnRequestedBy), SQLBind(mainUnitId),
            SQLBind(handlingUnitId), SQLBind(coUnitIds), SQLBind(responsibleUnitIds), SQLBind(returnedUnitIds),
            SQLBind(dispatchedAt), SQLBind(signedAt), SQLBind(signDueAt), SQLBind(replyDueAt), SQLBind(dueSoonAt),
            SQLBind(dueSoonMarked), SQLBind(overdueMarked), SQLBind(signOverdueMarked), SQLBind(returnCount),
            SQLBind(extensionCount), SQLBind(redoCount), SQLBind(sendBackCount), SQLBind(supervisionCount),
            SQLBind(pendingExtensionDays), SQLBind(escalated), SQLBind(unreasonableRepeat), SQLBind(sentBack),
            SQLBind(mergedIntoId), SQLBind(answer), SQLBind(reply), SQLBind(repliedAt), SQLBind(satisfaction), SQLBind(resolved),
            SQLBind(evaluationReasonable), SQLBind(evaluationComment), SQLBind(rejectReason), SQLBind(closedAt),
            SQLBind(createdBy), SQLBind(createdAt), SQLBind(updatedAt), SQLBind(version),
        ]
    }

    /// Reads a `SELECT *` row of `tickets`.
    init(row: any SQLRow) throws {
        id = try row.decode(column: "id", as: Int64?.self)
        number = try row.decode(column: "number", as: String.self)
        queryCodeEnc = try row.decode(column: "query_code_enc", as: String.self)
        centerId = try row.decode(column: "center_id", as: Int64.self)
        channel = try row.decode(column: "channel", as: String.self)
        type = try row.decode(column: "type", as: String.self)
        urgency = try row.decode(column: "urgency", as: String.self)
        difficult = try row.decode(column: "difficult", as: Bool.self)
        title = try row.decode(column: "title", as: String.self)
        content = try row.decode(column: "content", as: String.self)
        categoryCode = try row.decode(column: "category_code", as: String?.self)
        address = try row.decode(column: "address", as: String?.self)
        regionCode = try row.decode(column: "region_code", as: String?.self)
        latitude = try row.decode(column: "latitude", as: Double?.self)
        longitude = try row.decode(column: "longitude", as: Double?.self)
        requesterKind = try row.decode(column: "requester_kind", as: String.self)
        requesterNameEnc = try row.decode(column: "requester_name_enc", as: String?.self)
        requesterPhoneEnc = try row.decode(column: "requester_phone_enc", as: String?.self)
        requesterPhoneHash = try row.decode(column: "requester_phone_hash", as: String?.self)
        requesterIdEnc = try row.decode(column: "requester_id_enc", as: String?.self)
        enterpriseName = try row.decode(column: "enterprise_name", as: String?.self)
        creditCode = try row.decode(column: "credit_code", as: String?.self)
        confidential = try row.decode(column: "confidential", as: Bool.self)
        attachments = try row.decode(column: "attachments", as: String.self)
        status = try row.decode(column: "status", as: String.self)
        resumeStatus = try row.decode(column: "resume_status", as: String?.self)
        returnRequestedBy = try row.decode(column: "return_requested_by", as: Int64?.self)
        mainUnitId = try row.decode(column: "main_unit_id", as: Int64?.self)
        handlingUnitId = try row.decode(column: "handling_unit_id", as: Int64?.self)
        coUnitIds = try row.decode(column: "co_unit_ids", as: String.self)
        responsibleUnitIds = try row.decode(column: "responsible_unit_ids", as: String.self)
        returnedUnitIds = try row.decode(column: "returned_unit_ids", as: String.self)
        dispatchedAt = try row.decode(column: "dispatched_at", as: Int64?.self)
        signedAt = try row.decode(column: "signed_at", as: Int64?.self)
        signDueAt = try row.decode(column: "sign_due_at", as: Int64?.self)
        replyDueAt = try row.decode(column: "reply_due_at", as: Int64?.self)
        dueSoonAt = try row.decode(column: "due_soon_at", as: Int64?.self)
        dueSoonMarked = try row.decode(column: "due_soon_marked", as: Bool.self)
        overdueMarked = try row.decode(column: "overdue_marked", as: Bool.self)
        signOverdueMarked = try row.decode(column: "sign_overdue_marked", as: Bool.self)
        returnCount = try row.decode(column: "return_count", as: Int64.self)
        extensionCount = try row.decode(column: "extension_count", as: Int64.self)
        redoCount = try row.decode(column: "redo_count", as: Int64.self)
        sendBackCount = try row.decode(column: "send_back_count", as: Int64.self)
        supervisionCount = try row.decode(column: "supervision_count", as: Int64.self)
        pendingExtensionDays = try row.decode(column: "pending_extension_days", as: Int64?.self)
        escalated = try row.decode(column: "escalated", as: Bool.self)
        unreasonableRepeat = try row.decode(column: "unreasonable_repeat", as: Bool.self)
        sentBack = try row.decode(column: "sent_back", as: Bool.self)
        mergedIntoId = try row.decode(column: "merged_into_id", as: Int64?.self)
        answer = try row.decode(column: "answer", as: String?.self)
        reply = try row.decode(column: "reply", as: String?.self)
        repliedAt = try row.decode(column: "replied_at", as: Int64?.self)
        satisfaction = try row.decode(column: "satisfaction", as: String?.self)
        resolved = try row.decode(column: "resolved", as: Bool?.self)
        evaluationReasonable = try row.decode(column: "evaluation_reasonable", as: Bool?.self)
        evaluationComment = try row.decode(column: "evaluation_comment", as: String?.self)
        rejectReason = try row.decode(column: "reject_reason", as: String?.self)
        closedAt = try row.decode(column: "closed_at", as: Int64?.self)
        createdBy = try row.decode(column: "created_by", as: Int64?.self)
        createdAt = try row.decode(column: "created_at", as: Int64.self)
        updatedAt = try row.decode(column: "updated_at", as: Int64.self)
        version = try row.decode(column: "version", as: Int64.self)
    }
}

import Foundation
import HotlineCore
import SQLKit

/// The `tickets` table, column for column (snake_case in SQL).
struct TicketRow: Codable, Sendable {
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

    /// For updates: a nil field is written as NULL.
    static let encoder = SQLQueryEncoder(keyEncodingStrategy: .convertToSnakeCase, nilEncodingStrategy: .asNil)
    /// For inserts: nil fields (the id above all) are left out, so PostgreSQL's sequence fills the id.
    static let insertEncoder = SQLQueryEncoder(keyEncodingStrategy: .convertToSnakeCase)
    static let decoder = SQLRowDecoder(keyDecodingStrategy: .convertFromSnakeCase)

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
        else { throw HotlineError(.internalFailure, "corrupt_row", "工单数据损坏 (ticket row \(number) is corrupt)") }
        var s = TicketState(id: id, centerId: centerId, status: status, type: type, urgency: urgency, channel: channel,
                            categoryCode: categoryCode, difficult: difficult)
        s.resumeStatus = resumeStatus.flatMap(TicketStatus.init(rawValue:))
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

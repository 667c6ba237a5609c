import Foundation
import HotlineCore
import SQLKit

/// Open311 GeoReport v2 (`/open311/v2/`): the center's categories as services, requests filed by an Open311 app with its
/// integration key, and the public view of those requests. Only requests that came in through Open311 and are not
/// confidential are public — Open311 apps publish what their users post; a phone call to 12345 is not published this way.
extension Store {
    /// The services an Open311 client may file under: the center's active leaf categories.
    public func open311Services() async throws -> [Open311.Service] {
        Open311.services(from: try await categories())
    }

    /// Files an Open311 request for the integration account `actor` (its key was the form's `api_key`); a retry with the
    /// same idempotency key answers the first request.
    public func fileOpen311Request(_ submission: Open311.Submission, by actor: Actor, idempotencyKey: String?) async throws -> CreatedTicket {
        guard actor.kind == .user, actor.role?.may(.integrate) == true, actor.role?.may(.recordTickets) == true, let centerId = actor.centerId else {
            throw HotlineError.forbidden("api_key不是对接系统的密钥 (api_key is not an integration key)")
        }
        guard let service = try await open311Services().first(where: { $0.code == submission.serviceCode }) else {
            throw HotlineError.invalid("service_code", "service_code \(submission.serviceCode) 不存在 (no such service)")
        }
        return try await createTicket(submission.draft(serviceName: service.name), centerId: centerId, by: actor, idempotencyKey: idempotencyKey)
    }

    /// The public view of the center's Open311 requests matching `query`, newest first, at most `Open311.Query.maximum`.
    public func open311Requests(centerId: Int64, _ query: Open311.Query) async throws -> [Open311.PublicRequest] {
        try await database.read { db in
            var filter: SQLQueryString = "t.center_id = \(bind: centerId) AND t.channel = \(bind: Channel.open311.rawValue) AND t.confidential = \(bind: false)"
            if let ids = query.ids {
                filter = "\(filter) AND t.number IN (\(ids.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")))"
            } else {
                filter = "\(filter) AND t.created_at >= \(bind: query.from.millis) AND t.created_at <= \(bind: query.to.millis)"
                if let codes = query.serviceCodes {
                    filter = "\(filter) AND t.category_code IN (\(codes.map { "\(bind: $0)" as SQLQueryString }.joined(separator: ", ")))"
                }
                if let closed = query.closed {
                    let terminal = TicketStatus.allCases.filter(\.isTerminal).map { "\(bind: $0.rawValue)" as SQLQueryString }.joined(separator: ", ")
                    filter = closed ? "\(filter) AND t.status IN (\(terminal))" : "\(filter) AND t.status NOT IN (\(terminal))"
                }
            }
            return try await db.raw("""
                SELECT t.number, t.status, t.reject_reason, t.category_code, c.name AS service_name, t.content, u.name AS agency,
                  t.created_at, t.updated_at, t.reply_due_at, t.address, t.latitude, t.longitude, t.attachments
                FROM tickets t LEFT JOIN categories c ON c.code = t.category_code LEFT JOIN units u ON u.id = t.main_unit_id
                WHERE \(filter) ORDER BY t.created_at DESC, t.id DESC LIMIT \(literal: Open311.Query.maximum)
                """).all().map(Self.publicRequest(from:))
        }
    }

    static func publicRequest(from row: any SQLRow) throws -> Open311.PublicRequest {
        let status = TicketStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .screening
        var notes = status.label
        if let reason = try row.decode(column: "reject_reason", as: String?.self).flatMap(RejectReason.init(rawValue:)) { notes += "：\(reason.label)" }
        let attachments = (try? JSONDecoder().decode([AttachmentMeta].self, from: Data(try row.decode(column: "attachments", as: String.self).utf8))) ?? []
        return Open311.PublicRequest(
            id: try row.decode(column: "number", as: String.self), closed: Open311.isClosed(status), statusNotes: notes,
            serviceCode: try row.decode(column: "category_code", as: String?.self), serviceName: try row.decode(column: "service_name", as: String?.self),
            description: try row.decode(column: "content", as: String.self),
            // Who holds it once it is dispatched: a unit's name is public, its staff are not.
            agency: status.isWithUnit || status.isTerminal ? try row.decode(column: "agency", as: String?.self) : nil,
            requestedAt: Date(millis: try row.decode(column: "created_at", as: Int64.self)),
            updatedAt: Date(millis: try row.decode(column: "updated_at", as: Int64.self)),
            expectedAt: try row.decode(column: "reply_due_at", as: Int64?.self).map(Date.init(millis:)),
            address: try row.decode(column: "address", as: String?.self), latitude: try row.decode(column: "latitude", as: Double?.self),
            longitude: try row.decode(column: "longitude", as: Double?.self), mediaURL: attachments.compactMap(\.url).first)
    }
}

import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

/// 省市两级平台 over the API: a city's batches, heartbeats and reconciliations on the province, the province's data-quality
/// scores, and the city's own link settings.
extension APIService {
    /// The wire form of snapshots and shared entries is the core's own Codable form, so a body is read through it.
    static func throughCore<From: Encodable, To: Decodable>(_ value: From, as type: To.Type) throws -> To {
        try Federation.decoder.decode(type, from: try Federation.encoder.encode(value))
    }

    func receiveCityTickets(_ input: Operations.ReceiveCityTickets.Input) async throws -> Operations.ReceiveCityTickets.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let actor = try RequestIdentity.require()
        let tickets: [FederatedTicket]
        do {
            tickets = try Self.throughCore(body.tickets, as: [FederatedTicket].self)
        } catch {
            throw HotlineError.invalid("tickets", "工单快照格式不正确 (a snapshot is malformed)")
        }
        let receipt = try await store.receiveFromCity(tickets, by: actor)
        return .ok(.init(body: .json(.init(
            applied: receipt.applied, unchanged: receipt.unchanged, progressed: receipt.progressed,
            refused: receipt.refused.map { .init(sourceId: $0.sourceId, code: .init(rawValue: $0.code.rawValue) ?? .invalidRequest, message: $0.message) }))))
    }

    func cityHeartbeat(_ input: Operations.CityHeartbeat.Input) async throws -> Operations.CityHeartbeat.Output {
        try await store.cityHeartbeat(by: try RequestIdentity.require())
        return .noContent(.init())
    }

    func reconcileCityDay(_ input: Operations.ReconcileCityDay.Input) async throws -> Operations.ReconcileCityDay.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard let day = CivilDate(body.day) else { throw HotlineError.invalid("day", "日期格式应为 YYYY-MM-DD (day as YYYY-MM-DD)") }
        var versions: [Int64: Int64] = [:]
        for ticket in body.tickets { versions[ticket.id] = max(versions[ticket.id] ?? 0, ticket.version) }
        let missing = try await store.reconcileCity(day: day, versions: versions, by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(missing: missing))))
    }

    func federationQuality(_ input: Operations.FederationQuality.Input) async throws -> Operations.FederationQuality.Output {
        guard let month = AssessmentPeriod(input.query.month), month.kind == .month else {
            throw HotlineError.invalid("month", "月份格式应为 YYYY-MM (month as YYYY-MM)")
        }
        let rows = try await store.federationQuality(month: month, for: try RequestIdentity.require())
        return .ok(.init(body: .json(rows.map { row in
            .init(cityUnitId: row.cityUnitId, cityName: row.cityName, tickets: row.tickets, complete: row.complete, received: row.received,
                  onTime: row.onTime, hoursHeard: row.hoursHeard, hoursElapsed: row.hoursElapsed, daysReconciled: row.daysReconciled,
                  daysWithGaps: row.daysWithGaps, completeness: row.completeness, timeliness: row.timeliness, stability: row.stability, score: row.score)
        })))
    }

    func getUpstreamLink(_ input: Operations.GetUpstreamLink.Input) async throws -> Operations.GetUpstreamLink.Output {
        guard let link = try await store.upstreamLink(for: try RequestIdentity.require()) else {
            throw HotlineError.notFound("上级平台设置")
        }
        return .ok(.init(body: .json(.init(link))))
    }

    func saveUpstreamLink(_ input: Operations.SaveUpstreamLink.Input) async throws -> Operations.SaveUpstreamLink.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let link = try await store.saveUpstreamLink(url: body.url, apiKey: body.apiKey, identity: try domain(body.identity), active: body.active,
                                                    by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(link))))
    }
}

extension Components.Schemas.UpstreamLink {
    init(_ link: UpstreamLink) {
        self.init(url: link.url, identity: .init(rawValue: link.identity.rawValue) ?? .masked, active: link.active, upCursor: link.upCursor,
                  downCursor: link.downCursor, sent: link.sent, refused: link.refused, pending: link.pending, lastSuccessAt: link.lastSuccessAt,
                  lastError: link.lastError, lastErrorAt: link.lastErrorAt, reconciledAt: link.reconciledAt)
    }
}

/// 知识库共建共享 over the API: the shared feed a source serves, the sources a center follows, files of entries.
extension APIService {
    func sharedKnowledge(_ input: Operations.SharedKnowledge.Input) async throws -> Operations.SharedKnowledge.Output {
        let page = try await store.sharedKnowledge(after: input.query.after ?? 0, limit: input.query.limit ?? 200, for: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(entries: try page.entries.map(Self.portable), cursor: page.cursor, more: page.more))))
    }

    func listKnowledgeSources(_ input: Operations.ListKnowledgeSources.Input) async throws -> Operations.ListKnowledgeSources.Output {
        .ok(.init(body: .json(try await store.knowledgeSources(for: try RequestIdentity.require()).map(Components.Schemas.KnowledgeSource.init))))
    }

    func createKnowledgeSource(_ input: Operations.CreateKnowledgeSource.Input) async throws -> Operations.CreateKnowledgeSource.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let source = try await store.saveKnowledgeSource(name: body.name, url: body.url, apiKey: body.apiKey, categories: body.categories ?? [],
                                                         active: body.active, by: try RequestIdentity.require())
        return .created(.init(body: .json(.init(source))))
    }

    func updateKnowledgeSource(_ input: Operations.UpdateKnowledgeSource.Input) async throws -> Operations.UpdateKnowledgeSource.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let source = try await store.saveKnowledgeSource(id: input.path.id, name: body.name, url: body.url, apiKey: body.apiKey,
                                                         categories: body.categories ?? [], active: body.active, by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(source))))
    }

    func exportKnowledge(_ input: Operations.ExportKnowledge.Input) async throws -> Operations.ExportKnowledge.Output {
        .ok(.init(body: .json(try await store.exportKnowledge(for: try RequestIdentity.require()).map(Self.portable))))
    }

    func importKnowledge(_ input: Operations.ImportKnowledge.Input) async throws -> Operations.ImportKnowledge.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let entries: [PortableKnowledge]
        do {
            entries = try Self.throughCore(body, as: [PortableKnowledge].self)
        } catch {
            throw HotlineError.invalid("entries", "知识条目格式不正确 (an entry is malformed)")
        }
        let result = try await store.importKnowledge(entries, by: try RequestIdentity.require())
        return .ok(.init(body: .json(.init(created: result.created, skipped: result.skipped))))
    }

    /// The wire form of an entry is the core's own Codable form.
    static func portable(_ entry: PortableKnowledge) throws -> Components.Schemas.PortableKnowledge {
        try throughCore(entry, as: Components.Schemas.PortableKnowledge.self)
    }
}

extension Components.Schemas.KnowledgeSource {
    init(_ source: KnowledgeSource) {
        self.init(id: source.id, name: source.name, url: source.url, categories: source.categories, cursor: source.cursor, active: source.active,
                  received: source.received, lastSuccessAt: source.lastSuccessAt, lastError: source.lastError, lastErrorAt: source.lastErrorAt)
    }
}

import Foundation
import HotlineCore
import HotlineHTTP
import HotlineStore

/// Analysis (数据分析): volumes, trends, hotspots, early warnings, the dashboard and reports. The store's values and
/// the contract's schemas have the same shape; each answer is carried across as JSON, so a field the contract lacks or
/// misnames fails the answer (and the tests) instead of vanishing.
extension APIService {
    /// `value` as the contract's `T`: encoded and decoded with ISO 8601 dates.
    static func contract<T: Decodable>(_ value: some Encodable, as type: T.Type = T.self) throws -> T {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: try encoder.encode(value))
        } catch {
            throw HotlineError(.internalError, "应答与接口契约不符 (the answer does not fit the contract: \(error))")
        }
    }

    func getVolumes(_ input: Operations.GetVolumes.Input) async throws -> Operations.GetVolumes.Output {
        guard let dimension = VolumeDimension(rawValue: input.query.dimension.rawValue) else { throw HotlineError.invalid("dimension", "未知统计维度") }
        let report = try await store.volumes(dimension, period: try AssessmentPeriod.parse(input.query.period), for: try RequestIdentity.require())
        return .ok(.init(body: .json(try Self.contract(report))))
    }

    func getTrend(_ input: Operations.GetTrend.Input) async throws -> Operations.GetTrend.Output {
        guard let from = CivilDate(input.query.from), let to = CivilDate(input.query.to) else {
            throw HotlineError.invalid("from", "日期须为 2026-11-01 的形式 (a day as 2026-11-01)")
        }
        let granularity = Granularity(rawValue: input.query.granularity?.rawValue ?? "day") ?? .day
        let points = try await store.trend(from: from, to: to, by: granularity, for: try RequestIdentity.require())
        return .ok(.init(body: .json(try Self.contract(points))))
    }

    func getHotspots(_ input: Operations.GetHotspots.Input) async throws -> Operations.GetHotspots.Output {
        let days = input.query.days ?? 30
        guard (1...365).contains(days) else { throw HotlineError.invalid("days", "天数须为1至365 (1 to 365)") }
        let now = clock.now()
        let found = try await store.hotspots(from: now.addingTimeInterval(-Double(days) * 86_400), to: now, limit: input.query.limit ?? 20,
                                             for: try RequestIdentity.require())
        return .ok(.init(body: .json(try Self.contract(found))))
    }

    func actOnHotspot(_ input: Operations.ActOnHotspot.Input) async throws -> Operations.ActOnHotspot.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let actor = try RequestIdentity.require()
        let hotspot = try await store.hotspot(containing: body.memberId, days: body.days ?? 30, for: actor)
        switch body.action {
        case .supervise:
            let changed = try await store.superviseTogether(ticketIds: hotspot.memberIds, note: body.note ?? "", by: actor)
            return .ok(.init(body: .json(.init(changed: changed, skipped: hotspot.memberIds.count - changed))))
        case .dispatch:
            guard let main = body.mainUnitId else { throw HotlineError.invalid("mainUnitId", "请选择主办单位 (choose the main unit)") }
            let done = try await store.dispatchTogether(ticketIds: hotspot.memberIds, mainUnitId: main, coUnitIds: body.coUnitIds ?? [],
                                                        note: body.note ?? "", by: actor)
            return .ok(.init(body: .json(.init(changed: done.dispatched, skipped: done.skipped))))
        }
    }

    func listWarnings(_ input: Operations.ListWarnings.Input) async throws -> Operations.ListWarnings.Output {
        let status = input.query.status.flatMap { EarlyWarning.Status(rawValue: $0.rawValue) }
        return .ok(.init(body: .json(try Self.contract(try await store.warnings(status: status, for: try RequestIdentity.require())))))
    }

    func acknowledgeWarning(_ input: Operations.AcknowledgeWarning.Input) async throws -> Operations.AcknowledgeWarning.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let warning = try await store.acknowledgeWarning(id: input.path.id, note: body.note, by: try RequestIdentity.require())
        return .ok(.init(body: .json(try Self.contract(warning))))
    }

    func getDashboard(_ input: Operations.GetDashboard.Input) async throws -> Operations.GetDashboard.Output {
        .ok(.init(body: .json(try Self.contract(try await store.dashboard(for: try RequestIdentity.require())))))
    }

    func listReports(_ input: Operations.ListReports.Input) async throws -> Operations.ListReports.Output {
        let kind = input.query.kind.flatMap { ReportKind(rawValue: $0.rawValue) }
        return .ok(.init(body: .json(try Self.contract(try await store.reports(kind: kind, for: try RequestIdentity.require())))))
    }

    func generateReport(_ input: Operations.GenerateReport.Input) async throws -> Operations.GenerateReport.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        guard let kind = ReportKind(rawValue: body.kind.rawValue) else { throw HotlineError.invalid("kind", "未知报告类型") }
        let report = try await store.generateReport(kind: kind, period: try AssessmentPeriod.parse(body.period), title: body.title, note: body.note,
                                                    by: try RequestIdentity.require())
        return .created(.init(body: .json(try Self.contract(report))))
    }

    func getReport(_ input: Operations.GetReport.Input) async throws -> Operations.GetReport.Output {
        .ok(.init(body: .json(try Self.contract(try await store.report(id: input.path.id, for: try RequestIdentity.require())))))
    }
}

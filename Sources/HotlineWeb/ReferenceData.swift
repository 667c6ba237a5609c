import Foundation
import HotlineCore
import HotlineStore
import Synchronization

/// Units and categories as pages show them, read once a minute rather than on every request.
final class ReferenceData: Sendable {
    struct Snapshot: Sendable {
        var units: [Int64: OrgUnit] = [:]
        /// `code → "城乡建设 / 市政设施 / 路灯"`.
        var categoryPaths: [String: String] = [:]
        var categories: [CategoryNode] = []
        var loadedAt = Date.distantPast
    }

    private let store: Store
    private let state = Mutex(Snapshot())
    private let maxAge: TimeInterval

    init(store: Store, maxAge: TimeInterval = 60) {
        self.store = store
        self.maxAge = maxAge
    }

    /// The current snapshot, reloaded when older than `maxAge`.
    func snapshot() async throws -> Snapshot {
        let current = state.withLock { $0 }
        if Date().timeIntervalSince(current.loadedAt) < maxAge { return current }
        return try await reload()
    }

    /// Reads units and categories again (after an admin changed them).
    @discardableResult
    func reload() async throws -> Snapshot {
        var fresh = Snapshot()
        for unit in try await store.units(visibleTo: .system) { fresh.units[unit.id] = unit }
        fresh.categories = try await store.categories()
        fresh.categoryPaths = CategoryNode.paths(fresh.categories)
        fresh.loadedAt = Date()
        let snapshot = fresh
        state.withLock { $0 = snapshot }
        return snapshot
    }
}

extension ReferenceData.Snapshot {
    /// The units of `centerId`'s tree that can take tickets (not the center itself), for pickers.
    func dispatchTargets(centerId: Int64?) -> [OrgUnit] {
        units.values.filter { $0.centerId == centerId && $0.kind != .center && $0.active }.sorted { $0.path.lexicographicallyPrecedes($1.path) }
    }

    /// A unit's name, or `#id` when unknown.
    func unitName(_ id: Int64?) -> String {
        guard let id else { return "" }
        return units[id]?.name ?? "#\(id)"
    }

    /// The children (all descendants) of `unitId`, for sub-dispatch.
    func descendants(of unitId: Int64) -> [OrgUnit] {
        units.values.filter { $0.path.contains(unitId) && $0.id != unitId && $0.active }.sorted { $0.path.lexicographicallyPrecedes($1.path) }
    }

    /// Leaf categories as `code — path`, for the category picker.
    var leafCategories: [CategoryChoiceModel] {
        let parents = Set(categories.compactMap(\.parentCode))
        return categories.filter { !parents.contains($0.code) }.map { CategoryChoiceModel(code: $0.code, path: categoryPaths[$0.code] ?? $0.name) }
    }
}

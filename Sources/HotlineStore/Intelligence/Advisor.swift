import Foundation
import HotlineCore
import Logging
import Synchronization

/// What the advisor suggests for a draft ticket, each suggestion with the reason it is made.
public struct Suggestions: Sendable {
    /// A suggested category and why.
    public struct CategoryChoice: Sendable {
        public var code: String
        /// `城乡建设 / 市政设施 / 路灯`.
        public var name: String
        public var probability: Double
        /// The words that made the model choose it.
        public var words: [String]
    }

    /// A suggested main unit, with every reason that points to it.
    public struct UnitChoice: Sendable {
        public var unitId: Int64
        public var name: String
        public var score: Double
        public var reasons: [String]
    }

    /// An open ticket that looks like the same matter (a candidate for merging).
    public struct SimilarTicket: Sendable {
        public var ticketId: Int64
        public var similarity: Double
        public var explanation: String
    }

    public var categories: [CategoryChoice] = []
    public var units: [UnitChoice] = []
    public var emergency: EmergencyAssessment?
    public var similar: [SimilarTicket] = []
    public var answers: [KnowledgeHit] = []
    /// Wall time spent, for the record (tens of milliseconds at most).
    public var elapsedMilliseconds: Double = 0
}

/// A center's gazetteer, and the place keys duplicate detection compares: the path of place ids from the district
/// down to the most specific place a text names (`/3/17/40/`), so that the same estate, or an estate and its
/// township, count as the same place.
struct PlaceResolver: Sendable {
    let gazetteer: Gazetteer
    let parents: [Int64: Int64]

    init(places: [Place]) {
        gazetteer = Gazetteer(places: places)
        var parents: [Int64: Int64] = [:]
        for place in places { parents[place.id] = place.parentID }
        self.parents = parents
    }

    /// The place key of the most specific place `text` names, or nil.
    func key(for text: String) -> String? {
        guard let place = gazetteer.mentions(in: text).compactMap(\.place).max(by: { $0.kind.specificity < $1.kind.specificity }) else {
            return nil
        }
        var path = [place.id]
        var seen: Set<Int64> = [place.id]
        var next = parents[place.id]
        while let id = next, seen.insert(id).inserted {
            path.insert(id, at: 0)
            next = parents[id]
        }
        return "/" + path.map { String($0) }.joined(separator: "/") + "/"
    }
}

/// Intake intelligence (智能受理): categories and units from the active classifiers, routing rules and the gazetteer,
/// emergencies, similar open tickets and knowledge-base answers, all from the ticket's text as it is typed.
/// Everything it holds in memory is rebuilt from the database and refreshed as it changes, on every node.
public final class Advisor: Sendable {
    /// An open ticket as the duplicate search keeps it.
    struct OpenTicket: Sendable {
        var centerId: Int64
        var createdAt: Date
        /// Title and content, cut at 2,000 characters.
        var text: String
        var address: String?
        /// Where the gazetteer places it (nil: nowhere it knows).
        var place: String?
    }

    struct State: Sendable {
        /// Each center's active classifiers.
        var models: [ModelSlot: TextClassifier] = [:]
        var modelIds: [ModelSlot: Int64] = [:]
        var places: [Int64: PlaceResolver] = [:]
        var rules: [Int64: [RoutingRule]] = [:]
        var placesSeq: Int64 = -1
        var duplicates = DuplicateIndex()
        /// Open tickets in the duplicate index.
        var open: [Int64: OpenTicket] = [:]
        var lastScan: Int64 = 0
        var units: [Int64: OrgUnit] = [:]
        var categoryPaths: [String: String] = [:]
        var categoriesLoadedAt = Date.distantPast
    }

    let store: Store
    public let knowledge: KnowledgeIndex
    private let state = Mutex(State())
    private let gate: RefreshGate
    let emergency = EmergencyDetector()
    /// How far back open tickets are compared for duplicates.
    let duplicateWindowDays = 90.0

    public init(store: Store, refreshInterval: TimeInterval = 5) {
        self.store = store
        self.knowledge = KnowledgeIndex(store: store, refreshInterval: min(refreshInterval, 2))
        self.gate = RefreshGate(interval: refreshInterval)
    }

    /// Suggestions for a draft of `centerId`'s ticket.
    public func suggest(title: String, content: String, address: String?, categoryCode: String?, centerId: Int64?, excluding: Int64? = nil)
        async throws -> Suggestions
    {
        let started = ContinuousClock.now
        try await refresh()
        let snapshot = state.withLock { $0 }
        let text = String((title + "\n" + content).prefix(4000))
        let input = TextClassifier.input(title: title, detail: content)
        var result = Suggestions()
        let unitsById = snapshot.units.filter { $0.value.centerId == centerId && $0.value.active && $0.value.kind != .center }

        if let centerId, let model = snapshot.models[ModelSlot(centerId: centerId, kind: .category)] {
            result.categories = model.predict(input).prefix(3).map { prediction in
                Suggestions.CategoryChoice(code: prediction.label, name: snapshot.categoryPaths[prediction.label] ?? prediction.label,
                                           probability: prediction.probability, words: Self.words(model, input, prediction.label, 4))
            }
        }
        var scores: [Int64: (score: Double, reasons: [String])] = [:]
        func add(_ unitId: Int64, _ score: Double, _ reason: String) {
            guard unitsById[unitId] != nil else { return }
            var entry = scores[unitId] ?? (0, [])
            entry.score += score
            entry.reasons.append(reason)
            scores[unitId] = entry
        }
        if let centerId, let model = snapshot.models[ModelSlot(centerId: centerId, kind: .unit)] {
            for prediction in model.predict(input).prefix(8) {
                guard let unitId = Int64(prediction.label), unitsById[unitId] != nil, prediction.probability >= 0.05 else { continue }
                let words = Self.words(model, input, prediction.label, 3).map { "「\($0)」" }.joined()
                add(unitId, prediction.probability, String(format: "历史工单学习（置信度%.2f）", prediction.probability) + (words.isEmpty ? "" : "：\(words)"))
            }
        }
        if let centerId, let rules = snapshot.rules[centerId] {
            let code = categoryCode ?? result.categories.first?.code
            if let code, let rule = rules.filter({ code.hasPrefix($0.categoryPrefix) }).max(by: { $0.categoryPrefix.count < $1.categoryPrefix.count }) {
                add(rule.unitId, 0.5, "分类\(code)按派单规则（\(rule.categoryPrefix)）")
            }
        }
        if let centerId, let route = snapshot.places[centerId]?.gazetteer.route(text + "\n" + (address ?? "")) {
            add(route.unitID, 0.4, route.explanation)
        }
        result.units = scores.map {
            Suggestions.UnitChoice(unitId: $0.key, name: unitsById[$0.key]?.name ?? "", score: $0.value.score, reasons: $0.value.reasons)
        }
            .sorted { $0.score > $1.score }.prefix(3).map { $0 }

        let assessment = emergency.assess(text)
        result.emergency = assessment.isEmergency ? assessment : nil

        let now = store.clock.now()
        let place = centerId.flatMap { snapshot.places[$0] }?.key(for: text + "\n" + (address ?? ""))
        result.similar = snapshot.duplicates.candidates(for: text, place: place, time: now, threshold: 0.07, limit: 20)
            .filter { snapshot.open[$0.id]?.centerId == centerId && $0.id != excluding }
            .prefix(5).map { Suggestions.SimilarTicket(ticketId: $0.id, similarity: $0.evidence.score, explanation: $0.evidence.explanation) }

        result.answers = try await knowledge.search(text, centerId: centerId, on: CivilDate(now), limit: 3)
        let elapsed = ContinuousClock.now - started
        result.elapsedMilliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        return result
    }

    /// The words that most drove `label`, words of two or more characters first (they read as reasons; single
    /// characters rarely do).
    static func words(_ model: TextClassifier, _ input: String, _ label: String, _ count: Int) -> [String] {
        let features = model.explain(input, label: label, limit: count * 3).map(\.feature)
        let words = features.filter { $0.count >= 2 }
        return Array((words.count >= count ? words : words + features.filter { $0.count < 2 }).prefix(count))
    }

    /// Follows the database: new or re-activated models, changed places and rules, tickets opened or closed. Before
    /// the first load has finished, every caller waits for it.
    public func refresh(force: Bool = false) async throws {
        try await gate.refresh(force: force) { try await update() }
    }

    /// Whether the advisor has read the models, places and open tickets once.
    public var isLoaded: Bool { gate.isLoaded }

    private func update() async throws {
        let now = Date()
        var next = state.withLock { $0 }
        next.units = Dictionary(uniqueKeysWithValues: try await store.units(visibleTo: .system).map { ($0.id, $0) })
        if now.timeIntervalSince(next.categoriesLoadedAt) > 60 {
            next.categoryPaths = CategoryNode.paths(try await store.categories())
            next.categoriesLoadedAt = now
        }

        let ids = try await store.activeModelIds()
        if ids != next.modelIds {
            next.models = next.models.filter { ids[$0.key] != nil && ids[$0.key] == next.modelIds[$0.key] }
            for (slot, id) in ids where next.modelIds[slot] != id {
                next.models[slot] = try await loadModel(slot)
            }
            next.modelIds = ids
        }
        let placesSeq = try await store.placesSeq()
        if placesSeq != next.placesSeq {
            next.places = [:]
            next.rules = [:]
            for center in try await store.units(visibleTo: .system) where center.kind == .center {
                next.places[center.id] = PlaceResolver(places: try await store.places(centerId: center.id))
                next.rules[center.id] = try await store.routingRules(centerId: center.id)
            }
            // Places already keyed by the old gazetteer are keyed again, so a new estate or road counts at once.
            if next.placesSeq >= 0 {
                for (id, ticket) in next.open {
                    let place = next.places[ticket.centerId]?.key(for: ticket.text + "\n" + (ticket.address ?? ""))
                    guard place != ticket.place else { continue }
                    next.open[id]?.place = place
                    next.duplicates.setPlace(id: id, place: place)
                }
            }
            next.placesSeq = placesSeq
        }
        let since = store.clock.now().addingTimeInterval(-duplicateWindowDays * 86400)
        let changes = try await store.duplicateFeed(lastScan: next.lastScan, since: since)
        for ticket in changes.opened where next.open[ticket.id] == nil {
            let text = String(ticket.text.prefix(2000))
            let place = next.places[ticket.centerId]?.key(for: text + "\n" + (ticket.address ?? ""))
            next.duplicates.add(id: ticket.id, text: ticket.text, place: place, time: ticket.createdAt)
            next.open[ticket.id] = OpenTicket(centerId: ticket.centerId, createdAt: ticket.createdAt, text: text, address: ticket.address, place: place)
        }
        for id in changes.closed where next.open[id] != nil {
            next.duplicates.remove(id: id)
            next.open[id] = nil
        }
        for (id, ticket) in next.open where ticket.createdAt < since {
            next.duplicates.remove(id: id)
            next.open[id] = nil
        }
        next.lastScan = changes.scannedAt
        let refreshed = next
        state.withLock { $0 = refreshed }
    }

    /// The active model of `slot`, or nil when it cannot be read: a damaged or incompatible model is logged and
    /// skipped (suggestions go on from rules and places) rather than breaking every page that asks for advice.
    private func loadModel(_ slot: ModelSlot) async throws -> TextClassifier? {
        guard let (activeId, data) = try await store.activeModel(slot.kind, centerId: slot.centerId) else { return nil }
        do {
            return try TextClassifier(serialized: data)
        } catch {
            store.database.logger.error("model \(activeId) (\(slot.kind.rawValue), center \(slot.centerId)) cannot be loaded: \(error)")
            return nil
        }
    }

    /// Groups of open tickets of `centerId` that look like the same matter (the newest `limit` are compared with
    /// all open ones), each pair with its explanation: what the center desk offers to merge.
    public func similarGroups(centerId: Int64, limit: Int = 200) async throws -> [(ids: [Int64], reasons: [String])] {
        try await refresh()
        let snapshot = state.withLock { $0 }
        let newest = snapshot.open.filter { $0.value.centerId == centerId }.sorted { $0.value.createdAt > $1.value.createdAt }.prefix(limit)
        var parent: [Int64: Int64] = [:]
        func root(_ id: Int64) -> Int64 {
            var id = id
            while let up = parent[id], up != id { id = up }
            return id
        }
        func join(_ a: Int64, _ b: Int64) {
            if parent[a] == nil { parent[a] = a }
            if parent[b] == nil { parent[b] = b }
            let (ra, rb) = (root(a), root(b))
            if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
        }
        var reasons: [Int64: [String]] = [:]
        for (id, ticket) in newest {
            for candidate in snapshot.duplicates.candidates(for: ticket.text, place: ticket.place, time: ticket.createdAt, threshold: 0.12,
                                                              limit: 5, excluding: id)
            where snapshot.open[candidate.id]?.centerId == centerId {
                join(id, candidate.id)
                let (a, b) = (min(id, candidate.id), max(id, candidate.id))
                reasons[a, default: []].append("#\(a)–#\(b)：\(candidate.evidence.explanation)")
            }
        }
        var groups: [Int64: [Int64]] = [:]
        for id in parent.keys { groups[root(id), default: []].append(id) }
        return groups.values.filter { $0.count > 1 }.map { ids in
            let sorted = ids.sorted()
            return (sorted, Array(Set(sorted.flatMap { reasons[$0] ?? [] })).sorted())
        }.sorted { $0.ids.last ?? 0 > $1.ids.last ?? 0 }
    }

    /// Whether `centerId` has a model of `kind` loaded (for pages that explain what is missing).
    public func hasModel(_ kind: ModelKind, centerId: Int64) -> Bool {
        state.withLock { $0.models[ModelSlot(centerId: centerId, kind: kind)] != nil }
    }
}

import Foundation

/// A group's ranking for a period (月度排名): units by score, ties sharing a rank, 红榜 and 黑榜, and the units
/// without tickets listed apart.
public struct GroupRanking: Sendable, Hashable, Codable {
    public struct Entry: Sendable, Hashable, Codable {
        public var unitId: Int64
        public var score: Double
        /// 1 for the best; equal scores share a rank and the next rank skips (1, 2, 2, 4).
        public var rank: Int
        /// Places gained since the previous period (positive is better); nil when not ranked then.
        public var change: Int?
    }

    public var groupName: String
    public var entries: [Entry]
    public var withoutTickets: [Int64]
    /// Units with tickets but nothing yet to score (every rate over none): not ranked either.
    public var unscored: [Int64]
    /// How many units the red and black lists name.
    public static let listSize = 5

    /// The group's mean score: the red list is drawn from above it, the black list from below, so that a unit
    /// scoring like most of its group is on neither however the ranks fall.
    public var mean: Double? {
        entries.isEmpty ? nil : entries.map(\.score).reduce(0, +) / Double(entries.count)
    }

    /// 红榜: the best `listSize` ranks among the units above the mean (all who share the last rank on it).
    public var redList: [Entry] {
        guard let mean else { return [] }
        return entries.filter { $0.score > mean && $0.rank <= Self.listSize }
    }

    /// 黑榜: the worst `listSize` places among the units below the mean (all who share the rank at the cut).
    public var blackList: [Entry] {
        guard let mean else { return [] }
        let below = entries.filter { $0.score < mean }
        guard let cut = below.suffix(Self.listSize).first?.rank else { return [] }
        return below.filter { $0.rank >= cut }
    }

    /// Ranks `results` of the group's units; `previous` are last period's ranks by unit.
    public init(groupName: String, results: [UnitResult], previous: [Int64: Int] = [:]) {
        self.groupName = groupName
        // Rounded to two places before comparing, so 89.999999 and 90.000001 tie as they look.
        let scored = results.compactMap { result in result.score.map { (result.unitId, ($0 * 100).rounded() / 100) } }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
        var entries: [Entry] = []
        for (index, (unitId, score)) in scored.enumerated() {
            let rank = index > 0 && entries[index - 1].score == score ? entries[index - 1].rank : index + 1
            entries.append(Entry(unitId: unitId, score: score, rank: rank, change: previous[unitId].map { $0 - rank }))
        }
        self.entries = entries
        withoutTickets = results.filter { !$0.hasTickets }.map(\.unitId).sorted()
        unscored = results.filter { $0.hasTickets && $0.score == nil }.map(\.unitId).sorted()
    }

    /// The rankings of the groups units are assessed in (考核分组): each unit in the group an administrator named, or
    /// else in the group of its kind (市直部门, 区县 …); named groups first, by name, then the kinds' in their order.
    /// Each has the change since `previous` (last period's results, ranked the same way).
    public static func byGroup(_ units: [UnitRef], results: [UnitResult], previous: [UnitResult]) -> [GroupRanking] {
        var members: [String: Set<Int64>] = [:]
        for unit in units { members[unit.group ?? unit.kind.label, default: []].insert(unit.id) }
        let kinds = UnitKind.allCases.map(\.label)
        let order = members.keys.filter { !kinds.contains($0) }.sorted() + kinds.filter { members[$0] != nil }
        let groups = order.map { (name: $0, members: members[$0] ?? []) }
        return groups.compactMap { group in
            guard !group.members.isEmpty else { return nil }
            let before = GroupRanking(groupName: group.name, results: previous.filter { group.members.contains($0.unitId) })
            return GroupRanking(groupName: group.name, results: results.filter { group.members.contains($0.unitId) },
                                previous: Dictionary(uniqueKeysWithValues: before.entries.map { ($0.unitId, $0.rank) }))
        }
    }
}

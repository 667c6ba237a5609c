import Foundation

/// One message or ticket as hotspot mining reads it.
public struct HotspotItem: Sendable, Hashable {
    public var id: Int64
    /// The number people know it by (a ticket number, a message id).
    public var reference: String
    public var title: String
    public var text: String
    /// A region code or name, when known.
    public var place: String?
    public var time: Date
    /// Who sent it (a user id or a phone's blind index); nil when unknown, counted as a requester of its own.
    public var requester: String?
    /// Citizens' engagement where the data has it (点赞数, 反对数).
    public var likes: Int
    public var dislikes: Int
    /// The text's MinHash signature when it was computed already (`HotspotFinder.signature`, stored with a ticket at
    /// intake); nil to compute it here.
    public var signature: [UInt32]?

    public init(id: Int64, reference: String, title: String, text: String, place: String?, time: Date, requester: String?,
                likes: Int = 0, dislikes: Int = 0, signature: [UInt32]? = nil) {
        self.signature = signature
        self.id = id
        self.reference = reference
        self.title = title
        self.text = text
        self.place = place
        self.time = time
        self.requester = requester
        self.likes = likes
        self.dislikes = dislikes
    }
}

/// A cluster of reports of one problem (热点问题), ranked by its heat index.
public struct Hotspot: Sendable, Hashable, Codable {
    public var rank: Int
    public var heat: Double
    public var from: Date
    public var to: Date
    /// The place most of its members name (a spot in the text such as 「景蓉华苑」, else the region).
    public var place: String?
    public var region: String?
    /// The member most like the others, by its title.
    public var description: String
    public var memberIds: [Int64]
    public var references: [String]
    public var requesters: Int
    public var engagement: Int

    public var count: Int { memberIds.count }
}

/// Finds hotspots: messages about the same problem — similar text (MinHash of character shingles, as duplicate
/// detection), the same place and a short time apart — joined into clusters and ranked by a heat index.
///
/// Heat index (热度指数), documented in docs/analysis.md:
///
///     H = 10 × (log₂(1 + N) + 0.5·log₂(1 + R) + 0.25·log₂(1 + E)) × F_recency × F_span
///
/// N tickets in the cluster, R distinct requesters (repeat calls of one person add to N, not R), E engagement (likes and
/// dislikes, where the data has them), F_recency = 2^(−age ÷ half-life) with the age in days from the newest member to
/// the day of the ranking, and F_span = 1 + 1 ÷ (1 + span ÷ 7 days): a problem reported many times in a few days is
/// hotter than the same number spread over months.
public struct HotspotFinder: Sendable {
    /// The duplicate score from which two messages are the same problem (lower than for a duplicate: related reports of
    /// one problem count, not only repeats of one message).
    public var threshold: Double
    /// The smallest cluster that is a hotspot.
    public var minimumSize: Int
    /// The half-life of recency, in days.
    public var halfLifeDays: Double
    /// Neighbours considered per message.
    public var neighbours: Int
    /// The text similarity from which a message is a copy of one already indexed (it is linked, not indexed).
    public var copySimilarity: Double
    public var scoring: DuplicateScoring

    public init(threshold: Double = 0.15, minimumSize: Int = 3, halfLifeDays: Double = 30, neighbours: Int = 20,
                scoring: DuplicateScoring = DuplicateScoring(staleDays: 60, staleFactor: 0.5)) {
        self.threshold = threshold
        self.minimumSize = max(2, minimumSize)
        self.halfLifeDays = halfLifeDays
        self.neighbours = neighbours
        copySimilarity = 0.6
        self.scoring = scoring
    }

    /// The signatures' parameters (the same for every listing, so stored signatures stay comparable).
    static let hasher = MinHasher()

    /// The text a message is compared by: its title and its body.
    static func text(title: String, text: String) -> String { title + "。" + text }

    /// The MinHash signature hotspots compare a message by, as stored with a ticket (`tickets.text_signature`): 128
    /// 32-bit minima, little-endian, base64.
    public static func encodedSignature(title: String, text: String) -> String {
        let values = hasher.signature(of: Self.text(title: title, text: text)).values
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        return Data(bytes).base64EncodedString()
    }

    /// A stored signature read back; nil when it is missing or not one.
    public static func decodedSignature(_ text: String?) -> [UInt32]? {
        guard let text, let data = Data(base64Encoded: text), data.count == hasher.permutations * 4 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)) }
        }
    }

    /// The heat index of a cluster (see the type's documentation).
    public func heat(tickets: Int, requesters: Int, engagement: Int, newest: Date, oldest: Date, now: Date) -> Double {
        let age = max(0, now.timeIntervalSince(newest) / 86_400)
        let span = max(0, newest.timeIntervalSince(oldest) / 86_400)
        let base = log2(1 + Double(tickets)) + 0.5 * log2(1 + Double(requesters)) + 0.25 * log2(1 + Double(max(0, engagement)))
        return 10 * base * pow(2, -age / halfLifeDays) * (1 + 1 / (1 + span / 7))
    }

    /// The hotspots among `items`, hottest first (ties by size, then by the oldest member's id); `regionName` names a
    /// region code for the description.
    public func find(_ items: [HotspotItem], now: Date, regionName: (String) -> String? = { $0 }) -> [Hotspot] {
        let ordered = items.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
        var index = DuplicateIndex(hasher: Self.hasher, scoring: scoring)
        var parent = Array(0..<ordered.count)
        var links = [Int](repeating: 0, count: ordered.count)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        let position = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.id, $0) })
        for (i, item) in ordered.enumerated() {
            // One signature per message, for the lookup and the index both: stored at intake, else computed now.
            let signature = item.signature.flatMap { $0.count == index.hasher.permutations ? $0 : nil }
                ?? index.hasher.signature(of: Self.text(title: item.title, text: item.text)).values
            let candidates = index.candidates(signature: signature, place: item.place, time: item.time, threshold: threshold, limit: neighbours)
            for candidate in candidates {
                guard let j = position[candidate.id] else { continue }
                links[i] += 1
                links[j] += 1
                let (a, b) = (root(i), root(j))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
            // A near copy of a message already indexed joins its cluster through it and is not indexed itself: a
            // campaign of copies would otherwise fill the index's buckets and make each later lookup slower.
            if !(candidates.first.map { $0.textSimilarity >= copySimilarity } ?? false) {
                index.add(id: item.id, signature: signature, place: item.place, time: item.time)
            }
        }
        var clusters: [Int: [Int]] = [:]
        for i in ordered.indices { clusters[root(i), default: []].append(i) }
        var found: [Hotspot] = clusters.values.filter { $0.count >= minimumSize }.map { members in
            let items = members.map { ordered[$0] }
            let requesters = Set(items.enumerated().map { $1.requester ?? "#\($1.id)" }).count
            let engagement = items.map { $0.likes + $0.dislikes }.reduce(0, +)
            let oldest = items.map(\.time).min()!
            let newest = items.map(\.time).max()!
            let central = members.max { (links[$0], -ordered[$0].id) < (links[$1], -ordered[$1].id) }.map { ordered[$0] }!
            let region = Self.mostCommon(items.compactMap(\.place)).map { regionName($0) ?? $0 }
            let spot = Self.mostCommon(items.flatMap { PlaceTerms.extract($0.title + "。" + $0.text) }, atLeast: 2)
            return Hotspot(rank: 0, heat: heat(tickets: items.count, requesters: requesters, engagement: engagement, newest: newest, oldest: oldest, now: now),
                           from: oldest, to: newest, place: spot ?? region, region: region,
                           description: Self.describe(central), memberIds: items.map(\.id), references: items.map(\.reference),
                           requesters: requesters, engagement: engagement)
        }
        found.sort { ($0.heat, $0.count, -($0.memberIds.first ?? 0)) > ($1.heat, $1.count, -($1.memberIds.first ?? 0)) }
        for i in found.indices { found[i].rank = i + 1 }
        return found
    }

    /// The most frequent value (ties by the value itself), when it occurs at least `atLeast` times.
    static func mostCommon(_ values: [String], atLeast: Int = 1) -> String? {
        var counts: [String: Int] = [:]
        for value in values { counts[value, default: 0] += 1 }
        return counts.filter { $0.value >= atLeast }.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
    }

    /// A short description: the title, or the text's first sentence, at most 40 characters.
    static func describe(_ item: HotspotItem) -> String {
        let source = item.title.trimmingCharacters(in: .whitespaces).isEmpty ? item.text : item.title
        let sentence = source.split(whereSeparator: { "。！？!?\n".contains($0) }).first.map(String.init) ?? source
        return sentence.count > 40 ? String(sentence.prefix(40)) + "…" : sentence
    }
}

/// Names of places inside a text (「景蓉华苑」「桂花坪街道」「人民路」): a run of Chinese characters, letters or digits that
/// ends with a word places end with, cut after a word that cannot be part of a name.
public enum PlaceTerms {
    static let suffixes = ["小区", "花园", "家园", "公寓", "大厦", "广场", "市场", "中学", "小学", "幼儿园", "学校", "学院", "大学", "医院", "公园",
                           "街道", "社区", "大道", "公路", "路", "街", "巷", "村", "镇", "乡", "苑", "车站", "工地", "公司", "厂"]
    static let breaks: Set<Character> = ["的", "在", "了", "是", "和", "与", "我", "们", "位", "于", "到", "从", "对", "把", "被", "请", "有", "个", "这",
                                         "那", "及", "向", "年", "月", "日", "号", "期", "买", "住", "家", "去", "来", "往", "经", "过"]
    /// Words a name never runs back over: what a citizen does (投诉、反映、咨询 …) and what stands before a place.
    static let stopWords: Set<String> = ["投诉", "反映", "咨询", "举报", "请求", "希望", "关于", "建议", "要求", "质疑", "解决", "反对", "拆除", "购买",
                                         "物业", "业主", "居民", "附近", "旁边", "门口", "对面", "周边", "位于", "所在", "政府", "加快", "推进"]
    static let tooGeneral: Set<String> = ["小区", "马路", "道路", "公路", "农村", "城市", "城乡", "学校", "医院", "公司", "本村", "该小区", "我们村", "全市"]

    /// The place names found, in order of appearance.
    public static func extract(_ text: String) -> [String] {
        let characters = Array(text)
        var found: [String] = []
        var index = 0
        while index < characters.count {
            guard let suffix = bySuffixStart[characters[index]]?.first(where: { matches($0.characters, characters, at: index) })?.text else {
                index += 1
                continue
            }
            var start = index
            while start > 0, index - start < 8, isNamePart(characters[start - 1]),
                  !(start >= 2 && stopWords.contains(String(characters[(start - 2)..<start]))) {
                start -= 1
            }
            // A name does not begin with a number (「2017年初购买」) nor repeat its own last word (「乡愁乡思乡」).
            while start < index, characters[start].isNumber { start += 1 }
            let stem = String(characters[start..<index])
            let name = stem + suffix
            if stem.count >= 2, !stem.contains(suffix), !tooGeneral.contains(name),
               !(found.last.map { name.hasSuffix($0) || $0.hasSuffix(name) } ?? false) {
                found.append(name)
            }
            index += suffix.count
        }
        return found
    }

    /// The suffixes by their first character, each with its characters, in the order of `suffixes`.
    static let bySuffixStart: [Character: [(text: String, characters: [Character])]] = Dictionary(
        grouping: suffixes.map { (text: $0, characters: Array($0)) }, by: { $0.characters[0] })

    static func matches(_ suffix: [Character], _ characters: [Character], at index: Int) -> Bool {
        guard index + suffix.count <= characters.count else { return false }
        for offset in suffix.indices where characters[index + offset] != suffix[offset] { return false }
        return true
    }

    static func isNamePart(_ character: Character) -> Bool {
        guard !breaks.contains(character) else { return false }
        return character.isLetter || character.isNumber
    }
}

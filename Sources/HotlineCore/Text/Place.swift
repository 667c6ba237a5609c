/// A named place that administrators maintain (地名库): a district, township, community, road or estate.
public struct Place: Hashable, Sendable {
    /// What kind of place, from the broadest to the most specific.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        /// 区/县.
        case district
        /// 街道/乡镇.
        case township
        /// 社区/村.
        case community
        /// 道路.
        case road
        /// 小区/楼盘/学校/市场 and other named sites.
        case estate

        /// Higher is more specific; the most specific mention decides the route.
        public var specificity: Int {
            switch self {
            case .district: return 1
            case .township: return 2
            case .road: return 3
            case .community: return 4
            case .estate: return 5
            }
        }
    }

    /// The place's id in the database.
    public var id: Int64
    /// The official name, e.g. 「滨江花园」.
    public var name: String
    /// Other names citizens use, e.g. 「滨江花园小区」「滨江小区」.
    public var aliases: [String]
    /// District, township, community, road or estate.
    public var kind: Kind
    /// The unit (承办单位) that handles matters here; nil means "ask the parent".
    public var unitID: Int64?
    /// The enclosing place, e.g. the estate's community.
    public var parentID: Int64?

    /// A place.
    public init(id: Int64, name: String, aliases: [String] = [], kind: Kind, unitID: Int64? = nil, parentID: Int64? = nil) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.unitID = unitID
        self.parentID = parentID
    }
}

/// A place name found in a text.
public struct PlaceMention: Hashable, Sendable {
    /// The places the name may mean, most plausible first (several only if still ambiguous).
    public var candidates: [Place]
    /// The name as written.
    public var text: String
    /// Offsets in Unicode scalars of the text.
    public var range: Range<Int>

    /// The single place meant, if unambiguous.
    public var place: Place? { candidates.count == 1 ? candidates[0] : nil }
}

/// Where a text should go, and why.
public struct PlaceRoute: Hashable, Sendable {
    /// The unit to handle it.
    public var unitID: Int64
    /// The place that owns that unit (the mention itself or an ancestor).
    public var unitPlace: Place
    /// The mention that decided.
    public var mention: PlaceMention
    /// The span quoted in the explanation (the mention, widened over adjacent enclosing names).
    public var quoted: String
    /// 「文中提到「东湖区滨江花园」→ 东湖区」.
    public var explanation: String
}

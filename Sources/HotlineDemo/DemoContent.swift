import Foundation

// The shapes of the demo city 临江市 (Linjiang), whose content is the data file `Resources/demo-city.json`.
// All places, organisations, people, numbers and incidents are fictional; phone numbers that appear are nationwide
// short numbers (12345, 12315, 12333, 110 …), never local ones. Category codes are leaf codes of DB44/T 2479—2024,
// restricted to the 15 codes used by the demo city.

/// A citizen request as a 12345 agent records it.
struct DemoMessage: Sendable, Hashable, Codable {
    /// Short title, at most 20 characters.
    let title: String
    /// What the caller said, 40–150 characters, with a place in 临江市.
    let text: String
    /// The unit that should handle it: a department, utility, district, township, community, the 12315 sub-center or 110.
    let unit: String
    /// Six-digit DB44/T 2479—2024 leaf code.
    let category: String
    /// One of consultation, help, complaint, report, suggestion, praise (the raw values of TicketType).
    let type: String
}

/// A knowledge-base (知识库) entry.
struct DemoKnowledge: Sendable, Hashable, Codable {
    /// The standard question, at most 40 characters.
    let question: String
    /// One to three ways citizens actually ask it.
    let variants: [String]
    /// The standard answer, 80–300 characters.
    let answer: String
    /// Six-digit DB44/T 2479—2024 leaf code.
    let category: String
    /// The unit that verifies the entry (the center itself for matters of bodies outside the demo city's unit list).
    let sourceUnit: String
    /// One to four tags.
    let tags: [String]
}

/// A gazetteer entry for routing by place.
struct DemoPlace: Sendable, Hashable, Codable {
    let name: String
    /// Other names callers use; unique across the gazetteer.
    let aliases: [String]
    /// district, township, community, road or estate (housing estates and landmarks).
    let kind: String
    /// The enclosing district or township; nil for districts.
    let parent: String?
}

/// A routing rule: the first rule whose prefix matches the category code, and whose keywords (if any) one occurs in the
/// title or text, gives the unit. Rules are ordered from specific to general.
struct DemoRoutingRule: Sendable, Hashable, Codable {
    let prefix: String
    /// Empty: any text.
    let keywords: [String]
    let unit: String
}

/// Two indices into `DemoContent.messages` that report the same problem at the same place.
struct DemoIndexPair: Sendable, Hashable, Codable {
    let first: Int
    let second: Int
}

/// The whole demo city as the data file holds it.
struct DemoCity: Sendable, Codable {
    let center: String
    let departments: [String]
    let districts: [String]
    let townships: [String]
    let communities: [String]
    let utilities: [String]
    let emergency: String
    let subCenter: String
    let categories: [String]
    /// 120 citizen requests; near-duplicates in `nearDuplicatePairs`, emergencies in `emergencyMessages` (indices).
    let messages: [DemoMessage]
    let nearDuplicatePairs: [DemoIndexPair]
    let emergencyMessages: [Int]
    let knowledge: [DemoKnowledge]
    let places: [DemoPlace]
    let routingRules: [DemoRoutingRule]
    /// Synonym groups; the first word is the term officials use, the others how citizens say it.
    let synonyms: [[String]]

    /// Reads `Resources/demo-city.json`.
    static func load() throws -> DemoCity {
        guard let url = Bundle.module.url(forResource: "demo-city", withExtension: "json", subdirectory: "Resources") else {
            throw DemoContentMissing()
        }
        return try JSONDecoder().decode(DemoCity.self, from: Data(contentsOf: url))
    }
}

/// The demo city's data file is not in the bundle.
struct DemoContentMissing: Error, CustomStringConvertible {
    var description: String { "Resources/demo-city.json is missing from the HotlineDemo bundle" }
}

/// The demo city's content, read once from its data file.
enum DemoContent {
    // The file ships inside the binary's bundle; a build without it is broken, so failing loudly is right.
    static let city: DemoCity = {
        do { return try DemoCity.load() } catch { fatalError("demo city: \(error)") }
    }()
    static var center: String { city.center }
    static var departments: [String] { city.departments }
    static var districts: [String] { city.districts }
    static var townships: [String] { city.townships }
    static var communities: [String] { city.communities }
    static var utilities: [String] { city.utilities }
    static var emergency: String { city.emergency }
    static var subCenter: String { city.subCenter }
    static var categories: [String] { city.categories }
    static var messages: [DemoMessage] { city.messages }
    static var nearDuplicatePairs: [DemoIndexPair] { city.nearDuplicatePairs }
    static var emergencyMessages: [Int] { city.emergencyMessages }
    static var knowledge: [DemoKnowledge] { city.knowledge }
    static var places: [DemoPlace] { city.places }
    static var routingRules: [DemoRoutingRule] { city.routingRules }
    static var synonyms: [[String]] { city.synonyms }
}

/// Finds place names in free text and routes the text to the unit responsible for the most specific
/// place (地名→承办单位). Names and aliases go into one character trie, so thousands of names cost one
/// pass over the text; the longest name wins (「滨江花园小区」 over 「滨江花园」). A name shared by
/// several places (two 「人民路」) is resolved by another place mentioned in the same text that
/// encloses one of them; otherwise the mention stays ambiguous and does not route.
public struct Gazetteer: Sendable {
    /// The places, as given.
    public let places: [Place]
    private let matcher: PhraseMatcher
    private let placeOfPhrase: [Int]
    private let indexOfID: [Int64: Int]

    /// A gazetteer over `places`; names and aliases shorter than two characters are ignored.
    public init(places: [Place]) {
        self.places = places
        var matcher = PhraseMatcher(phrases: [])
        var placeOfPhrase: [Int] = []
        for (index, place) in places.enumerated() {
            for name in Set([place.name] + place.aliases) where name.unicodeScalars.count >= 2 {
                matcher.insert(name)
                placeOfPhrase.append(index)
            }
        }
        self.matcher = matcher
        self.placeOfPhrase = placeOfPhrase
        var indexOfID: [Int64: Int] = [:]
        for (index, place) in places.enumerated() { indexOfID[place.id] = index }
        self.indexOfID = indexOfID
    }

    /// Every place mention, left to right, non-overlapping, longest first.
    public func mentions(in text: String) -> [PlaceMention] {
        let matches = matcher.longestMatches(in: text)
        let raw = matches.map { match -> [Int] in
            var seen = Set<Int>()
            return match.phrases.map { placeOfPhrase[$0] }.filter { seen.insert($0).inserted }
        }
        let certain = Set(raw.filter { $0.count == 1 }.map { places[$0[0]].id })
        return zip(matches, raw).map { match, candidates in
            var chosen = candidates
            if candidates.count > 1 {
                let confirmed = candidates.filter { !ancestors(of: places[$0]).isDisjoint(with: certain) }
                if !confirmed.isEmpty { chosen = confirmed }
            }
            return PlaceMention(candidates: chosen.map { places[$0] }, text: text.substring(scalarOffsets: match.range), range: match.range)
        }
    }

    /// The unit for the most specific unambiguous mention that leads to a unit, with an explanation.
    public func route(_ text: String) -> PlaceRoute? {
        let found = mentions(in: text)
        let ranked = found.enumerated().compactMap { position, mention -> (Int, PlaceMention, Place)? in
            guard let place = mention.place else { return nil }
            return (position, mention, place)
        }
        .sorted { $0.2.kind.specificity > $1.2.kind.specificity || ($0.2.kind.specificity == $1.2.kind.specificity && $0.0 < $1.0) }
        for (position, mention, place) in ranked {
            guard let owner = unitOwner(of: place), let unitID = owner.unitID else { continue }
            // Widen the quote over directly preceding names of enclosing places (东湖区 + 滨江花园).
            var start = mention.range.lowerBound
            var previous = position - 1
            let enclosing = ancestors(of: place)
            while previous >= 0, let before = found[previous].place, enclosing.contains(before.id),
                start - found[previous].range.upperBound <= 1
            {
                start = found[previous].range.lowerBound
                previous -= 1
            }
            let quoted = text.substring(scalarOffsets: start..<mention.range.upperBound)
            return PlaceRoute(
                unitID: unitID, unitPlace: owner, mention: mention, quoted: quoted, explanation: "文中提到「\(quoted)」→ \(owner.name)")
        }
        return nil
    }

    /// The place itself or its nearest ancestor with a unit.
    public func unitOwner(of place: Place) -> Place? {
        var current: Place? = place
        var steps = 0
        while let candidate = current, steps < 32 {
            if candidate.unitID != nil { return candidate }
            current = candidate.parentID.flatMap { indexOfID[$0] }.map { places[$0] }
            steps += 1
        }
        return nil
    }

    /// Ids of all enclosing places (a cycle in the data is cut).
    public func ancestors(of place: Place) -> Set<Int64> {
        var result = Set<Int64>()
        var current = place.parentID
        while let id = current, result.insert(id).inserted, let index = indexOfID[id] {
            current = places[index].parentID
        }
        return result
    }
}

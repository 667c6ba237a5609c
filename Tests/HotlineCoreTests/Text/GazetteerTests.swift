import Testing

@testable import HotlineCore

@Suite("Gazetteer")
struct GazetteerTests {
    static let places = [
        Place(id: 1, name: "东湖区", kind: .district, unitID: 100),
        Place(id: 2, name: "西湖区", kind: .district, unitID: 200),
        Place(id: 3, name: "滨江花园", aliases: ["滨江花园小区"], kind: .estate, parentID: 1),
        Place(id: 4, name: "人民路", kind: .road, parentID: 1),
        Place(id: 5, name: "人民路", kind: .road, parentID: 2),
        Place(id: 6, name: "东湖街道", kind: .township, unitID: 110, parentID: 1),
    ]
    static let gazetteer = Gazetteer(places: places)

    @Test("the longest name wins and offsets point into the text")
    func longestMatch() {
        let text = "我住在滨江花园小区"
        let mentions = Self.gazetteer.mentions(in: text)
        #expect(mentions.count == 1)
        #expect(mentions[0].place?.id == 3)
        #expect(text.substring(scalarOffsets: mentions[0].range) == "滨江花园小区")
        #expect(Self.gazetteer.mentions(in: "东湖街道办事处").map { $0.place?.id } == [6])
    }

    @Test("a routed text names the mention and the unit's place")
    func route() {
        let route = Self.gazetteer.route("东湖区滨江花园门口烧烤扰民")
        #expect(route?.unitID == 100)
        #expect(route?.explanation == "文中提到「东湖区滨江花园」→ 东湖区")
    }

    @Test("an ambiguous name is resolved by an enclosing place in the same text")
    func ambiguity() {
        #expect(Self.gazetteer.mentions(in: "人民路路灯不亮")[0].candidates.count == 2)
        #expect(Self.gazetteer.route("人民路路灯不亮") == nil)
        let mention = Self.gazetteer.mentions(in: "西湖区人民路路灯不亮")[1]
        #expect(mention.place?.id == 5)
        #expect(Self.gazetteer.route("西湖区人民路路灯不亮")?.unitID == 200)
    }

    @Test("no mention, no route")
    func nothing() {
        #expect(Self.gazetteer.mentions(in: "咨询社保缴费").isEmpty)
        #expect(Self.gazetteer.route("咨询社保缴费") == nil)
    }

    @Test("thousands of names stay fast to match and exact")
    func manyNames() {
        let many = (0..<5000).map { Place(id: Int64($0), name: "幸福\($0)号小区", kind: .estate, unitID: Int64($0)) }
        let gazetteer = Gazetteer(places: many)
        #expect(gazetteer.mentions(in: "投诉幸福4321号小区和幸福12号小区").compactMap { $0.place?.id } == [4321, 12])
    }
}

import Foundation
import Testing

@testable import HotlineCore

@Suite("Near-duplicate detector")
struct DuplicateTests {
    static let original = "东湖区滨江花园小区门口烧烤摊每天晚上营业到凌晨两点，油烟和噪音严重扰民，希望城管尽快处理。"
    static let paraphrase = "滨江花园小区门口的烧烤摊天天营业到凌晨，噪音和油烟太大，严重扰民，请城管处理。"
    static let unrelated = "请问灵活就业人员怎么缴纳养老保险，需要带什么材料去社保局办理？"
    static let day = 86_400.0

    static func index() -> DuplicateIndex {
        var index = DuplicateIndex()
        index.add(id: 1, text: original, place: "420102", time: Date(timeIntervalSince1970: 0))
        index.add(id: 2, text: unrelated, place: "420102", time: Date(timeIntervalSince1970: 0))
        return index
    }

    @Test("a paraphrase of the same complaint is found, an unrelated message is not")
    func paraphrase() {
        let found = Self.index().candidates(for: Self.paraphrase, place: "420102001", time: Date(timeIntervalSince1970: 3 * Self.day))
        #expect(found.map(\.id) == [1])
        #expect(found[0].evidence.samePlace == true)
        #expect(found[0].evidence.explanation.contains("同一地点"))
        #expect(found[0].evidence.explanation.contains("3天内"))
    }

    @Test("the same text about a different place scores lower")
    func differentPlace() {
        let index = Self.index()
        let same = index.candidates(for: Self.original, place: "420102", threshold: 0).first { $0.id == 1 }!
        let other = index.candidates(for: Self.original, place: "420106", threshold: 0).first { $0.id == 1 }!
        #expect(same.textSimilarity == 1)
        #expect(other.evidence.score < same.evidence.score)
        #expect(other.evidence.explanation.contains("地点不同"))
    }

    @Test("removed and re-added submissions follow the database")
    func removal() {
        var index = Self.index()
        index.remove(id: 1)
        #expect(index.candidates(for: Self.original).isEmpty)
        index.add(id: 1, text: Self.original)
        #expect(index.candidates(for: Self.original).map(\.id) == [1])
        #expect(index.candidates(for: Self.original, excluding: 1).isEmpty)
        #expect(index.count == 2)
    }

    @Test("MinHash estimates match set overlap and are stable")
    func minHash() {
        let hasher = MinHasher()
        let a = hasher.signature(of: Self.original).values
        #expect(MinHasher.similarity(a, a) == 1)
        #expect(MinHasher.similarity(a, hasher.signature(of: Self.unrelated).values) < 0.1)
        #expect(a == MinHasher().signature(of: Self.original).values)
    }

    @Test("region codes compare by prefix")
    func places() {
        #expect(DuplicateScoring.samePlace("420102", "420102001") == true)
        #expect(DuplicateScoring.samePlace("420102", "420106") == false)
        #expect(DuplicateScoring.samePlace(nil, "420106") == nil)
    }
}

import Testing

@testable import HotlineCore

@Suite("Synonym table")
struct SynonymTableTests {
    static let table = SynonymTable(groups: [["公积金", "住房公积金"], ["医保", "医疗保险", "医疗保障"]])

    @Test("finds table terms in a query with their alternatives")
    func expansions() {
        let found = Self.table.expansions(in: "医保报销")
        #expect(found.count == 1)
        #expect(found[0].matched == "医保")
        #expect(found[0].alternatives == ["医疗保险", "医疗保障"])
        #expect(Self.table.synonyms(of: "住房公积金") == ["公积金"])
    }

    @Test("expanded bigrams weigh less than typed ones")
    func weights() {
        let terms = Self.table.weightedTerms(for: "医保报销")
        let typed = terms.first { $0.term.description == "医保" }!
        let expanded = terms.first { $0.term.description == "医疗" }!
        #expect(typed.weight == 1 && !typed.isExpansion)
        #expect(expanded.isExpansion && expanded.weight < typed.weight)
    }

    @Test("the longest table term wins")
    func longest() {
        #expect(Self.table.expansions(in: "住房公积金提取")[0].matched == "住房公积金")
    }
}

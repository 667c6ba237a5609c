import Testing

@testable import HotlineCore

@Suite("Search index")
struct SearchIndexTests {
    static let entries = [
        SearchDocument(id: 1, title: "如何提取住房公积金", variants: ["公积金怎么取"], body: "携带身份证到公积金管理中心办理提取。", tags: ["公积金"]),
        SearchDocument(id: 2, title: "医疗保险报销比例", body: "职工医疗保险住院报销比例为百分之八十。", tags: ["医保"]),
        SearchDocument(id: 3, title: "小区噪音扰民投诉", body: "夜间施工噪音可向城市管理部门投诉。"),
        SearchDocument(id: 4, title: "路灯不亮找谁", body: "路灯维修由城市管理局负责，提取信息后派单。"),
        SearchDocument(id: 5, title: "自来水停水通知", body: "停水期间请储水。"),
    ]

    @Test("a title match outranks a body-only match")
    func titleBoost() {
        let index = SearchIndex(documents: Self.entries)
        let hits = index.search("公积金提取")
        #expect(hits.first?.id == 1)
        #expect(hits.first?.matchedTerms.contains(Term(gram: 0x516C, 0x79EF)) == true)  // 公积
    }

    @Test("a synonym finds an entry written with the other term")
    func synonyms() {
        let plain = SearchIndex(documents: Self.entries)
        let expanded = SearchIndex(documents: Self.entries, synonyms: SynonymTable(groups: [["医保", "医疗保险"]]))
        #expect(!plain.search("医保报销").contains { $0.id == 2 && $0.matchedTerms.contains(Term(gram: 0x533B, 0x7597)) })
        #expect(expanded.search("医保报销").first?.id == 2)
    }

    @Test("a one-character query uses unigrams")
    func singleCharacter() {
        let index = SearchIndex(documents: Self.entries)
        #expect(index.search("水").map(\.id) == [5])
    }

    @Test("filters restrict the results")
    func filters() {
        let index = SearchIndex(documents: Self.entries)
        #expect(index.search("城市管理", filter: .allowedIDs([4])).map(\.id) == [4])
        #expect(!index.search("城市管理", filter: .predicate { $0 != 3 }).contains { $0.id == 3 })
    }

    @Test("updates are idempotent and ordered by version")
    func versions() {
        var index = SearchIndex(documents: Self.entries)
        var edited = Self.entries[4]
        edited.version = 2
        edited.title = "自来水水压低"
        edited.body = "水压低请联系供水公司。"
        let first = index.upsert(edited)
        let replayed = index.upsert(edited)
        let stale = index.upsert(Self.entries[4])
        #expect(first && !replayed && !stale)
        #expect(index.version(of: 5) == 2)
        #expect(index.search("停水").isEmpty)
        #expect(index.search("水压").first?.id == 5)
        let staleDelete = index.remove(id: 5, version: 1)
        let delete = index.remove(id: 5, version: 2)
        #expect(!staleDelete && delete)
        #expect(index.search("水压").isEmpty)
        let resurrect = index.upsert(edited)
        edited.version = 3
        let newer = index.upsert(edited)
        #expect(!resurrect && newer)
        #expect(index.count == 5)
    }

    @Test("compaction keeps every live result")
    func compaction() {
        var index = SearchIndex(documents: Self.entries)
        let before = index.search("城市管理 噪音").map(\.id)
        index.remove(id: 1, version: 1)
        index.compact()
        #expect(index.search("城市管理 噪音").map(\.id) == before.filter { $0 != 1 })
        #expect(index.statistics.slots == 4)
    }

    @Test("ties are broken by id so results are deterministic")
    func determinism() {
        let twins = [SearchDocument(id: 9, title: "办证"), SearchDocument(id: 8, title: "办证")]
        #expect(SearchIndex(documents: twins).search("办证").map(\.id) == [8, 9])
    }
}

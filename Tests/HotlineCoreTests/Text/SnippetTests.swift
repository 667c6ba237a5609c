import Testing

@testable import HotlineCore

@Suite("Snippet highlighter")
struct SnippetTests {
    @Test("short text is returned whole with matches marked")
    func shortText() {
        let snippet = SnippetBuilder().snippet(of: "夜间施工噪音扰民", query: "施工噪音")
        #expect(snippet.segments.map(\.highlighted) == [false, true, false])
        #expect(snippet.segments[1].text == "施工噪音")
        #expect(snippet.rendered(open: "<mark>", close: "</mark>") == "夜间<mark>施工噪音</mark>扰民")
    }

    @Test("long text is cut to a window around the densest matches")
    func window() {
        let filler = String(repeating: "这里是与问题无关的背景介绍。", count: 10)
        let text = filler + "小区门口夜间施工，噪音很大，施工单位不理。" + filler
        let snippet = SnippetBuilder(windowLength: 40).snippet(of: text, query: "施工噪音")
        #expect(snippet.startsMidText && snippet.endsMidText)
        #expect(snippet.range.count <= 40)
        #expect(snippet.segments.filter(\.highlighted).map(\.text) == ["施工", "噪音", "施工"])
    }

    @Test("the caller's escaping applies to every run")
    func escaping() {
        let snippet = SnippetBuilder().snippet(of: "<b>噪音</b>", query: "噪音")
        let html = snippet.rendered(open: "<mark>", close: "</mark>") { $0.replacingOccurrences(of: "<", with: "&lt;") }
        #expect(html == "&lt;b><mark>噪音</mark>&lt;/b>")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

import Testing

@testable import HotlineCore

@Suite("Normalizer and tokenizer")
struct TokenizerTests {
    @Test("full-width ASCII, case and Chinese punctuation fold one scalar to one")
    func normalization() {
        let text = "ＡＢＣ１２３，办理。“公积金”　WiFi"
        let normalized = TextNormalizer().normalize(text)
        #expect(normalized == "abc123,办理.\"公积金\" wifi")
        #expect(normalized.unicodeScalars.count == text.unicodeScalars.count)
    }

    @Test("Chinese runs give unigrams and bigrams, ASCII runs give whole words")
    func tokens() throws {
        let tokens = Tokenizer().tokens(in: "拨打12345问WiFi")
        let texts = tokens.map(\.term.description)
        try #require(texts == ["拨", "拨打", "打", "12345", "问", "wifi"])
        #expect(tokens[1].range == 0..<2)
        #expect(tokens[3].range == 2..<7)
        #expect(tokens[5].range == 8..<12)
    }

    @Test("n-grams never cross punctuation or a switch to ASCII")
    func boundaries() {
        let texts = Tokenizer(unigrams: .none).terms(in: "5G信号，差").map(\.description)
        #expect(texts == ["5g", "信号"])
    }

    @Test("isolated unigram policy keeps only one-character runs")
    func isolatedUnigrams() {
        let texts = Tokenizer(unigrams: .isolated).terms(in: "水 电费").map(\.description)
        #expect(texts == ["水", "电费"])
    }

    @Test("trigrams on request")
    func trigrams() {
        let texts = Tokenizer(unigrams: .none, bigrams: false, trigrams: true, words: false).terms(in: "住房公积金").map(\.description)
        #expect(texts == ["住房公", "房公积", "公积金"])
    }

    @Test("terms decode to their text and are stable values", arguments: ["医", "医保", "医疗保", "12345", "wifi", "5g", "abcdefghij"])
    func termRoundTrip(text: String) {
        let term = Tokenizer(unigrams: .all, bigrams: false, trigrams: false).terms(in: text).first
        let gram: Term = text.unicodeScalars.count <= 3 && !text.unicodeScalars.contains { $0.isASCII }
            ? Term(rawValue: Tokenizer(unigrams: .none, bigrams: text.unicodeScalars.count == 2, trigrams: text.unicodeScalars.count == 3).terms(in: text).first?.rawValue ?? term!.rawValue)
            : Term(word: text)
        #expect(gram.description == text)
    }

    @Test("long words are hashed, not truncated")
    func longWord() {
        let a = Term(word: "abcdefghijklmnop")
        let b = Term(word: "abcdefghijklmnoq")
        #expect(a != b)
        #expect(a.description.hasPrefix("#"))
    }

    @Test("scalar offsets map back to the original string")
    func offsets() {
        let text = "请问ＷｉＦｉ怎么办"
        let token = Tokenizer().tokens(in: text).first { $0.term == Term(word: "wifi") }!
        #expect(text.substring(scalarOffsets: token.range) == "ＷｉＦｉ")
    }
}

import Foundation
import Testing

@testable import HotlineWeb

@Suite("Page texts")
struct StringsTests {
    /// Every `{{t.key}}` the templates use.
    static func templateKeys() throws -> Set<String> {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/HotlineWeb/Templates")
        var keys = Set<String>()
        let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            var rest = text[...]
            while let range = rest.range(of: "t.") {
                let before = rest[..<range.lowerBound].last
                let name = rest[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                if before == "{" || before == "#" || before == "^" || before == "/", !name.isEmpty { keys.insert(String(name)) }
                rest = rest[range.upperBound...]
            }
        }
        return keys
    }

    @Test("every text a template uses exists in Chinese and in English, and differs between them where it should")
    func complete() throws {
        let keys = try Self.templateKeys()
        #expect(keys.count > 100)
        let missing = keys.filter { Strings.chineseTable[$0] == nil || Strings.englishTable[$0] == nil }
        #expect(missing.isEmpty, "missing: \(missing.sorted())")
        let untranslated = Strings.all.filter { $0.value.0 == $0.value.1 && $0.key != "switchLang" }.keys.filter { !["size"].contains($0) }
        #expect(untranslated.allSatisfy { Strings.chineseTable[$0]!.allSatisfy { $0.isASCII } }, "\(untranslated.sorted())")
    }
}

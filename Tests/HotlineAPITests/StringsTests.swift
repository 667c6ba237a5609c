import Foundation
import HotlineCore
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

@Suite("One label source")
struct LabelSourceTests {
    /// Every vocabulary with labels: each case has a Chinese and an English label, distinct within the vocabulary.
    static func check<T: Labelled>(_ type: T.Type) {
        let cases = Array(T.allCases)
        #expect(cases.allSatisfy { !$0.label.isEmpty && !$0.englishLabel.isEmpty }, "\(T.self)")
        #expect(Set(cases.map(\.label)).count == cases.count, "\(T.self): two cases share a Chinese label")
        #expect(Set(cases.map(\.englishLabel)).count == cases.count, "\(T.self): two cases share an English label")
    }

    @Test("every vocabulary labels each case once, in both languages")
    func vocabularies() {
        Self.check(Channel.self); Self.check(TicketType.self); Self.check(Urgency.self); Self.check(TicketStatus.self)
        Self.check(Role.self); Self.check(UnitKind.self); Self.check(RejectReason.self); Self.check(Satisfaction.self)
        Self.check(SupervisionLevel.self); Self.check(SupervisionMethod.self); Self.check(ActionCode.self)
        Self.check(DeadlineUnit.self); Self.check(DueState.self); Self.check(CalendarDayKind.self); Self.check(WorkQueue.self)
        Self.check(Permission.self)
    }

    @Test("pages name actions and queues with the core's labels, never their own")
    func pagesReadTheCore() {
        for code in ActionCode.allCases {
            #expect(Strings.text("act_" + code.rawValue, english: false) == code.label)
            #expect(Strings.text("act_" + code.rawValue, english: true) == code.englishLabel)
        }
        for queue in WorkQueue.allCases {
            #expect(Strings.text("tab_" + queue.rawValue, english: false) == queue.label)
        }
        #expect(Strings.written.keys.allSatisfy { !Strings.vocabulary.keys.contains($0) })
        #expect(ActionCode.close.label == "办结")
    }
}

@Suite("Menus read the permission table")
struct MenuTests {
    @Test("each role sees what it may use, its main work first, and lands where its day starts")
    func menus() {
        let homes: [Role: String] = [.agent: "/console", .centerSupervisor: "/desk", .unitHandler: "/workbench", .unitAdmin: "/workbench",
                                     .admin: "/admin/units", .auditor: "/tickets", .kbEditor: "/kb", .leader: "/dashboard"]
        for role in Role.allCases {
            let menu = Chrome.menu(for: role)
            #expect(menu.allSatisfy { role.may($0.permission) }, "\(role)")
            #expect(Chrome.home(for: role) == homes[role] ?? "/portal", "\(role)")
            #expect(Set(menu.map(\.href)).count == menu.count)
        }
        #expect(Chrome.menu(for: .integrationClient).isEmpty)
        #expect(Chrome.menu(for: .admin).contains { $0.href == "/audit" } && !Chrome.menu(for: .agent).contains { $0.href == "/admin/units" })
    }
}

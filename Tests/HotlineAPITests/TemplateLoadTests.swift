import Foundation
import HotlineServer
import HotlineTestSupport
import Mustache
import Testing

@testable import HotlineWeb

@Suite("Templates checked at start")
struct TemplateLoadTests {
    /// The templates in the source tree.
    static let sourceFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/HotlineWeb/Templates")

    /// A copy of the bundled templates in a fresh temporary folder, changed by `change`, removed after `body`.
    static func withCopy(_ change: (URL) throws -> Void, _ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-templates-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Pages.bundledTemplates, to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        try change(folder)
        try await body(folder)
    }

    @Test("the bundled templates load: one file for each Template, each parsed, and no file without a Template")
    func bundled() throws {
        let pages = try Pages.load()
        for template in Template.allCases {
            #expect(pages.library.getTemplate(named: template.rawValue) != nil, "\(template.rawValue)")
        }
        var files = Set<String>()
        let enumerator = FileManager.default.enumerator(at: Self.sourceFolder, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "mustache" else { continue }
            files.insert(String(url.path.dropFirst(Self.sourceFolder.path.count + 1).dropLast(".mustache".count)))
        }
        #expect(files == Set(Template.allCases.map(\.rawValue)))
    }

    @Test("a missing template stops loading, and the error names it")
    func missing() async throws {
        try await Self.withCopy({ try FileManager.default.removeItem(at: $0.appendingPathComponent("admin/units.mustache")) }) { folder in
            let error = try #require(throws: TemplateLoadError.self) { try Pages.load(from: folder) }
            guard case .missing("admin/units") = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("admin/units"))
        }
    }

    @Test("a template that does not parse stops loading, and the error names it")
    func broken() async throws {
        try await Self.withCopy({ folder in
            try "<p>{{#tickets}}{{number}}</p>".write(to: folder.appendingPathComponent("kb/entry.mustache"), atomically: true, encoding: .utf8)
        }) { folder in
            let error = try #require(throws: TemplateLoadError.self) { try Pages.load(from: folder) }
            guard case .broken("kb/entry", _) = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("kb/entry"))
        }
    }

    @Test("a template file that no Template names stops loading")
    func unknown() async throws {
        try await Self.withCopy({ try "<p>{{t.appName}}</p>".write(to: $0.appendingPathComponent("portal/extra.mustache"), atomically: true, encoding: .utf8) }) { folder in
            let error = try #require(throws: TemplateLoadError.self) { try Pages.load(from: folder) }
            #expect(error.template == "portal/extra")
        }
    }

    @Test("the application is not built when a template is missing")
    func applicationRefusesToStart() async throws {
        try await Self.withCopy({ try FileManager.default.removeItem(at: $0.appendingPathComponent("ticket.mustache")) }) { folder in
            await #expect {
                try await withAPI(.sqlite, configure: { $0.web.templatesFolder = folder }) { _ in
                    Issue.record("the application was built without ticket.mustache")
                }
            } throws: { error in
                (error as? TemplateLoadError)?.template == "ticket"
            }
        }
    }
}

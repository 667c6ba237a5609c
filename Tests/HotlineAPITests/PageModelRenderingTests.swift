import Foundation
import Mustache
import Testing

@testable import HotlineWeb

@Suite("Typed page models render like the dictionaries did")
struct PageModelRenderingTests {
    /// A model with a value of each kind the pages use, empty or not.
    struct Sample: TemplateModel {
        var text = "x"
        var empty = ""
        var missing: String?
        var present: String? = "y"
        var emptyOptional: String? = ""
        var yes = true
        var no = false
        var none: [Row] = []
        var rows: [Row] = [Row(name: "a", note: ""), Row(name: "b", note: "n")]
        var zero = 0
    }

    /// A row inside the sample; it has no `text`, so `{{text}}` inside a row is the sample's.
    struct Row: TemplateModel {
        let name: String
        let note: String
        var badge: String?
    }

    /// A page with a form, as the portal's.
    struct FormPage: PageModel {
        let chrome: ChromeModel
        let form: FormEcho
        let types: [OptionModel]
    }

    func render(_ template: String, _ model: some TemplateModel) throws -> String {
        try MustacheTemplate(string: template).render(model)
    }

    @Test("empty text, nil and an empty array are false in a section and render nothing; text, true and rows are shown")
    func falseValues() throws {
        let model = Sample()
        for name in ["empty", "missing", "emptyOptional", "no", "none"] {
            #expect(try render("[{{#\(name)}}shown{{/\(name)}}]", model) == "[]", "\(name) is false")
            #expect(try render("[{{^\(name)}}shown{{/\(name)}}]", model) == "[shown]", "\(name) is false")
            if name != "no" && name != "none" { #expect(try render("[{{\(name)}}]", model) == "[]", "\(name) renders nothing") }
        }
        for name in ["text", "present", "yes", "rows", "zero"] {
            #expect(try render("[{{#\(name)}}shown{{/\(name)}}]", model).hasPrefix("[shown"), "\(name) is true")
            #expect(try render("[{{^\(name)}}shown{{/\(name)}}]", model) == "[]", "\(name) is true")
        }
        #expect(try render("{{text}} {{present}} {{zero}}", model) == "x y 0")
    }

    @Test("inside a row, a nil value is looked up further out (like a missing key) but empty text is the row's own")
    func lookup() throws {
        let model = Sample()
        #expect(try render("{{#rows}}{{name}}:{{#note}}({{note}}){{/note}}{{^note}}-{{/note}};{{/rows}}", model) == "a:-;b:(n);")
        #expect(try render("{{#rows}}{{text}}{{/rows}}", model) == "xx")
        #expect(try render("{{#rows}}[{{badge}}]{{/rows}}", model) == "[][]")
    }

    @Test("a page reads the chrome's values by their own names; a form echo treats an empty field as false")
    func chromeAndForm() throws {
        var chrome = ChromeModel(session: nil, english: true, path: "/portal/submit", section: nil)
        chrome.error = "wrong"
        var form = Form()
        form.fields = ["name": ["王五"], "confidential": [""]]
        let page = FormPage(chrome: chrome, form: FormEcho(form), types: [OptionModel(code: "help", label: "Help", selected: true)])
        let html = try render("{{lang}}|{{t.submit}}|{{#error}}{{error}}{{/error}}|{{#flash}}flash{{/flash}}|{{form.name}}|"
                              + "{{#form.confidential}}checked{{/form.confidential}}|{{form.absent}}|{{#types}}{{label}}{{#selected}}*{{/selected}}{{/types}}", page)
        #expect(html == "en|Submit|wrong||王五|||Help*")
    }

    @Test("a whole page renders through its template: empty values leave out their parts, filled ones show them")
    func wholePage() throws {
        let pages = try Pages.load()
        let chrome = ChromeModel(session: nil, english: false, path: "/portal/track", section: nil)
        func status(closedAt: String, reply: String, note: String) -> String {
            let model = PortalStatusPageModel(chrome: chrome, number: "20261123000001", code: "ABCD2345", title: "路灯不亮", statusLabel: "已受理",
                                              createdAt: "2026-11-23 10:00", closedAt: closedAt, reply: reply, canEvaluate: false,
                                              satisfactions: [], history: [.init(at: "2026-11-23 10:00", action: "登记", note: note)])
            return pages.library.render(model, withTemplate: Template.portalStatus.rawValue) ?? ""
        }
        let empty = status(closedAt: "", reply: "", note: "")
        #expect(empty.contains("20261123000001") && empty.contains("路灯不亮"))
        #expect(!empty.contains("id=\"public-reply\"") && !empty.contains("class=\"flash") && !empty.contains(" · 办结时间"))
        #expect(!empty.contains("<p></p>"), "an empty note leaves out its paragraph")
        let filled = status(closedAt: "2026-11-24 09:00", reply: "已修复", note: "已派单")
        #expect(filled.contains("id=\"public-reply\">已修复") && filled.contains(" · 办结时间 2026-11-24 09:00") && filled.contains("<p>已派单</p>"))
    }
}

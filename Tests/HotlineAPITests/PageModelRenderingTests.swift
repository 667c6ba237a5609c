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
}

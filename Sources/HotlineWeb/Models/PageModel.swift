/// The model of a whole page: its own properties, then those of the chrome around it, all read at the top level
/// (`{{t.login}}`, `{{csrf}}`, `{{#user}}`), so that templates need not say which is which.
protocol PageModel: TemplateModel {
    var chrome: ChromeModel { get }
}

extension PageModel {
    func child(named name: String) -> Any? {
        property(named: name) ?? chrome.child(named: name)
    }
}

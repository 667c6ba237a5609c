/// What was typed into a form, shown again after an error (`{{form.name}}`); an empty field counts as false.
struct FormEcho: TemplateModel {
    let values: [String: String]

    init(_ form: Form) {
        values = form.fields.mapValues { $0.first ?? "" }
    }

    func child(named name: String) -> Any? {
        values[name].flatMap(TemplateValue.shown)
    }
}

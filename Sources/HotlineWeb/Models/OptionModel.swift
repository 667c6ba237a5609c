/// One `<option>` of a `<select>` of codes.
struct OptionModel: TemplateModel {
    let code: String
    let label: String
    var selected = false
}

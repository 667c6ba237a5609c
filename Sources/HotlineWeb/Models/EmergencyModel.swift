/// A warning that the text sounds like an emergency, with the lines to call (110 / 119 / 120) and why.
struct EmergencyModel: TemplateModel {
    let lines: String
    let why: String
}

/// A leaf category offered in a picker: `030599` with `城乡建设 / 市政设施 / 路灯`.
struct CategoryChoiceModel: TemplateModel {
    let code: String
    let path: String
}

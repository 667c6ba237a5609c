/// One tab of a page: a link, whether it is the one shown, and how many items wait behind it.
struct TabModel: TemplateModel {
    var key: String?
    let label: String
    let href: String
    let current: Bool
    var count: Int?
}

/// An attachment link.
struct FileModel: TemplateModel {
    let id: Int64
    let name: String
    let image: Bool
    let size: String
}

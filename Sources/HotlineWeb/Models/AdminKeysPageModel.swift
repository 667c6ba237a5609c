/// API keys of integration accounts; a new key is shown once.
struct AdminKeysPageModel: PageModel {
    let chrome: ChromeModel
    let newKey: String?
    let keys: [Key]
    /// Integration accounts a key can be made for.
    let clients: [ChoiceModel]

    /// One key (its secret is never shown again).
    struct Key: TemplateModel {
        let id: Int64
        let name: String
        let username: String
        let createdAt: String
        let revokedAt: String
        let active: Bool
    }
}

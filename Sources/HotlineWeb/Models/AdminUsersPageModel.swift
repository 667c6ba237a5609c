/// Administration of user accounts and their roles.
struct AdminUsersPageModel: PageModel {
    let chrome: ChromeModel
    let users: [User]
    let roles: [OptionModel]
    let units: [ChoiceModel]

    /// One account.
    struct User: TemplateModel {
        let id: Int64
        let username: String
        let displayName: String
        let role: String
        let unit: String
        let active: Bool
        /// Signs in with a second factor.
        let secondFactor: Bool
    }
}

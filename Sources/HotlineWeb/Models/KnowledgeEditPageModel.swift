/// The form that writes a new knowledge entry or edits one, filled again after an error.
struct KnowledgeEditPageModel: PageModel {
    let chrome: ChromeModel
    /// 0 for a new entry.
    let entryId: Int64
    let isNew: Bool
    /// The version edited, so that a concurrent edit is refused.
    let version: Int
    let question: String
    /// One variant a line.
    let variants: String
    let answer: String
    let categoryCode: String
    let tags: String
    let effectiveFrom: String
    let expiresOn: String
    /// The units the entry may belong to.
    let units: [Unit]
    /// The entry may belong to the center rather than a unit.
    let centerOwned: Bool
    let categories: [CategoryChoiceModel]

    /// A unit the entry may belong to.
    struct Unit: TemplateModel {
        let id: Int64
        let name: String
        let selected: Bool
    }
}

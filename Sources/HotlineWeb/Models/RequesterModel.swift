/// The requester as one viewer may see them: masked, hidden when confidential to a unit, or in clear after a reveal.
struct RequesterModel: TemplateModel {
    let name: String
    let phone: String
    let idNumber: String
    let enterpriseName: String
    let creditCode: String
    let kindLabel: String
    let enterprise: Bool
    let hidden: Bool
    let revealed: Bool
    let canReveal: Bool
    /// Name and phone in one line (empty when hidden).
    let line: String
}

/// Answers offered while a citizen types, and a warning when the text sounds like an emergency.
struct PortalSuggestFragmentModel: TemplateModel {
    let t: [String: String]
    let answers: [KnowledgeHitModel]
    var emergency: EmergencyModel?
}

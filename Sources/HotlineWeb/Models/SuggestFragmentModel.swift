/// The console's suggestion panel: categories, units, knowledge answers and similar tickets, each with its reason.
struct SuggestFragmentModel: TemplateModel {
    let t: [String: String]
    let categories: [Category]
    let units: [Unit]
    let similar: [SimilarTicketModel]
    let answers: [KnowledgeHitModel]
    /// Milliseconds the suggestions took, as `12.3`.
    let elapsed: String
    var emergency: EmergencyModel?
    let nothing: Bool

    /// A suggested category with its probability and the words that point to it.
    struct Category: TemplateModel {
        let code: String
        let name: String
        let percent: Int
        let words: String
    }

    /// A suggested main unit with its reasons.
    struct Unit: TemplateModel {
        let id: Int64
        let name: String
        let reasons: [String]
    }
}

/// A knowledge-base search hit with its highlighted question and answer snippet.
struct KnowledgeHitModel: TemplateModel {
    let id: Int64
    let question: [Run]
    let snippet: [Run]
    let answer: String
    let tags: String
    let usage: Int
    let helpful: Int
    /// 共享自: the source platform and version of a shared entry.
    var origin: String? = nil
    /// The snippet stops, or starts, in the middle of the answer.
    let more: Bool
    let less: Bool

    /// A stretch of text, highlighted where it matched: `{{#runs}}{{#mark}}<mark>{{text}}</mark>{{/mark}}…{{/runs}}`.
    struct Run: TemplateModel {
        let text: String
        let mark: Bool
    }
}

/// One knowledge entry: the version in force, the working copy and its history for those who may see them, and actions.
struct KnowledgeEntryPageModel: PageModel {
    let chrome: ChromeModel
    let entry: Facts
    /// The version answering callers now.
    var live: Content?
    /// The working copy, for those who write or verify the entry.
    var working: Content?
    /// The working copy differs from the live version.
    var changed = false
    var history: [Change] = []
    let actions: [Action]
    let canEdit: Bool
    /// Where a shared or imported entry came from; a shared one is kept by its source (report errors to it).
    var origin: String?
    var shared = false
    let canRate: Bool

    /// The entry's status, versions and use.
    struct Facts: TemplateModel {
        let id: Int64
        let status: String
        let version: Int
        let liveVersion: Int
        let usage: Int
        let helpful: Int
        let unhelpful: Int
        let updatedAt: String
    }

    /// One version's question, answer and facts.
    struct Content: TemplateModel {
        let question: String
        let variants: [String]
        let answer: String
        let category: String
        let source: String
        let tags: String
        let effectiveFrom: String
        let expiresOn: String
    }

    /// One change in the entry's history, with the text an edit wrote.
    struct Change: TemplateModel {
        let version: Int
        let action: String
        let actor: String
        let at: String
        let note: String
        var snapshot: Snapshot?
    }

    /// The text of a past version.
    struct Snapshot: TemplateModel {
        let question: String
        let variants: [String]
        let answer: String
    }

    /// A workflow step the viewer may take (submit, approve, reject …).
    struct Action: TemplateModel {
        let code: String
        let label: String
        let needsNote: Bool
    }
}

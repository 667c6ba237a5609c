/// 考核排名: a period's ranking by group, each unit's scored rates (each a link to its tickets), the formulas in words.
struct AssessmentPageModel: PageModel {
    /// A column of the ranking table: one indicator.
    struct Column: TemplateModel {
        let code: String
        let name: String
    }

    /// One indicator's value for one unit: shown as a rate, count or days, opening its tickets.
    struct Cell: TemplateModel {
        let text: String
        let href: String
        let title: String
    }

    struct Row: TemplateModel {
        let rank: Int
        let unit: String
        let score: String
        let change: String?
        let red: Bool
        let black: Bool
        let cells: [Cell]
    }

    struct Group: TemplateModel {
        let name: String
        let rows: [Row]
        let withoutTickets: String?
        let unscored: String?
    }

    /// One indicator as the formula table shows it.
    struct Definition: TemplateModel {
        let name: String
        let formula: String
        let weight: String
    }

    let chrome: ChromeModel
    let period: String
    let previousHref: String
    let nextHref: String
    let columns: [Column]
    let groups: [Group]
    let definitions: [Definition]
    let schemeVersion: Int
    /// Shown on a published result: its version and time.
    let published: String?
    let publishedHref: String?
    let viewingPublished: Bool
    let mayPublish: Bool
    let appeals: [AppealRowModel]
    /// For the scheme's managers: the center's units with their group, to put one in a named group (考核分组).
    var groupUnits: [OptionModel] = []
    /// On a published version after the first: what changed from the version before.
    var changes: [String] = []
    var changesTitle: String?
    var hasChanges = false
    var groupNames: [String] = []
}

/// The tickets behind one number of the assessment: its numerator's and its denominator's.
struct AssessmentDrillPageModel: PageModel {
    /// One list of tickets, as the shared ticket table reads it.
    struct List: TemplateModel {
        let label: String
        let count: Int
        var tickets: [TicketRowModel] = []
        /// A knowledge indicator's tasks, instead of tickets.
        var tasks: [KnowledgeTask] = []
        var isKnowledge: Bool { !tasks.isEmpty }
    }

    /// One knowledge task behind a knowledge indicator (知识库维护).
    struct KnowledgeTask: TemplateModel {
        let entryId: Int64
        let question: String
        let started: String
        let due: String
        let done: String
        let late: Bool
    }

    /// A ticket the viewing unit may appeal, for the form's list.
    struct Choice: TemplateModel {
        let id: Int64
        let number: String
        let title: String
    }

    let chrome: ChromeModel
    let title: String
    let formula: String
    let backHref: String
    let lists: [List]
    /// Shown to the unit itself while the period's appeals are open.
    let mayAppeal: Bool
    let period: String
    let indicator: String
    let choices: [Choice]
    let appealDeadline: String
}

/// An appeal as the assessment pages list it, with the supervisor's decision form while it is pending.
struct AppealRowModel: TemplateModel {
    let id: Int64
    let unit: String
    let ticketId: Int64
    let number: String
    let indicator: String
    let reason: String
    let status: String
    let statusLabel: String
    let decision: String?
    let pending: Bool
    let mayDecide: Bool
    /// The appeal's evidence (证明材料).
    let files: [File]

    struct File: TemplateModel {
        let id: Int64
        let name: String
    }
}

/// 本单位考核: a unit's own values for a period, each opening its tickets, and its appeals.
struct AssessmentUnitPageModel: PageModel {
    struct Line: TemplateModel {
        let name: String
        let text: String
        let counts: String
        let points: String
        let href: String
    }

    let chrome: ChromeModel
    let period: String
    let previousHref: String
    let nextHref: String
    let unit: String
    let score: String?
    let lines: [Line]
    let appeals: [AppealRowModel]
    let appealDeadline: String
}

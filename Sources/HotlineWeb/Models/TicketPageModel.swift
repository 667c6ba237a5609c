/// One ticket's page: the ticket, its history and files, and a form for each action its viewer may take.
struct TicketPageModel: PageModel {
    let chrome: ChromeModel
    let ticket: TicketDetailModel
    let history: [TicketEventModel]
    /// Files attached to the ticket itself (not to one event).
    let files: [FileModel]
    let supervisions: [Supervision]
    /// The actions offered, by code (`{{#can.sign}}`).
    let can: [String: Bool]
    let anyAction: Bool
    let reasons: [OptionModel]
    let satisfactions: [OptionModel]
    let levels: [OptionModel]
    let methods: [OptionModel]
    /// Units the ticket may be dispatched to, indented by depth.
    let units: [DispatchTarget]
    /// Child units for a sub-dispatch.
    let children: [ChoiceModel]
    /// Center staff see open tickets that look like the same matter, to merge.
    var showSimilar = false
    var similar: [SimilarTicketModel] = []
    /// The 110 linkage, when the ticket crossed between 110 and 12345.
    var police: PoliceLoopModel?
    /// Whether the actor may escalate it to 110 now, and why the detector suggests it.
    var canEscalate = false
    /// The phone call the ticket was recorded during.
    var call: CallModel?
    /// Where the ticket crossed between province and city.
    var federation: FederationPanelModel?

    struct CallModel: TemplateModel {
        let callId: String
        let ringingAt: String
        let answeredIn: String
        let recordingURL: String?
    }
    var policeHint: String?

    /// One supervision (督办) of the ticket.
    struct Supervision: TemplateModel {
        let at: String
        let level: String
        let method: String
        let reason: String
        let automatic: Bool
    }

    /// A unit in the dispatch picker.
    struct DispatchTarget: TemplateModel {
        let id: Int64
        let name: String
        /// Full-width spaces that indent the unit under its parent.
        let depth: String
    }
}

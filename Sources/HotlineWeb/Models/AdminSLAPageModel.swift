/// SLA policies (时限): the sign and reply limits for each kind of ticket, and the form to add one.
struct AdminSLAPageModel: PageModel {
    let chrome: ChromeModel
    let policies: [Policy]
    let types: [OptionModel]
    let urgencies: [OptionModel]
    let channels: [OptionModel]
    /// Deadline units (working days, hours …).
    let units: [OptionModel]

    /// One policy, each criterion shown or "any".
    struct Policy: TemplateModel {
        let id: Int64
        let name: String
        let type: String
        let urgency: String
        let channel: String
        let category: String
        let difficult: String
        let sign: String
        let reply: String
    }
}

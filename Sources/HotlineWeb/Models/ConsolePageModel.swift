/// 受理台: the intake form (filled again after an error), the receipt of the last call, and the agent's recent tickets.
struct ConsolePageModel: PageModel {
    let chrome: ChromeModel
    /// The receipt of the ticket just recorded.
    var banner: Banner?
    /// A fresh key that makes the next intake count once however often it is sent.
    let intakeKey: String
    let form: FormEcho
    let channels: [OptionModel]
    let types: [OptionModel]
    let urgencies: [OptionModel]
    let reasons: [OptionModel]
    let requesterKinds: [OptionModel]
    let categories: [CategoryChoiceModel]
    let units: [Unit]
    let regions: [Region]
    /// The follow-up chosen (`{{#nextIs.dispatch}}`).
    let nextIs: [String: Bool]
    let recent: [TicketRowModel]
    let screeningCount: Int

    /// The number and query code to tell the caller.
    struct Banner: TemplateModel {
        let id: Int64
        let number: String
        let queryCode: String
        let status: String
        /// The same call was submitted before: nothing new was recorded.
        let replayed: Bool
    }

    /// A unit to dispatch to, as main unit (`selected`) or co-unit (`co`).
    struct Unit: TemplateModel {
        let id: Int64
        let name: String
        let kind: String
        let depth: String
        let selected: Bool
        let co: Bool
    }

    /// A district, by its region code.
    struct Region: TemplateModel {
        let code: String
        let name: String
        let selected: Bool
    }
}

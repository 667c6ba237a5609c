/// 110联动设置: the diversion list (分流事项清单) with the deadline each item's tickets run to, and which account is the
/// 110 platform with its timers.
struct AdminPolicePageModel: PageModel {
    let chrome: ChromeModel
    let items: [Item]
    let types: [OptionModel]
    let urgencies: [OptionModel]
    let accounts: [Account]
    let acknowledgeMinutes: Int
    let urgentFeedbackMinutes: Int
    let feedbackMinutes: Int

    struct Item: TemplateModel {
        let code: String
        let name: String
        let categoryCode: String
        let category: String
        let type: String
        let typeCode: String
        let urgency: String
        let urgencyCode: String
        let deadline: String
        let active: Bool
    }

    struct Account: TemplateModel {
        let id: Int64
        let name: String
        let selected: Bool
    }
}

/// 110联动统计: both directions over a period, and the escalations still waiting for 110.
struct PoliceReportPageModel: PageModel {
    let chrome: ChromeModel
    let from: String
    let to: String
    let diverted: Int
    let divertedHandled: Int
    let handledRate: String
    let items: [Item]
    let escalated: Int
    let acknowledgedOnTime: String
    let answeredOnTime: String
    let answered: Int
    let medianFeedback: String
    let unanswered: Int
    let open: [Open]

    struct Item: TemplateModel {
        let name: String
        let count: Int
        let handled: Int
        let share: String
    }

    struct Open: TemplateModel {
        let ticketId: Int64
        let number: String
        let reason: String
        let startedAt: String
        let feedbackDue: String
        let late: Bool
    }
}

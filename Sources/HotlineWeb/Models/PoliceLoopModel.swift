/// The 110 linkage of one ticket as its page shows it (110联动·双闭环).
struct PoliceLoopModel: TemplateModel {
    let diverted: Diverted?
    let escalations: [Escalation]

    /// 110 → 12345: the call and whether the ticket's progress reached 110.
    struct Diverted: TemplateModel {
        let alarmNumber: String
        let dispatchNumber: String
        let item: String
        let calledAt: String
        let recordingURL: String?
        let fedBack: String
        let closed: Bool
    }

    /// 12345 → 110: the reason, 110's acknowledgement and feedback against their deadlines.
    struct Escalation: TemplateModel {
        let reason: String
        let startedAt: String
        let acknowledgeDue: String
        let acknowledged: String
        let alarmNumber: String
        let feedbackDue: String
        let feedbackAt: String
        let feedback: String
        let late: String
        let closed: Bool
    }
}

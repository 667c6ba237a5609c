/// 短信通知: the center's wording of each notice and the latest sends (recipients masked).
struct AdminNoticesPageModel: PageModel {
    let chrome: ChromeModel
    let templates: [Template]
    let notices: [Row]

    struct Template: TemplateModel {
        let kind: String
        let label: String
        let audience: String
        let text: String
        let variables: String
    }

    struct Row: TemplateModel {
        let kind: String
        let ticketNumber: String
        let to: String
        let text: String
        let status: String
        let attempts: Int
        let createdAt: String
    }
}

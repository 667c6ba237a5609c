/// 推送订阅: the center's subscriptions, a form for a new one, and its secret the once it is shown.
struct AdminSubscriptionsPageModel: PageModel {
    let chrome: ChromeModel
    let secret: String?
    let backlog: String
    let subscriptions: [Row]
    let scopes: [Option]
    let topics: [Option]

    struct Row: TemplateModel {
        let id: Int64
        let name: String
        let url: String
        let topics: String
        let scope: String
        let active: Bool
        let createdAt: String
    }

    struct Option: TemplateModel {
        let value: String
        let label: String
    }
}

/// 投递记录: one subscription's deliveries, filtered by status, each delivered or dead one sent again on request.
struct AdminDeliveriesPageModel: PageModel {
    let chrome: ChromeModel
    let subscriptionId: Int64
    let name: String
    let url: String
    let filters: [Filter]
    let deliveries: [Row]

    struct Filter: TemplateModel {
        let href: String
        let label: String
        let current: Bool
    }

    struct Row: TemplateModel {
        let id: Int64
        let seq: Int64
        let topic: String
        let ticketNumber: String
        let status: String
        let statusCode: String
        let attempts: Int
        let lastResult: String
        let createdAt: String
        let lastAttemptAt: String
        let nextAt: String
        let canRedeliver: Bool
    }
}

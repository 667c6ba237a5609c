import Foundation

/// The messages Hotline sends through the center's SMS/WeChat gateway (短信通知), each with its audience, the
/// variables its template may use and its default wording.
public enum NoticeKind: String, Labelled {
    /// To the citizen: the ticket was accepted, with its number and query code (受理告知).
    case accepted
    /// To the citizen: it was not accepted, with the reason (不予受理告知).
    case rejected
    /// To the citizen: the reply was approved; rate it online (短信回访).
    case replyApproved
    /// To the main unit's handlers: a new ticket (新工单提醒).
    case newTicket
    /// To the handling unit's handlers: the deadline is near (临期提醒).
    case dueSoon
    /// To the handling unit's handlers: the deadline passed (超期提醒).
    case overdue
    /// To the handling unit's handlers: the center supervises the ticket (督办提醒).
    case supervised
    /// To the leaders (unit administrators) of the units an early warning names (预警提醒).
    case warning

    public var label: String {
        switch self {
        case .accepted: "受理告知"
        case .rejected: "不予受理告知"
        case .replyApproved: "回访短信"
        case .newTicket: "新工单提醒"
        case .dueSoon: "临期提醒"
        case .overdue: "超期提醒"
        case .supervised: "督办提醒"
        case .warning: "预警提醒"
        }
    }

    /// Who receives it.
    public var audience: NoticeAudience {
        switch self {
        case .accepted, .rejected, .replyApproved: .citizen
        case .newTicket, .dueSoon, .overdue, .supervised: .handlers
        case .warning: .leaders
        }
    }

    /// The variables its template may use (`{number}`).
    public var variables: [String] {
        switch self {
        case .accepted: ["number", "queryCode", "title", "link"]
        case .rejected: ["number", "title", "reason"]
        case .replyApproved: ["number", "title", "link"]
        case .newTicket: ["number", "title", "unit", "deadline"]
        case .dueSoon, .overdue: ["number", "title", "unit", "deadline"]
        case .supervised: ["number", "title", "unit", "reason"]
        case .warning: ["warning", "unit"]
        }
    }

    /// The wording a center starts with.
    public var defaultTemplate: String {
        switch self {
        case .accepted: "【12345】您反映的“{title}”已受理，工单号{number}，查询码{queryCode}。办理进度可查询：{link}"
        case .rejected: "【12345】您反映的“{title}”（工单号{number}）不予受理：{reason}。如有疑问请致电12345。"
        case .replyApproved: "【12345】您反映的“{title}”（工单号{number}）已答复，请对办理结果评价：{link}"
        case .newTicket: "【12345】{unit}有新工单{number}“{title}”，请于{deadline}前答复。"
        case .dueSoon: "【12345】工单{number}“{title}”将于{deadline}到期，请{unit}抓紧办理。"
        case .overdue: "【12345】工单{number}“{title}”已于{deadline}超期，请{unit}立即办理并说明情况。"
        case .supervised: "【12345】工单{number}“{title}”被督办：{reason}。请{unit}优先办理。"
        case .warning: "【12345预警】{warning}，涉及{unit}，请关注并处置。"
        }
    }

    /// The kinds an event leads to: the lifecycle step, and where it left the ticket.
    public static func of(_ action: ActionCode, to status: TicketStatus?, approved: Bool) -> [NoticeKind] {
        switch action {
        case .create: status == .accepted ? [.accepted] : []
        case .accept: [.accepted]
        case .reject: [.rejected]
        case .review: approved && status == .pendingCallback ? [.replyApproved] : []
        case .dispatch: [.newTicket]
        case .markDueSoon: [.dueSoon]
        case .markOverdue: [.overdue]
        case .supervise: [.supervised]
        case .raiseWarning: [.warning]
        default: []
        }
    }
}

/// Who a notice goes to.
public enum NoticeAudience: String, Sendable {
    /// The requester's phone (never stored in clear in the log; it leaves the server only to the gateway).
    case citizen
    /// The handlers (承办人) of the unit that holds the ticket.
    case handlers
    /// The administrators (leaders) of the units a warning names.
    case leaders
}

/// A center's wording of a notice, its `{variables}` filled in.
public enum NoticeTemplate {
    /// The longest template an administrator may save (a few SMS segments).
    public static let maxLength = 300

    /// `template` with each `{name}` replaced by its value; an unknown name is left as written.
    public static func render(_ template: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            out += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// The variables `template` uses.
    public static func variables(in template: String) -> [String] {
        var names: [String] = []
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            names.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        return names
    }

    /// Checks an administrator's template for `kind`: not empty, not too long, only the kind's variables.
    public static func validate(_ template: String, for kind: NoticeKind) throws(HotlineError) -> String {
        let text = template.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= maxLength else {
            throw HotlineError.invalid("text", "模板须为1至\(maxLength)字 (1–\(maxLength) characters)")
        }
        let unknown = variables(in: text).filter { !kind.variables.contains($0) }
        guard unknown.isEmpty else {
            throw HotlineError.invalid("text", "模板含不可用的变量：\(unknown.map { "{\($0)}" }.joined(separator: "、"))；可用：\(kind.variables.map { "{\($0)}" }.joined(separator: "、"))")
        }
        return text
    }
}

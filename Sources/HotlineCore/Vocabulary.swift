/// A code with a stable English value for the API and a Chinese label for people.
public protocol Labelled: RawRepresentable, CaseIterable, Sendable, Hashable, Codable where RawValue == String {
    /// The Simplified Chinese label shown to users.
    var label: String { get }
    /// The English label, for the UI's English switch.
    var englishLabel: String { get }
}

extension Labelled {
    /// The code spelled out: `pendingSign` → "Pending sign".
    public var englishLabel: String {
        var words = ""
        for character in rawValue {
            if character.isUppercase && !words.isEmpty { words += " " + character.lowercased() } else { words.append(character) }
        }
        return words.prefix(1).uppercased() + words.dropFirst()
    }

    /// The label in Chinese, or in English when `english` is set.
    public func label(english: Bool) -> String { english ? englishLabel : label }
}

/// 受理渠道: how a request reached the hotline.
public enum Channel: String, Labelled {
    case phone, web, app, wechat, sms, email, letter, walkIn, messageBoard, police110, open311, enterpriseSeat, photo
    /// 省派工单: dispatched to this city by its provincial platform.
    case province

    public var label: String {
        switch self {
        case .phone: "电话"
        case .web: "网站"
        case .app: "移动客户端"
        case .wechat: "微信"
        case .sms: "短信"
        case .email: "电子邮件"
        case .letter: "信件"
        case .walkIn: "来访"
        case .messageBoard: "留言板"
        case .police110: "110转办"
        case .open311: "Open311"
        case .enterpriseSeat: "助企专席"
        case .photo: "随手拍"
        case .province: "省平台转办"
        }
    }

    public var englishLabel: String {
        switch self {
        case .phone: "Phone"
        case .web: "Website"
        case .app: "Mobile app"
        case .wechat: "WeChat"
        case .sms: "SMS"
        case .email: "Email"
        case .letter: "Letter"
        case .walkIn: "Walk-in"
        case .messageBoard: "Message board"
        case .police110: "110 transfer"
        case .open311: "Open311"
        case .enterpriseSeat: "Business line"
        case .photo: "Photo report"
        case .province: "From the province"
        }
    }

    /// Online submissions wait in the screening queue (待甄别); calls and transfers are accepted at once.
    public var startsInScreening: Bool {
        switch self {
        case .phone, .walkIn, .police110, .enterpriseSeat, .province: false
        case .web, .app, .wechat, .sms, .email, .letter, .messageBoard, .open311, .photo: true
        }
    }
}

/// 诉求类型.
public enum TicketType: String, Labelled {
    case consultation, help, complaint, report, suggestion, praise, other

    public var label: String {
        switch self {
        case .consultation: "咨询"
        case .help: "求助"
        case .complaint: "投诉"
        case .report: "举报"
        case .suggestion: "建议"
        case .praise: "表扬"
        case .other: "其他"
        }
    }
}

/// 紧急程度.
public enum Urgency: String, Labelled {
    case normal, urgent

    public var label: String {
        switch self {
        case .normal: "一般"
        case .urgent: "紧急"
        }
    }
}

/// Where a ticket is in its life (工单状态).
public enum TicketStatus: String, Labelled {
    case screening, accepted, pendingSign, inProgress, returnRequested, replied, pendingCallback, evaluated
    case closed, rejected, merged

    public var label: String {
        switch self {
        case .screening: "待甄别"
        case .accepted: "已受理待派单"
        case .pendingSign: "待签收"
        case .inProgress: "办理中"
        case .returnRequested: "退单待审"
        case .replied: "已答复待审核"
        case .pendingCallback: "待回访"
        case .evaluated: "已评价"
        case .closed: "已办结"
        case .rejected: "不予受理"
        case .merged: "已合并"
        }
    }

    /// A terminal ticket takes no further lifecycle action.
    public var isTerminal: Bool { self == .closed || self == .rejected || self == .merged }

    /// Statuses during which a unit holds the ticket and its reply deadline runs.
    public var isWithUnit: Bool { ActionRule.withUnit.contains(self) }
}

/// A user's role; it decides which actions the user may take.
public enum Role: String, Labelled {
    case agent, centerSupervisor, unitHandler, unitAdmin, kbEditor, admin, auditor, leader, integrationClient
    /// A system that works one unit's tickets in its own software — a sub-center (12315, 12366 …) or, on a provincial
    /// platform, a city's Hotline: it signs and replies to what is dispatched to its unit, and reports its own intake.
    case linkedSystem

    public var label: String {
        switch self {
        case .agent: "话务员"
        case .centerSupervisor: "中心审核督办员"
        case .unitHandler: "承办人"
        case .unitAdmin: "承办单位管理员"
        case .kbEditor: "知识库编辑"
        case .admin: "系统管理员"
        case .auditor: "审计员"
        case .leader: "领导"
        case .integrationClient: "对接系统"
        case .linkedSystem: "承办对接系统"
        }
    }
}

/// The kinds of units in the organisation tree.
public enum UnitKind: String, Labelled {
    case center, department, district, township, community, subCenter, utility, emergency
    /// On a provincial platform: a city's Hotline, which handles what the province dispatches to it.
    case cityPlatform

    public var label: String {
        switch self {
        case .center: "热线中心"
        case .department: "市直部门"
        case .district: "区县"
        case .township: "乡镇街道"
        case .community: "社区村居"
        case .subCenter: "分中心"
        case .utility: "公共服务企业"
        case .emergency: "应急联动单位"
        case .cityPlatform: "市级平台"
        }
    }
}

/// 不予受理 reasons: matters the hotline does not take.
public enum RejectReason: String, Labelled {
    case litigation, arbitration, discipline, administrativeReview, informationDisclosure, petition
    case secretsPrivacy, publicOrder, emergencyTransferred, invalid

    public var label: String {
        switch self {
        case .litigation: "应通过诉讼解决"
        case .arbitration: "应通过仲裁解决"
        case .discipline: "属纪检监察范围"
        case .administrativeReview: "应通过行政复议解决"
        case .informationDisclosure: "属政府信息公开申请"
        case .petition: "已进入信访渠道"
        case .secretsPrivacy: "涉及国家秘密、商业秘密或个人隐私"
        case .publicOrder: "违反公序良俗"
        case .emergencyTransferred: "紧急事项已转110/119/120"
        case .invalid: "无效诉求"
        }
    }
}

/// 回访满意度.
public enum Satisfaction: String, Labelled {
    case satisfied, basicallySatisfied, dissatisfied

    public var label: String {
        switch self {
        case .satisfied: "满意"
        case .basicallySatisfied: "基本满意"
        case .dissatisfied: "不满意"
        }
    }
}

/// 督办级别.
public enum SupervisionLevel: String, Labelled {
    case center, government, discipline

    public var label: String {
        switch self {
        case .center: "中心督办"
        case .government: "政府督办"
        case .discipline: "纪检督办"
        }
    }
}

/// 督办方式.
public enum SupervisionMethod: String, Labelled {
    case phone, written, onSite, automatic

    public var label: String {
        switch self {
        case .phone: "电话督办"
        case .written: "书面督办"
        case .onSite: "现场督办"
        case .automatic: "系统自动督办"
        }
    }
}

/// Whether the requester is a person or a business.
public enum RequesterKind: String, Labelled {
    case person, enterprise

    public var label: String {
        switch self {
        case .person: "个人"
        case .enterprise: "企业"
        }
    }
}

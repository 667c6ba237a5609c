/// The emergency line a call should be transferred to (紧急转接).
public enum EmergencyLine: String, CaseIterable, Comparable, Hashable, Sendable {
    /// 110: police — violence, crime, threats, suicide risk, traffic accidents.
    case police = "110"
    /// 119: fire and rescue — fire, gas leaks, people trapped, drowning.
    case fireRescue = "119"
    /// 120: ambulance — injury, unconsciousness, poisoning, suicide risk.
    case ambulance = "120"

    /// Orders by number.
    public static func < (lhs: EmergencyLine, rhs: EmergencyLine) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// What kind of danger a trigger phrase signals.
public enum EmergencyCategory: String, CaseIterable, Hashable, Sendable {
    /// 着火、起火.
    case fire
    /// 燃气泄漏、闻到煤气味.
    case gas
    /// 被困电梯、困在.
    case trapped
    /// 溺水、落水.
    case drowning
    /// 持刀、打人、家暴.
    case violence
    /// 要跳楼、想自杀、不想活了.
    case suicide
    /// 晕倒、昏迷、没有呼吸.
    case medical
    /// 车祸有人受伤.
    case traffic

    /// Lines to transfer to.
    public var lines: [EmergencyLine] {
        switch self {
        case .fire, .gas, .trapped: return [.fireRescue]
        case .drowning: return [.fireRescue, .ambulance]
        case .violence: return [.police]
        case .suicide, .traffic: return [.police, .ambulance]
        case .medical: return [.ambulance]
        }
    }
}

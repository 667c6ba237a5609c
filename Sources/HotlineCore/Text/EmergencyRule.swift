/// One trigger of the emergency detector: phrases that signal danger, optionally only together with a
/// companion phrase nearby in the same sentence (燃气 … 泄漏, 车祸 … 受伤).
public struct EmergencyRule: Hashable, Sendable {
    /// The danger signalled.
    public var category: EmergencyCategory
    /// Trigger phrases.
    public var phrases: [String]
    /// If not empty, one of these must occur within `window` characters of the trigger, same sentence.
    public var companions: [String]
    /// Maximum distance in characters between trigger and companion.
    public var window: Int
    /// Phrases right after the trigger (same clause) that turn it into something else (被困扰, 火灾隐患).
    public var exclusions: [String]

    /// A rule.
    public init(category: EmergencyCategory, phrases: [String], companions: [String] = [], window: Int = 8, exclusions: [String] = []) {
        self.category = category
        self.phrases = phrases
        self.companions = companions
        self.window = window
        self.exclusions = exclusions
    }

    /// The rules shipped by default; the app may add its own.
    public static let standard: [EmergencyRule] = [
        EmergencyRule(category: .fire, phrases: ["着火", "起火", "失火", "火灾", "烧起来", "火势", "大火", "爆炸", "烧着了", "浓烟", "冒浓烟", "火烧"]),
        EmergencyRule(
            category: .gas, phrases: ["煤气", "燃气", "天然气", "液化气", "煤气罐", "液化气罐"],
            companions: ["泄漏", "泄露", "漏气", "漏了", "味", "爆炸", "爆了"], window: 6),
        EmergencyRule(category: .gas, phrases: ["漏气"], companions: ["煤气", "燃气", "天然气", "液化气", "管道"], window: 8),
        EmergencyRule(category: .gas, phrases: ["一氧化碳中毒", "煤气中毒"]),
        EmergencyRule(
            category: .trapped, phrases: ["被困", "困在", "关在电梯", "电梯困人", "卡在电梯", "出不来", "被埋", "坍塌", "塌了", "倒塌"],
            exclusions: ["扰", "难", "境", "惑"]),
        EmergencyRule(category: .drowning, phrases: ["溺水", "落水", "掉进河", "掉进水", "掉水里", "掉河里", "淹死", "被水冲走"]),
        EmergencyRule(
            category: .violence,
            phrases: [
                "持刀", "拿刀", "拿着刀", "砍人", "捅人", "打人", "殴打", "家暴", "打架", "斗殴", "抢劫", "抢东西", "绑架", "持枪",
                "杀人", "要杀", "砍死", "打死", "非法拘禁", "撬门", "入室", "围殴", "被打", "追着打", "动手打", "在打我", "打我了", "要打我",
            ]),
        EmergencyRule(category: .violence, phrases: ["撬"], companions: ["门", "锁", "窗"], window: 3),
        EmergencyRule(
            category: .suicide,
            phrases: ["跳楼", "自杀", "不想活", "轻生", "割腕", "喝农药", "吃安眠药", "跳河", "寻短见", "活不下去", "一死了之", "结束生命"]),
        EmergencyRule(
            category: .medical,
            phrases: [
                "晕倒", "昏倒", "昏迷", "没有呼吸", "没呼吸", "没了呼吸", "心脏骤停", "抽搐", "大出血", "流了很多血", "休克", "不省人事",
                "倒地不起", "呼吸困难", "食物中毒", "中毒了", "吐血", "没有意识", "没意识",
            ]),
        EmergencyRule(category: .traffic, phrases: ["车祸", "撞车", "追尾", "翻车"], companions: ["伤", "流血", "昏迷", "倒地", "死", "被困", "救"], window: 10),
        EmergencyRule(category: .traffic, phrases: ["被车撞", "撞倒", "撞伤", "碾压", "被撞", "撞人"]),
    ]
}

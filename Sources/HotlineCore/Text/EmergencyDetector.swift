import Foundation

/// Flags calls that describe danger to life or property now, for transfer to 110/119/120 (紧急转接).
///
/// Rule-based on purpose: every flag names the phrase that triggered it, admins can read and extend
/// the rules, and it needs no training data. Each trigger is checked in its clause: negation just
/// before it (没有/防止/避免…), a hypothetical (如果/担心/万一…), a past event (上次/去年/之前…,
/// unless 正在/现在/刚才/救命… says it is happening now), or a following word that makes it a topic
/// rather than an event (火灾隐患, 燃气费, 消防通道, 着火后的赔偿) cancels it.
public struct EmergencyDetector: Sendable {
    /// The rules in force.
    public let rules: [EmergencyRule]
    private let matcher: PhraseMatcher
    private let ruleOfPhrase: [Int]

    static let negations = ["没有", "没", "不会", "不是", "并非", "并没", "未", "无", "别", "防止", "预防", "避免", "以防", "防范", "谨防", "杜绝", "严禁", "禁止", "不要", "不能", "不准", "防", "打不", "点不"]
    static let negationFalseFriends = ["没想到", "不小心", "没办法", "无法", "没人管", "无人管"]
    static let hypotheticals = ["如果", "假如", "万一", "一旦", "担心", "害怕", "以免", "容易", "可能会", "会不会", "要是", "若是", "怎么办", "如何", "咨询", "关于", "有关", "新闻", "报道", "听说", "据说", "排放", "烟囱"]
    static let pastMarkers = ["上次", "上回", "之前", "以前", "去年", "前年", "曾经", "当年", "那次", "上个月", "上周", "昨天", "前天", "年前", "月前", "天前", "过去", "早年"]
    static let presentMarkers = ["正在", "现在", "刚刚", "刚才", "马上", "快来", "救命", "赶紧", "赶快", "此刻", "还在", "快点", "目前"]
    static let topicSuffixes = [
        "隐患", "风险", "演练", "赔偿", "理赔", "费", "宣传", "知识", "培训", "检查", "整改", "报告", "通道", "预案", "保险", "防范",
        "调查", "标准", "规定", "政策", "教育", "后的", "后重建", "事故处理", "责任认定", "报警器", "设施", "公司", "管道改造", "表", "灶", "事件", "频发", "现象",
    ]

    /// A detector with `rules` (by default `EmergencyRule.standard`).
    public init(rules: [EmergencyRule] = EmergencyRule.standard) {
        self.rules = rules
        var matcher = PhraseMatcher(phrases: [])
        var ruleOfPhrase: [Int] = []
        for (index, rule) in rules.enumerated() {
            for phrase in rule.phrases {
                matcher.insert(phrase)
                ruleOfPhrase.append(index)
            }
        }
        self.matcher = matcher
        self.ruleOfPhrase = ruleOfPhrase
    }

    /// The emergencies described in `text`, with the lines to call and the phrases that show it.
    public func assess(_ text: String) -> EmergencyAssessment {
        let scalars = TextNormalizer().scalars(of: text)
        var matches: [EmergencyMatch] = []
        for occurrence in matcher.allMatches(inNormalized: scalars) {
            for phrase in occurrence.phrases {
                let rule = rules[ruleOfPhrase[phrase]]
                guard let span = confirm(rule, at: occurrence.range, in: scalars) else { continue }
                if matches.contains(where: { $0.category == rule.category && $0.range.overlaps(span) }) { continue }
                matches.append(
                    EmergencyMatch(category: rule.category, lines: rule.category.lines, phrase: text.substring(scalarOffsets: span), range: span))
            }
        }
        matches.sort { $0.range.lowerBound < $1.range.lowerBound }
        return EmergencyAssessment(matches: matches)
    }

    /// The span to quote if the trigger at `range` stands, or nil if its context cancels it.
    private func confirm(_ rule: EmergencyRule, at range: Range<Int>, in scalars: [UInt32]) -> Range<Int>? {
        let sentence = Self.bounds(around: range, in: scalars, breaks: [0x2E, 0x21, 0x3F, 0x3B, 0x0A])
        let clause = Self.bounds(around: range, in: scalars, breaks: [0x2E, 0x21, 0x3F, 0x3B, 0x2C, 0x0A])
        if isCancelled(range, clause: clause, sentence: sentence, in: scalars, exclusions: rule.exclusions) { return nil }
        guard !rule.companions.isEmpty else { return range }
        let text = Self.string(scalars, sentence)
        let offset = sentence.lowerBound
        for companion in rule.companions {
            var searchStart = text.startIndex
            while let found = text.range(of: companion, range: searchStart..<text.endIndex) {
                let start = offset + text.unicodeScalars.distance(from: text.startIndex, to: found.lowerBound)
                let end = start + companion.unicodeScalars.count
                searchStart = found.upperBound
                let gap = start >= range.upperBound ? start - range.upperBound : range.lowerBound - end
                guard gap <= rule.window, !(start < range.upperBound && end > range.lowerBound) else { continue }
                let companionClause = Self.bounds(around: start..<end, in: scalars, breaks: [0x2E, 0x21, 0x3F, 0x3B, 0x2C, 0x0A])
                if Self.isNegated(start, clause: companionClause, in: scalars) { continue }
                return min(start, range.lowerBound)..<max(end, range.upperBound)
            }
        }
        return nil
    }

    private func isCancelled(_ range: Range<Int>, clause: Range<Int>, sentence: Range<Int>, in scalars: [UInt32], exclusions: [String]) -> Bool {
        let after = Self.string(scalars, range.upperBound..<min(clause.upperBound, range.upperBound + 8))
        if exclusions.contains(where: { after.hasPrefix($0) }) { return true }
        if Self.topicSuffixes.contains(where: { after.hasPrefix($0) || after.dropFirst().hasPrefix($0) || after.dropFirst(2).hasPrefix($0) }) {
            return true
        }
        if Self.isNegated(range.lowerBound, clause: clause, in: scalars) { return true }
        let before = Self.string(scalars, clause.lowerBound..<range.lowerBound)
        if Self.hypotheticals.contains(where: before.contains) { return true }
        let sentenceText = Self.string(scalars, sentence)
        let isNow = Self.presentMarkers.contains(where: sentenceText.contains)
        return !isNow && Self.pastMarkers.contains(where: before.contains)
    }

    private static func isNegated(_ start: Int, clause: Range<Int>, in scalars: [UInt32]) -> Bool {
        var before = string(scalars, max(clause.lowerBound, start - 4)..<start)
        for friend in negationFalseFriends { before = before.replacingOccurrences(of: friend, with: "_") }
        return negations.contains(where: before.contains)
    }

    private static func bounds(around range: Range<Int>, in scalars: [UInt32], breaks: Set<UInt32>) -> Range<Int> {
        var start = range.lowerBound
        while start > 0, !breaks.contains(scalars[start - 1]) { start -= 1 }
        var end = range.upperBound
        while end < scalars.count, !breaks.contains(scalars[end]) { end += 1 }
        return start..<end
    }

    private static func string(_ scalars: [UInt32], _ range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        for value in scalars[range] { view.append(Unicode.Scalar(value) ?? " ") }
        return String(view)
    }
}

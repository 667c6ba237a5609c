import Testing

@testable import HotlineCore

@Suite("Emergency detector")
struct EmergencyTests {
    static let detector = EmergencyDetector()

    @Test("danger now is flagged with the right lines", arguments: [
        ("我家厨房着火了，快来人", ["119"]),
        ("楼道里燃气泄漏了，味道很重", ["119"]),
        ("家里闻到很浓的煤气味", ["119"]),
        ("有人持刀在小区里追人", ["110"]),
        ("邻居家暴，女的一直在喊救命", ["110"]),
        ("她说不想活了，要跳楼", ["110", "120"]),
        ("我被困在电梯里了", ["119"]),
        ("河边有个小孩溺水了", ["119", "120"]),
        ("路口发生车祸，有人受伤", ["110", "120"]),
        ("路边有个老人晕倒了，没有呼吸", ["120"]),
    ])
    func emergencies(text: String, lines: [String]) {
        let assessment = Self.detector.assess(text)
        #expect(assessment.lines.map(\.rawValue) == lines)
        #expect(assessment.explanation != nil)
    }

    @Test("complaints, past events, billing and prevention are not emergencies", arguments: [
        "小区消防通道被占用，物业不管",
        "上次着火后的赔偿到现在还没有落实",
        "咨询一下燃气费怎么缴纳",
        "小区存在火灾隐患，希望有关部门检查",
        "去年小区发生火灾，至今没有重建",
        "电梯经常故障，担心被困在里面",
        "我们被困扰很久了，噪音太大",
        "学校开展防溺水安全教育",
        "没有人受伤，只是两辆车刮蹭了一下",
        "我家的燃气灶打不着火",
    ])
    func nonEmergencies(text: String) {
        let assessment = Self.detector.assess(text)
        #expect(!assessment.isEmergency, "\(assessment.explanation ?? "")")
    }

    @Test("the match names the phrase and where it is")
    func evidence() {
        let text = "救命！楼下商铺起火了"
        let match = Self.detector.assess(text).matches.first
        #expect(match?.phrase == "起火")
        #expect(match.map { text.substring(scalarOffsets: $0.range) } == "起火")
        #expect(match?.category == .fire)
    }

    @Test("something happening now overrides an earlier mention")
    func presentOverridesPast() {
        #expect(Self.detector.assess("上次是漏水，这次是着火了").isEmergency)
        #expect(Self.detector.assess("以前着过火，现在又着火了").isEmergency)
    }
}

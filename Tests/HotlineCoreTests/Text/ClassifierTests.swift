import Foundation
import Testing

@testable import HotlineCore

@Suite("Text classifier")
struct ClassifierTests {
    static let examples: [(text: String, label: String)] = [
        ("工地夜间施工噪音很大影响休息", "环境"), ("小区旁边工厂排放废气污染空气", "环境"), ("河道有人倾倒垃圾污染水质", "环境"),
        ("晚上施工噪音扰民请处理", "环境"), ("烧烤油烟污染严重", "环境"), ("建筑工地噪音和扬尘", "环境"),
        ("公司拖欠工资三个月不发", "劳动"), ("单位不给缴纳社保", "劳动"), ("老板拖欠农民工工资", "劳动"),
        ("辞职后公司不给工资", "劳动"), ("社保缴费基数问题咨询", "劳动"), ("工伤认定申请被拒", "劳动"),
        ("学校违规补课收费", "教育"), ("孩子入学需要什么材料", "教育"), ("幼儿园乱收费", "教育"),
        ("学校暑假强制补课", "教育"), ("小学学位不够入学难", "教育"), ("老师体罚学生", "教育"),
    ]

    static let model = TextClassifier.train(examples: examples)

    @Test("predicts the class of unseen messages", arguments: [
        ("楼下工地半夜施工噪音", "环境"), ("工厂拖欠我的工资", "劳动"), ("学校周末补课收费", "教育"),
    ])
    func prediction(text: String, label: String) {
        #expect(Self.model.classify(text) == label)
    }

    @Test("predictions are sorted and probabilities sum to one")
    func ranking() {
        let predictions = Self.model.predict("施工噪音")
        #expect(predictions.count == 3)
        #expect(zip(predictions, predictions.dropFirst()).allSatisfy { $0.score >= $1.score })
        #expect(abs(predictions.reduce(0) { $0 + $1.probability } - 1) < 1e-6)
    }

    @Test("explanations name the n-grams behind the decision")
    func explanation() {
        let reasons = Self.model.explain("楼下工地半夜施工噪音", label: "环境", limit: 5).map(\.feature)
        #expect(reasons.contains("噪音") || reasons.contains("施工"))
        #expect(Self.model.explain("楼下工地半夜施工噪音", label: "不存在").isEmpty)
    }

    @Test("a serialised model predicts the same classes")
    func serialization() throws {
        let data = Self.model.serialized(minimumWeight: 0)
        let restored = try TextClassifier(serialized: data)
        #expect(restored.labels == Self.model.labels)
        for text in ["楼下工地半夜施工噪音", "工厂拖欠我的工资", "学校周末补课收费", "社保"] {
            #expect(restored.classify(text) == Self.model.classify(text))
        }
    }

    @Test("damaged model data is rejected")
    func corruptModel() {
        let data = Self.model.serialized()
        #expect(throws: ModelFormatError.self) { try TextClassifier(serialized: data.prefix(data.count / 2)) }
        #expect(throws: ModelFormatError.self) { try TextClassifier(serialized: Data("nope".utf8)) }
    }

    @Test("training is deterministic")
    func determinism() {
        let again = TextClassifier.train(examples: Self.examples)
        #expect(again.decisionValues("施工噪音") == Self.model.decisionValues("施工噪音"))
    }

    @Test("the plain SVM setup also learns the classes")
    func plainSVM() {
        let plain = TextClassifier.train(examples: Self.examples, options: .plainSVM)
        #expect(plain.classify("楼下工地半夜施工噪音") == "环境")
    }

    @Test("ticket input repeats the title")
    func input() {
        #expect(TextClassifier.input(title: "噪音", detail: "晚上吵") == "噪音。噪音晚上吵")
        #expect(TextClassifier.input(title: "", detail: "晚上吵") == "晚上吵")
    }
}

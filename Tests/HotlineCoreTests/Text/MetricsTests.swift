import Foundation
import Testing

@testable import HotlineCore

@Suite("Evaluation metrics")
struct MetricsTests {
    @Test("per-class precision, recall, F1, accuracy and macro-F1")
    func report() {
        let actual = ["a", "a", "a", "b", "b", "c"]
        let predicted = ["a", "a", "b", "b", "c", "c"]
        let report = ClassificationReport(ConfusionMatrix(actual: actual, predicted: predicted))
        #expect(report.accuracy == 4.0 / 6.0)
        let a = report.classes[0]
        #expect(a.label == "a" && a.precision == 1 && abs(a.recall - 2.0 / 3.0) < 1e-12 && a.support == 3)
        let b = report.classes[1]
        #expect(b.precision == 0.5 && b.recall == 0.5)
        let c = report.classes[2]
        #expect(c.precision == 0.5 && c.recall == 1)
        let expectedMacro = (0.8 + 0.5 + 2.0 / 3.0) / 3
        #expect(abs(report.macroF1 - expectedMacro) < 1e-12)
        #expect(report.formatted().contains("macro-F1  0.6556"))
    }

    @Test("a class never predicted has precision 0, not NaN")
    func undefinedPrecision() {
        let report = ClassificationReport(ConfusionMatrix(actual: ["a", "b"], predicted: ["a", "a"]))
        #expect(report.classes[1].precision == 0 && report.classes[1].f1 == 0)
    }

    @Test("merged fold matrices add up")
    func merge() {
        var total = ConfusionMatrix(labels: ["a", "b"])
        total.merge(ConfusionMatrix(actual: ["a"], predicted: ["b"]))
        total.merge(ConfusionMatrix(actual: ["a", "b"], predicted: ["a", "b"]))
        #expect(total.counts == [[1, 1], [0, 1]])
    }

    @Test("stratified folds keep class proportions and repeat exactly")
    func folds() {
        let labels = Array(repeating: "x", count: 10) + Array(repeating: "y", count: 5)
        let folds = StratifiedSplit.folds(labels: labels, folds: 5, seed: 1)
        for fold in 0..<5 {
            let members = labels.indices.filter { folds[$0] == fold }
            #expect(members.filter { labels[$0] == "x" }.count == 2)
            #expect(members.filter { labels[$0] == "y" }.count == 1)
        }
        #expect(folds == StratifiedSplit.folds(labels: labels, folds: 5, seed: 1))
        #expect(folds != StratifiedSplit.folds(labels: labels, folds: 5, seed: 2))
    }

    @Test("holdout takes the fraction from every class")
    func holdout() {
        let labels = Array(repeating: "x", count: 10) + Array(repeating: "y", count: 5)
        let test = StratifiedSplit.holdout(labels: labels, testFraction: 0.2, seed: 3)
        #expect(labels.indices.filter { test[$0] && labels[$0] == "x" }.count == 2)
        #expect(labels.indices.filter { test[$0] && labels[$0] == "y" }.count == 1)
    }

    @Test("CSV: BOM, quotes, doubled quotes, embedded commas and line breaks, CRLF")
    func csv() {
        let text = "\u{FEFF}title,text,label\r\n\"a,b\",\"say \"\"hi\"\"\nthere\",x\r\nplain,,y\n\n"
        let table = CSVTable(text: text)
        #expect(table.header == ["title", "text", "label"])
        #expect(table.rows == [["a,b", "say \"hi\"\nthere", "x"], ["plain", "", "y"]])
        #expect(table.values(of: "label") == ["x", "y"])
        #expect(table.column("missing") == nil)
    }

    @Test("CSV: a short row is padded and a last line without newline is kept")
    func csvEdges() {
        let table = CSVTable(text: "a,b,c\n1\n2,3,4")
        #expect(table.rows == [["1", "", ""], ["2", "3", "4"]])
    }
}

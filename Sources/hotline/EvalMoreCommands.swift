import ArgumentParser
import Foundation
import HotlineCore

extension EvalCommand {
    /// `hotline eval duplicates`: precision and recall of near-duplicate detection on the hand-labelled pairs.
    struct Duplicates: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "duplicates",
            abstract: "Precision/recall of duplicate detection on eval/duplicate-pairs.csv (needs the TipDM messages the pairs refer to)")

        @Option(help: "The labelled pairs") var pairs = "eval/duplicate-pairs.csv"
        @Option(help: "Folder with replies.csv and labeled-train.csv") var data = "../shared/data/gov-messages"

        func run() throws {
            let messages = try Self.messages(URL(fileURLWithPath: data))
            let table = try CSVTable(contentsOf: URL(fileURLWithPath: pairs))
            let labelled = table.rows.compactMap { row -> (String, String, Bool)? in
                guard row.count > 3, messages[row[0]] != nil, messages[row[1]] != nil else { return nil }
                return (row[0], row[1], row[3] == "1")
            }
            var index = DuplicateIndex()
            let started = ContinuousClock.now
            for (key, message) in messages.sorted(by: { $0.key < $1.key }) {
                index.add(id: Self.id(key), text: message.text, place: message.place, time: message.time)
            }
            print("\(labelled.count) pairs (\(labelled.filter(\.2).count) the same matter); \(index.count) messages indexed in "
                + String(format: "%.1f s", seconds(since: started)))
            var scored: [(text: Double, combined: Double, truth: Bool)] = []
            for (a, b, truth) in labelled {
                let query = messages[a]!
                let similarity = index.candidates(for: query.text, threshold: 0, limit: 100_000, excluding: Self.id(a))
                    .first { $0.id == Self.id(b) }?.textSimilarity ?? 0
                let combined = index.scoring.score(textSimilarity: similarity, placeA: query.place, placeB: messages[b]!.place,
                                                   timeA: query.time, timeB: messages[b]!.time).score
                scored.append((similarity, combined, truth))
            }
            print("threshold   text only: precision recall  F1   |  text + place: precision recall  F1")
            for threshold in [0.03, 0.05, 0.07, 0.1, 0.12, 0.15, 0.2, 0.3] {
                let text = Self.prf(scored.map { ($0.text >= threshold, $0.truth) })
                let both = Self.prf(scored.map { ($0.combined >= threshold, $0.truth) })
                print(String(format: "  %.2f%@     %.3f    %.3f  %.3f |                %.3f    %.3f  %.3f", threshold,
                             (threshold == 0.07 ? " (used)" : "       ") as NSString, text.0, text.1, text.2, both.0, both.1, both.2))
            }
        }

        static func prf(_ outcomes: [(predicted: Bool, truth: Bool)]) -> (Double, Double, Double) {
            let tp = Double(outcomes.filter { $0.predicted && $0.truth }.count)
            let fp = Double(outcomes.filter { $0.predicted && !$0.truth }.count)
            let fn = Double(outcomes.filter { !$0.predicted && $0.truth }.count)
            let p = tp + fp == 0 ? 0 : tp / (tp + fp)
            let r = tp + fn == 0 ? 0 : tp / (tp + fn)
            return (p, r, p + r == 0 ? 0 : 2 * p * r / (p + r))
        }

        /// `R2549` → 2549 (a row of replies.csv by id), `L17` → 1,000,000,017 (the 17th row of labeled-train.csv).
        static func id(_ key: String) -> Int64 {
            let number = Int64(key.dropFirst()) ?? 0
            return key.hasPrefix("L") ? 1_000_000_000 + number : number
        }

        struct Message {
            var text: String
            var place: String?
            var time: Date?
        }

        static func messages(_ folder: URL) throws -> [String: Message] {
            var messages: [String: Message] = [:]
            let replies = try CSVTable(contentsOf: folder.appendingPathComponent("replies.csv"))
            for row in replies.rows where row.count > 4 {
                let text = row[2] + "。" + row[4]
                messages["R" + row[0]] = Message(text: text, place: regionCode(in: text), time: TicketImport.date(row[3]))
            }
            let labeled = try CSVTable(contentsOf: folder.appendingPathComponent("labeled-train.csv"))
            for (number, row) in labeled.rows.enumerated() where row.count > 1 {
                messages["L\(number)"] = Message(text: row[1], place: regionCode(in: row[1]), time: nil)
            }
            return messages
        }

        /// The data set's anonymised place (`A7县` → `A/A7`, `A市` → `A`), as the gazetteer would resolve a real one.
        static func regionCode(in text: String) -> String? {
            let scalars = Array(text.unicodeScalars.prefix(80))
            var city: String?
            var index = 0
            while index < scalars.count {
                let letter = scalars[index]
                guard ("A"..."Z").contains(letter) else {
                    index += 1
                    continue
                }
                var end = index + 1
                while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 }
                if end < scalars.count, "市区县".unicodeScalars.contains(scalars[end]) {
                    let digits = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                    if !digits.isEmpty { return "\(letter)/\(letter)\(digits)" }
                    if city == nil { city = String(letter) }
                }
                index = end
            }
            return city
        }
    }

    /// `hotline eval emergencies`: precision and recall of the emergency rules.
    struct Emergencies: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "emergencies", abstract: "Precision/recall of emergency detection (CSV: text, lines such as 110+120 or empty, set dev/test)")

        @Argument(help: "The labelled utterances") var file = "eval/emergency.csv"

        func run() throws {
            let table = try CSVTable(contentsOf: URL(fileURLWithPath: file))
            let detector = EmergencyDetector()
            for subset in ["dev", "test", "all"] {
                var (tp, fp, fn, exact, total) = (0, 0, 0, 0, 0)
                for row in table.rows where row.count > 2 && (subset == "all" || row[2] == subset) {
                    let expected = Set(row[1].split(separator: "+").compactMap { EmergencyLine(rawValue: String($0)) })
                    let assessment = detector.assess(row[0])
                    total += 1
                    if !expected.isEmpty && assessment.isEmergency { tp += 1 }
                    if expected.isEmpty && assessment.isEmergency { fp += 1 }
                    if !expected.isEmpty && !assessment.isEmergency { fn += 1 }
                    if expected == Set(assessment.lines) { exact += 1 }
                }
                let precision = tp + fp == 0 ? 0 : Double(tp) / Double(tp + fp)
                let recall = tp + fn == 0 ? 0 : Double(tp) / Double(tp + fn)
                print(String(format: "%@: %d texts, %d emergencies: precision %.3f recall %.3f; the right line(s) for %d of %d", subset as NSString,
                             total, tp + fn, precision, recall, exact, total))
            }
        }
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

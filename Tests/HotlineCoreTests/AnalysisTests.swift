import Foundation
import Testing

@testable import HotlineCore

/// Volumes, early warnings and hotspots on hand-built data; every expected value is worked out in the comments.
@Suite("Analysis: volumes, sudden rises, repeats and hotspots")
struct AnalysisTests {
    static func day(_ text: String) -> CivilDate { CivilDate(text)! }

    // MARK: Volumes

    @Test("环比 and 同比 per key, shares, and keys seen only before")
    func volumeComparison() {
        let counts = [
            DailyCount(day: Self.day("2026-11-03"), key: "03", count: 6), DailyCount(day: Self.day("2026-11-20"), key: "03", count: 4),
            DailyCount(day: Self.day("2026-11-05"), key: "07", count: 10),
            DailyCount(day: Self.day("2026-10-31"), key: "03", count: 5), // October: 03 had 5, 07 had 0
            DailyCount(day: Self.day("2025-11-15"), key: "03", count: 20), DailyCount(day: Self.day("2025-11-30"), key: "07", count: 8),
            DailyCount(day: Self.day("2026-10-02"), key: "99", count: 2), // only before
            DailyCount(day: Self.day("2026-12-01"), key: "03", count: 100), // after: not counted
        ]
        let rows = Volumes.compare(counts, period: AssessmentPeriod("2026-11")!)
        #expect(rows.map(\.key) == ["03", "07", "99"]) // 10, 10 (tie by key), 0
        let category03 = rows[0]
        #expect(category03.current == 10 && category03.previous == 5 && category03.yearBefore == 20)
        #expect(category03.periodOnPeriod == 1.0) // (10 − 5) ÷ 5
        #expect(category03.yearOnYear == -0.5) // (10 − 20) ÷ 20
        #expect(category03.share == 0.5) // 10 of 20
        #expect(rows[1].periodOnPeriod == nil) // nothing in October to compare with
        #expect(abs((rows[1].yearOnYear ?? 0) - 0.25) < 1e-9) // (10 − 8) ÷ 8
        #expect(rows[2].current == 0 && rows[2].previous == 2 && rows[2].periodOnPeriod == -1)
    }

    @Test("A trend has every bucket, empty ones as 0; weeks start on Monday, months on the 1st")
    func trendSeries() {
        let counts = [DailyCount(day: Self.day("2026-11-02"), key: "", count: 3), DailyCount(day: Self.day("2026-11-08"), key: "", count: 2),
                      DailyCount(day: Self.day("2026-11-10"), key: "", count: 1), DailyCount(day: Self.day("2026-12-01"), key: "x", count: 4)]
        let days = Volumes.series(counts, from: Self.day("2026-11-01"), to: Self.day("2026-11-04"), by: .day)
        #expect(days.map(\.count) == [0, 3, 0])
        let weeks = Volumes.series(counts, from: Self.day("2026-11-02"), to: Self.day("2026-11-16"), by: .week)
        #expect(weeks.map(\.start) == [Self.day("2026-11-02"), Self.day("2026-11-09")] && weeks.map(\.count) == [5, 1])
        let months = Volumes.series(counts, from: Self.day("2026-11-01"), to: Self.day("2027-01-01"), by: .month)
        #expect(months.map(\.count) == [6, 4] && Granularity.month.label(of: months[1].start) == "2026-12")
        #expect(Volumes.series(counts, from: Self.day("2026-11-01"), to: Self.day("2027-01-01"), by: .month, key: "x").map(\.count) == [0, 4])
    }

    @Test("A day is a period: its day before, its day a year before (28 February for the 29th)")
    func dayPeriods() {
        let day = AssessmentPeriod("2026-11-03")!
        #expect(day.kind == .day && day.end == Self.day("2026-11-04") && day.code == "2026-11-03")
        #expect(day.previous.code == "2026-11-02" && day.next.code == "2026-11-04" && day.yearBefore.code == "2025-11-03")
        #expect(AssessmentPeriod("2028-02-29")!.yearBefore.code == "2027-02-28")
        #expect(AssessmentPeriod("2026-02-30") == nil && AssessmentPeriod("2026-1-03") == nil)
    }

    @Test("a trend's window and buckets follow the period; the ISO week of a day")
    func trendWindow() {
        #expect(Granularity.trend(for: AssessmentPeriod("2026-11-03")!) == (Self.day("2026-10-05"), .day))
        #expect(Granularity.trend(for: AssessmentPeriod("2026-W48")!) == (Self.day("2026-09-07"), .week))
        #expect(Granularity.trend(for: AssessmentPeriod("2026-11")!) == (Self.day("2025-12-01"), .month))
        #expect(AssessmentPeriod.week(containing: Self.day("2026-11-29")).code == "2026-W48")
        #expect(AssessmentPeriod.week(containing: Self.day("2027-01-01")).code == "2026-W53")
    }

    @Test("a CSV field is quoted when it must be, and a formula is defused where a person opens it")
    func csvFields() {
        #expect(CSV.field("路灯") == "路灯" && CSV.field("a,b") == "\"a,b\"" && CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"" && CSV.field("\t=1") == "'\t=1" && CSV.field("-0.5") == "'-0.5")
        #expect(CSV.field("-0.5", guardingFormulas: false) == "-0.5")
        #expect(CSV.parse(CSV.field("第一行\n第二行, 有逗号") + "\n") == [["第一行\n第二行, 有逗号"]])
    }

    // MARK: Sudden rises

    /// No public holidays: weekdays work, weekends rest.
    static let plain = WorkingCalendar(days: [])

    @Test("The baseline is the 7 days of the same kind that end 2 such days before")
    func baselineDays() {
        let detector = RiseDetector()
        // Wednesday 2026-11-18: skip Tue 17, Mon 16; then Fri 13, Thu 12, Wed 11, Tue 10, Mon 9, Fri 6, Thu 5.
        #expect(detector.baseline(of: Self.day("2026-11-18"), calendar: Self.plain).map(\.description)
            == ["2026-11-13", "2026-11-12", "2026-11-11", "2026-11-10", "2026-11-09", "2026-11-06", "2026-11-05"])
        // Sunday 2026-11-22: skip Sat 21, Sun 15; then Sat 14, Sun 8, Sat 7, Sun 1, Sat Oct 31, Sun Oct 25, Sat Oct 24.
        #expect(detector.baseline(of: Self.day("2026-11-22"), calendar: Self.plain).map(\.description)
            == ["2026-11-14", "2026-11-08", "2026-11-07", "2026-11-01", "2026-10-31", "2026-10-25", "2026-10-24"])
        // A holiday on Wednesday 11th is a rest day: a working day's baseline passes over it, a Sunday's takes it.
        let holiday = WorkingCalendar(days: [CalendarDay(date: Self.day("2026-11-11"), kind: .holiday, name: "测试")])
        #expect(!detector.baseline(of: Self.day("2026-11-18"), calendar: holiday).contains(Self.day("2026-11-11")))
        #expect(detector.baseline(of: Self.day("2026-11-18"), calendar: holiday).last == Self.day("2026-11-04"))
        #expect(detector.baseline(of: Self.day("2026-11-22"), calendar: holiday).contains(Self.day("2026-11-11")))
    }

    @Test("A rise alarms above mean + 3 deviations, with a floor and a minimum count")
    func riseSignals() {
        let detector = RiseDetector()
        var series: [CivilDate: Int] = [:]
        // Working days of November: 2 a day, except 4 on the 10th (so the deviation is not zero).
        for offset in 0..<30 {
            let day = Self.day("2026-11-01").adding(days: offset)
            if Self.plain.isWorkingDay(day) { series[day] = 2 }
        }
        series[Self.day("2026-11-10")] = 4
        // Wed 18th: baseline 2,2,2,4,2,2,2 → mean 16/7 = 2.2857, sample deviation √((6·0.0816 + 2.9388)/6) = 0.7559.
        series[Self.day("2026-11-18")] = 5
        let five = detector.signal(key: "k", day: Self.day("2026-11-18"), counts: series, calendar: Self.plain)
        // (5 − 2.2857) ÷ max(0.7559, 1) = 2.71: not above 3.
        #expect(five == nil)
        series[Self.day("2026-11-18")] = 6
        let six = detector.signal(key: "k", day: Self.day("2026-11-18"), counts: series, calendar: Self.plain)
        // (6 − 2.2857) ÷ 1 = 3.71.
        #expect(six != nil && abs(six!.expected - 16.0 / 7) < 1e-9 && abs(six!.score - (6 - 16.0 / 7)) < 1e-9)
        // A quiet series: 4 after nothing is below the minimum count of 5.
        #expect(detector.signal(key: "q", day: Self.day("2026-11-18"), counts: [Self.day("2026-11-18"): 4], calendar: Self.plain) == nil)
        #expect(detector.signal(key: "q", day: Self.day("2026-11-18"), counts: [Self.day("2026-11-18"): 5], calendar: Self.plain)?.score == 5)
        // A Saturday with 5 is compared with Saturdays and Sundays (nothing), not with the working week.
        #expect(detector.signal(key: "k", day: Self.day("2026-11-21"), counts: series.merging([Self.day("2026-11-21"): 5]) { $1 },
                                calendar: Self.plain) != nil)
        // A rise under way does not lift its own baseline: the two days before are the guard band.
        var rising = series
        rising[Self.day("2026-11-16")] = 9
        rising[Self.day("2026-11-17")] = 9
        #expect(detector.signal(key: "k", day: Self.day("2026-11-18"), counts: rising, calendar: Self.plain) != nil)
        let signals = detector.signals(on: Self.day("2026-11-18"), counts: ["k": series, "q": [Self.day("2026-11-18"): 5]], calendar: Self.plain)
        #expect(signals.map(\.key) == ["q", "k"]) // 5.0 before 3.71
    }

    @Test("The fixed-threshold rule alarms from above the 95th percentile of its training days")
    func fixedThreshold() {
        let days = (0..<20).map { Self.day("2026-10-01").adding(days: $0) }
        // 19 days of 3 and one of 9: the 95th percentile of 20 values is the 19th smallest, 3; the threshold is 3 + 1, at least 5.
        var series = Dictionary(uniqueKeysWithValues: days.map { ($0, 3) })
        series[days[0]] = 9
        let rule = FixedThresholdRule(training: ["k": series], days: days)
        #expect(rule.thresholds["k"] == 5 && rule.alarms("k", count: 5) && !rule.alarms("k", count: 4) && rule.alarms("unseen", count: 5))
    }

    // MARK: Repeats

    @Test("Three reports by one requester within 30 days, the last on the day, make a repeat")
    func repeats() {
        let rule = RepeatRule()
        let tickets: [(key: String, id: Int64, day: CivilDate)] = [
            ("p1", 1, Self.day("2026-10-20")), ("p1", 2, Self.day("2026-11-10")), ("p1", 3, Self.day("2026-11-18")),
            ("p2", 4, Self.day("2026-10-01")), ("p2", 5, Self.day("2026-11-10")), ("p2", 6, Self.day("2026-11-18")), // 4 is 49 days before
            ("p3", 7, Self.day("2026-11-01")), ("p3", 8, Self.day("2026-11-02")), ("p3", 9, Self.day("2026-11-03")), // none on the 18th
        ]
        let found = rule.repeats(on: Self.day("2026-11-18"), tickets)
        #expect(found.map(\.key) == ["p1"] && found[0].ids == [1, 2, 3])
        #expect(rule.windowStart(endingOn: Self.day("2026-11-18")) == Self.day("2026-10-20"))
        #expect(RepeatRule.placeKey("临江市江北区") == nil && RepeatRule.placeKey("临江市江北区 滨江路88号") == "临江市江北区滨江路88号")
    }

    // MARK: Hotspots

    static let now = shanghai("2026-11-30 12:00")

    static func item(_ id: Int64, _ title: String, _ text: String, place: String?, _ time: String, requester: String?, likes: Int = 0) -> HotspotItem {
        HotspotItem(id: id, reference: "T\(id)", title: title, text: text, place: place, time: shanghai(time), requester: requester, likes: likes)
    }

    static let noise = "景蓉华苑小区旁边的工地每天夜里施工到凌晨两点，噪音很大，严重影响居民休息，请有关部门尽快处理"
    static let water = "滨江路自来水管道破裂，路面大量积水，车辆行人无法通行，请尽快派人抢修恢复供水"

    @Test("Similar reports of one place join one hotspot; unrelated ones and clusters below the minimum do not")
    func hotspotClusters() {
        let items = [
            Self.item(1, "景蓉华苑工地夜间施工噪音扰民", Self.noise, place: "330102", "2026-11-20 22:10", requester: "a", likes: 3),
            Self.item(2, "景蓉华苑旁工地深夜施工", "景蓉华苑小区旁边工地每天夜里施工到凌晨，噪音太大，影响居民休息，请尽快处理", place: "330102",
                      "2026-11-21 23:00", requester: "b"),
            Self.item(3, "工地夜间施工噪音", "景蓉华苑小区旁的工地夜里施工到凌晨两点，噪音很大，居民无法休息，希望有关部门处理", place: "330102",
                      "2026-11-22 01:00", requester: "a"),
            Self.item(4, "滨江路水管破裂", Self.water, place: "330105", "2026-11-25 08:00", requester: "c"),
            Self.item(5, "滨江路水管爆裂积水", "滨江路自来水管道破裂，路面大量积水，行人车辆无法通行，请尽快抢修", place: "330105", "2026-11-25 09:00",
                      requester: "d"),
            Self.item(6, "咨询公积金提取", "请问公积金提取需要哪些材料，在哪里办理", place: nil, "2026-11-26 10:00", requester: "e"),
        ]
        let finder = HotspotFinder()
        let found = finder.find(items, now: Self.now, regionName: { $0 == "330102" ? "江北区" : nil })
        // The noise cluster (3 items) is a hotspot; the water cluster has 2, below the minimum of 3.
        #expect(found.count == 1)
        let noise = found[0]
        #expect(noise.rank == 1 && noise.memberIds == [1, 2, 3] && noise.references == ["T1", "T2", "T3"])
        #expect(noise.requesters == 2 && noise.engagement == 3) // a twice, b once; 3 likes
        #expect(noise.place == "景蓉华苑" && noise.region == "江北区")
        #expect(noise.from == shanghai("2026-11-20 22:10") && noise.to == shanghai("2026-11-22 01:00"))
        // N 3, R 2, E 3, newest 8.46 days before now, span 1.12 days:
        // 10 × (log₂4 + 0.5·log₂3 + 0.25·log₂4) × 2^(−8.458/30) × (1 + 1/(1 + 1.119/7)).
        let age = Self.now.timeIntervalSince(shanghai("2026-11-22 01:00")) / 86_400
        let span = shanghai("2026-11-22 01:00").timeIntervalSince(shanghai("2026-11-20 22:10")) / 86_400
        let expected = 10 * (2 + 0.5 * log2(3) + 0.25 * 2) * pow(2, -age / 30) * (1 + 1 / (1 + span / 7))
        #expect(abs(noise.heat - expected) < 1e-9)
        // With a minimum of 2 the water cluster appears too, and ranks by heat.
        let pairs = HotspotFinder(minimumSize: 2).find(items, now: Self.now)
        #expect(pairs.map(\.memberIds) == [[1, 2, 3], [4, 5]] && pairs.map(\.rank) == [1, 2])
        #expect(pairs[1].place == "滨江路")
        // Signatures stored at intake cluster exactly as those computed here; a damaged one is computed again.
        let stored = items.map { item in
            var copy = item
            copy.signature = HotspotFinder.decodedSignature(HotspotFinder.encodedSignature(title: item.title, text: item.text))
            return copy
        }
        #expect(stored.allSatisfy { $0.signature?.count == 128 })
        #expect(HotspotFinder(minimumSize: 2).find(stored, now: Self.now) == pairs)
        #expect(HotspotFinder.decodedSignature("bm90IGEgc2lnbmF0dXJl") == nil && HotspotFinder.decodedSignature(nil) == nil)
        var damaged = stored
        damaged[0].signature = [1, 2, 3]
        #expect(HotspotFinder(minimumSize: 2).find(damaged, now: Self.now) == pairs)
    }

    @Test("Heat grows with tickets, requesters and engagement, and fades with age")
    func heatIndex() {
        let finder = HotspotFinder()
        let at = Self.now
        let base = finder.heat(tickets: 5, requesters: 5, engagement: 0, newest: at, oldest: at, now: at)
        #expect(abs(base - 10 * (log2(6) + 0.5 * log2(6)) * 2) < 1e-9) // no age, no span: F_span = 2
        #expect(finder.heat(tickets: 6, requesters: 5, engagement: 0, newest: at, oldest: at, now: at) > base)
        #expect(finder.heat(tickets: 5, requesters: 5, engagement: 10, newest: at, oldest: at, now: at) > base)
        #expect(finder.heat(tickets: 5, requesters: 1, engagement: 0, newest: at, oldest: at, now: at) < base)
        let monthOld = finder.heat(tickets: 5, requesters: 5, engagement: 0, newest: at.addingTimeInterval(-30 * 86_400),
                                   oldest: at.addingTimeInterval(-30 * 86_400), now: at)
        #expect(abs(monthOld - base / 2) < 1e-9) // one half-life
        let spread = finder.heat(tickets: 5, requesters: 5, engagement: 0, newest: at, oldest: at.addingTimeInterval(-7 * 86_400), now: at)
        #expect(abs(spread - base * 0.75) < 1e-9) // F_span 1.5 instead of 2
    }

    @Test("Place names are read from the text, cut at words that are not part of a name")
    func placeTerms() {
        #expect(PlaceTerms.extract("位于A市A2区桂花坪街道的景蓉华苑出现乱象") == ["A市A2区桂花坪街道", "景蓉华苑"])
        #expect(PlaceTerms.extract("我们小区门口的人民路") == ["人民路"])
        #expect(PlaceTerms.extract("这个小区") == [])
    }
}

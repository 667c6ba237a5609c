import Foundation

/// An assessment indicator (考核指标) as data: what it counts, over which units, and how its value earns points.
/// A center's administrator edits these; `docs/indicators.md` and the admin page show each formula in words.
public struct IndicatorDefinition: Sendable, Codable, Hashable {
    /// What the indicator's value is.
    public enum Formula: Sendable, Codable, Hashable {
        /// How many turns `Measure` counts (超期件数).
        case count(Measure)
        /// `numerator ÷ denominator` (a rate between 0 and 1).
        case ratio(numerator: Measure, denominator: Measure)
        /// The mean working days from dispatch to the approved reply, over replies approved in the period.
        case averageHandlingDays
    }

    /// Whose the counted turns are.
    public enum UnitOfCount: String, Sendable, Codable, Hashable {
        /// The main unit's own.
        case mainUnit
        /// The unit's own and those of every unit below it (a district counts its streets).
        case rolledUp
    }

    /// How a value earns points: `weight` points times a fraction read off `curve` — straight lines between its points,
    /// flat beyond the first and the last — held between `floor` and `cap`. A falling curve scores "lower is better".
    public struct Scoring: Sendable, Codable, Hashable {
        public struct Point: Sendable, Codable, Hashable {
            public var value: Double
            public var fraction: Double
            public init(_ value: Double, _ fraction: Double) {
                self.value = value
                self.fraction = fraction
            }
        }

        public var weight: Double
        public var curve: [Point]
        public var floor: Double
        public var cap: Double

        public init(weight: Double, curve: [Point], floor: Double = 0, cap: Double = 1) {
            self.weight = weight
            self.curve = curve
            self.floor = floor
            self.cap = cap
        }

        /// Not scored: shown for information only.
        public static let none = Scoring(weight: 0, curve: [])

        /// The curve as an administrator writes it: `value:fraction` pairs, comma-separated (`0.8:0, 1:1`).
        public var curveText: String {
            curve.map { "\(Self.number($0.value)):\(Self.number($0.fraction))" }.joined(separator: ", ")
        }

        /// A curve read from `curveText`'s form (commas, Chinese commas or semicolons between pairs); a pair that does
        /// not read is a 400 naming `field`.
        public static func curve(from text: String, field: String) throws -> [Point] {
            try text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == ";" }).map { pair in
                let parts = pair.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let value = Double(parts[0]), let fraction = Double(parts[1]), value.isFinite, fraction.isFinite else {
                    throw HotlineError.invalid(field, "评分曲线须写成“指标值:得分比例”，以逗号分隔 (value:fraction pairs)")
                }
                return Point(value, fraction)
            }
        }

        /// A number as the scheme page shows it: as short as it reads back exactly (`0.8`, `25`).
        public static func number(_ value: Double) -> String { String(format: "%g", value) }

        /// The points `value` earns.
        public func points(for value: Double) -> Double {
            guard weight > 0, let first = curve.first, let last = curve.last else { return 0 }
            let fraction: Double
            if value <= first.value {
                fraction = first.fraction
            } else if value >= last.value {
                fraction = last.fraction
            } else {
                let upper = curve.firstIndex { $0.value >= value }!
                let (a, b) = (curve[upper - 1], curve[upper])
                fraction = b.value == a.value ? b.fraction : a.fraction + (b.fraction - a.fraction) * (value - a.value) / (b.value - a.value)
            }
            return weight * min(max(fraction, floor), cap)
        }
    }

    /// A stable code, such as `onTimeCompletion`.
    public var code: String
    public var name: String
    public var englishName: String
    public var formula: Formula
    public var unitOfCount: UnitOfCount
    public var scoring: Scoring

    public init(code: String, name: String, englishName: String, formula: Formula, unitOfCount: UnitOfCount = .mainUnit,
                scoring: Scoring = .none) {
        self.code = code
        self.name = name
        self.englishName = englishName
        self.formula = formula
        self.unitOfCount = unitOfCount
        self.scoring = scoring
    }

    /// Whose work the indicator counts: the main units' turns, the co-units', or knowledge tasks (a ratio's numerator
    /// narrows its denominator, so both count the same work).
    public var role: Assignment.Role {
        switch formula {
        case .count(let measure): measure.role
        case .ratio(_, let denominator): denominator.role
        case .averageHandlingDays: .main
        }
    }

    /// The formula in words, as the admin page and `docs/indicators.md` show it.
    public func formulaText(english: Bool = false) -> String {
        let exclusion = switch (role, english) {
        case (.knowledge, true): "; due \(KnowledgeTasks.verifyWorkingDays) working days after an entry is sent for verification, \(KnowledgeTasks.correctWorkingDays) after an error report"
        case (.knowledge, false): "；送校核的条目\(KnowledgeTasks.verifyWorkingDays)个工作日内校核，纠错报告\(KnowledgeTasks.correctWorkingDays)个工作日内处理"
        case (_, true): "; tickets not accepted, merged or unreasonable repeats, and tickets excluded on appeal, are not counted"
        case (_, false): "；不予受理、合并、无理重复诉求的工单及申诉核减的工单不计入"
        }
        let whose = unitOfCount == .rolledUp ? (english ? " (the unit and every unit below it)" : "（含下级单位）") : ""
        let body: String
        switch formula {
        case .count(let measure): body = measure.label(english: english)
        case .ratio(let numerator, let denominator):
            body = "\(numerator.label(english: english)) ÷ \(denominator.label(english: english))"
        case .averageHandlingDays:
            body = english ? "mean working days from dispatch to the approved reply" : "派单至答复审核通过的平均工作日数"
        }
        return body + whose + exclusion
    }
}

/// A center's indicators and their weights, versioned: every published result names the version it was scored by.
public struct AssessmentScheme: Sendable, Codable, Hashable {
    public var version: Int
    public var indicators: [IndicatorDefinition]

    /// 申诉期: working days after a period in which its units may appeal (nil: `Appeal.windowWorkingDays`).
    public var appealWorkingDays: Int?

    public init(version: Int, indicators: [IndicatorDefinition], appealWorkingDays: Int? = nil) {
        self.version = version
        self.indicators = indicators
        self.appealWorkingDays = appealWorkingDays
    }

    /// The working days of the appeal window.
    public var appealWindow: Int { appealWorkingDays ?? Appeal.windowWorkingDays }

    /// The scheme, or a 400 naming what is wrong: codes unique and well formed, names given, a ratio's numerator
    /// narrowing its denominator, curves in rising order of value with fractions between 0 and 1, floor ≤ cap, and
    /// the weights summing to 100.
    public func validated() throws -> AssessmentScheme {
        guard !indicators.isEmpty, indicators.count <= 60 else { throw HotlineError.invalid("indicators", "须有1到60项指标 (1–60 indicators)") }
        guard (1...30).contains(appealWindow) else { throw HotlineError.invalid("appealWorkingDays", "申诉期须为1到30个工作日 (1–30 working days)") }
        var codes = Set<String>()
        for indicator in indicators {
            let code = indicator.code
            guard (1...40).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), codes.insert(code).inserted else {
                throw HotlineError.invalid("code", "指标编码须唯一，1到40位字母或数字 (\(code))")
            }
            guard !indicator.name.trimmingCharacters(in: .whitespaces).isEmpty, indicator.name.count <= 40,
                !indicator.englishName.trimmingCharacters(in: .whitespaces).isEmpty, indicator.englishName.count <= 80
            else { throw HotlineError.invalid("name", "指标「\(code)」须有中英文名称 (names required)") }
            if case .ratio(let numerator, let denominator) = indicator.formula {
                var chain = numerator.narrows
                while let next = chain, next != denominator { chain = next.narrows }
                guard chain == denominator else {
                    throw HotlineError.invalid("formula", "指标「\(code)」的分子「\(numerator.label)」不是分母「\(denominator.label)」的一部分")
                }
            }
            let scoring = indicator.scoring
            guard scoring.weight >= 0, scoring.weight <= 100, (0...1).contains(scoring.floor), (0...1).contains(scoring.cap),
                scoring.floor <= scoring.cap
            else { throw HotlineError.invalid("scoring", "指标「\(code)」的权重须在0到100之间，下限不高于上限 (weight 0–100, floor ≤ cap)") }
            if scoring.weight > 0 {
                let values = scoring.curve.map(\.value)
                guard scoring.curve.count >= 2, zip(values, values.dropFirst()).allSatisfy({ $0 < $1 }),
                    scoring.curve.allSatisfy({ (0...1).contains($0.fraction) && $0.value.isFinite })
                else { throw HotlineError.invalid("curve", "指标「\(code)」的计分曲线须至少两点、按值递增、得分比例在0到1之间") }
            }
        }
        let total = indicators.map(\.scoring.weight).reduce(0, +)
        guard abs(total - 100) < 0.001 else {
            throw HotlineError.invalid("weight", "各项指标权重之和须为100，现为\(total.formatted()) (weights must sum to 100)")
        }
        return self
    }
}

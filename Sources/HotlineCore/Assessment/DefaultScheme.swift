import Foundation

extension AssessmentScheme {
    /// The scheme a center starts with (100 points), from public practice (三门峡、商丘、安阳): timeliness 40 (co-units'
    /// input included), quality 50, conduct 5, knowledge-base upkeep 5; volumes, overdue and supervised counts and
    /// handling time are shown unscored.
    public static let standard = AssessmentScheme(version: 1, indicators: [
        IndicatorDefinition(code: "volume", name: "工单量", englishName: "Volume", formula: .count(.dispatched)),
        IndicatorDefinition(code: "onTimeSigning", name: "及时签收率", englishName: "On-time signing",
                            formula: .ratio(numerator: .signedOnTime, denominator: .signDue), scoring: rising(10, from: 0.8)),
        IndicatorDefinition(code: "response", name: "响应率", englishName: "Response",
                            formula: .ratio(numerator: .contactedInTime, denominator: .signed), scoring: rising(10, from: 0.8)),
        IndicatorDefinition(code: "onTimeCompletion", name: "按时办结率", englishName: "On-time completion",
                            formula: .ratio(numerator: .repliedOnTime, denominator: .replyDue), scoring: rising(15, from: 0.7)),
        IndicatorDefinition(code: "completion", name: "办结率", englishName: "Completion",
                            formula: .ratio(numerator: .closedOfDue, denominator: .replyDue), scoring: rising(10, from: 0.7)),
        IndicatorDefinition(code: "satisfaction", name: "满意率", englishName: "Satisfaction",
                            formula: .ratio(numerator: .satisfied, denominator: .evaluated), scoring: rising(20, from: 0.6)),
        IndicatorDefinition(code: "resolution", name: "解决率", englishName: "Resolution",
                            formula: .ratio(numerator: .resolved, denominator: .evaluated), scoring: rising(10, from: 0.5)),
        IndicatorDefinition(code: "callback", name: "回访率", englishName: "Callback",
                            formula: .ratio(numerator: .calledBack, denominator: .reachedCallback)),
        IndicatorDefinition(code: "returnRate", name: "退单率", englishName: "Returns",
                            formula: .ratio(numerator: .returnRequested, denominator: .dispatched)),
        IndicatorDefinition(code: "unjustifiedReturns", name: "退单驳回率", englishName: "Returns denied",
                            formula: .ratio(numerator: .returnDenied, denominator: .returnRequested), scoring: falling(5, to: 0.5)),
        IndicatorDefinition(code: "extensionRate", name: "延期率", englishName: "Extensions",
                            formula: .ratio(numerator: .extended, denominator: .dispatched)),
        IndicatorDefinition(code: "redoRate", name: "重办率", englishName: "Redone",
                            formula: .ratio(numerator: .redone, denominator: .replied), scoring: falling(10, to: 0.3)),
        IndicatorDefinition(code: "overdue", name: "超期件数", englishName: "Overdue", formula: .count(.overdue)),
        IndicatorDefinition(code: "supervised", name: "督办件数", englishName: "Supervised", formula: .count(.supervised)),
        IndicatorDefinition(code: "handlingDays", name: "平均办理时长", englishName: "Mean handling days", formula: .averageHandlingDays),
        IndicatorDefinition(code: "coVolume", name: "协办件数", englishName: "Co-unit tickets", formula: .count(.coAssigned)),
        IndicatorDefinition(code: "coOnTime", name: "协办及时反馈率", englishName: "Co-unit input on time",
                            formula: .ratio(numerator: .coInputOnTime, denominator: .coInputDue), scoring: rising(5, from: 0.6)),
        IndicatorDefinition(code: "knowledgeUpkeep", name: "知识库维护", englishName: "Knowledge-base upkeep",
                            formula: .ratio(numerator: .knowledgeOnTime, denominator: .knowledgeDue), scoring: rising(5, from: 0.6)),
    ])

    /// Full points at 100%, none at `low` or below.
    static func rising(_ weight: Double, from low: Double) -> IndicatorDefinition.Scoring {
        .init(weight: weight, curve: [.init(low, 0), .init(1, 1)])
    }

    /// Full points at 0%, none at `high` or above.
    static func falling(_ weight: Double, to high: Double) -> IndicatorDefinition.Scoring {
        .init(weight: weight, curve: [.init(0, 1), .init(high, 0)])
    }
}

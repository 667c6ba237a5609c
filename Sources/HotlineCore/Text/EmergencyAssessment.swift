/// The result of `EmergencyDetector.assess`: what was found and where to transfer.
public struct EmergencyAssessment: Hashable, Sendable {
    /// Confirmed triggers in text order.
    public var matches: [EmergencyMatch]

    /// Whether anything calls for a transfer.
    public var isEmergency: Bool { !matches.isEmpty }

    /// The lines to transfer to, by number.
    public var lines: [EmergencyLine] {
        Array(Set(matches.flatMap(\.lines))).sorted()
    }

    /// 「「着火了」→ 119；「有人晕倒」→ 120」, or nil if nothing was found.
    public var explanation: String? {
        guard isEmergency else { return nil }
        return matches.map { "「\($0.phrase)」→ " + $0.lines.map(\.rawValue).joined(separator: "+") }.joined(separator: "；")
    }
}

/// One confirmed trigger.
public struct EmergencyMatch: Hashable, Sendable {
    /// The danger.
    public var category: EmergencyCategory
    /// Lines for this danger.
    public var lines: [EmergencyLine]
    /// The words that triggered it, as written (trigger plus companion, if any).
    public var phrase: String
    /// Offsets in Unicode scalars of the text.
    public var range: Range<Int>
}

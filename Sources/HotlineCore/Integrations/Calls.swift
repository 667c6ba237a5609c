import Foundation

/// What the center's phone system (PBX / call-center software) reports about a call.
public enum CallEventKind: String, Labelled {
    case ringing, answered, ended

    public var label: String {
        switch self {
        case .ringing: "振铃"
        case .answered: "接听"
        case .ended: "挂机"
        }
    }
}

/// One call as Hotline keeps it (来电记录).
public struct CallRecord: Sendable, Equatable {
    public var id: Int64
    public var centerId: Int64
    /// The phone system's id of the call.
    public var callId: String
    /// The caller's number (decrypted for the agent it rings at; kept encrypted).
    public var caller: String?
    public var agentUserId: Int64?
    public var ringingAt: Date?
    public var answeredAt: Date?
    public var endedAt: Date?
    public var recordingURL: String?
    /// The ticket recorded during the call.
    public var ticketId: Int64?

    public init(id: Int64, centerId: Int64, callId: String, caller: String?, agentUserId: Int64?, ringingAt: Date?, answeredAt: Date?, endedAt: Date?,
                recordingURL: String?, ticketId: Int64?) {
        self.id = id
        self.centerId = centerId
        self.callId = callId
        self.caller = caller
        self.agentUserId = agentUserId
        self.ringingAt = ringingAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.recordingURL = recordingURL
        self.ticketId = ticketId
    }

    /// Seconds from ringing to answer (nil until answered).
    public var answerSeconds: Double? {
        guard let ringingAt, let answeredAt else { return nil }
        return max(0, answeredAt.timeIntervalSince(ringingAt))
    }
}

/// The phone indicators of GB/T 33358 over a window: the connection rate (接通率, target ≥ 95% over 24 hours) and
/// the share answered within 15 seconds.
public struct CallStatistics: Sendable, Equatable, Codable {
    /// Calls that rang in the window.
    public var offered: Int
    public var answered: Int
    public var answeredWithin15s: Int
    /// Mean seconds to answer, of the answered.
    public var meanAnswerSeconds: Double?

    public static let answerTarget: TimeInterval = 15
    public static let connectionTarget = 0.95

    public init(calls: [CallRecord]) {
        let rung = calls.filter { $0.ringingAt != nil }
        offered = rung.count
        let waits = rung.compactMap(\.answerSeconds)
        answered = waits.count
        answeredWithin15s = waits.filter { $0 <= Self.answerTarget }.count
        meanAnswerSeconds = waits.isEmpty ? nil : waits.reduce(0, +) / Double(waits.count)
    }

    /// 接通率: answered of offered (nil without calls).
    public var connectionRate: Double? { offered == 0 ? nil : Double(answered) / Double(offered) }
    /// 15秒接通率: answered within 15 s of offered.
    public var answerRate: Double? { offered == 0 ? nil : Double(answeredWithin15s) / Double(offered) }
}

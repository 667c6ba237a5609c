import Foundation

/// An appeal (申诉) by a unit against one ticket counting against it in one indicator of a period — a dissatisfied
/// rating it could not help, an overdue caused by another party, a redo that was not its fault. A center supervisor
/// approves or denies it; an approved appeal takes the ticket out of that indicator (销号), and both steps are events
/// of the ticket's history in the audit chain.
public struct Appeal: Sendable, Hashable, Codable {
    public enum Status: String, Labelled {
        case pending, approved, denied

        public var label: String {
            switch self {
            case .pending: "待审核"
            case .approved: "已核减"
            case .denied: "未通过"
            }
        }
    }

    public var id: Int64
    public var centerId: Int64
    public var unitId: Int64
    public var ticketId: Int64
    public var period: String
    public var indicatorCode: String
    public var reason: String
    public var status: Status
    public var createdAt: Date
    public var decidedAt: Date?
    public var decisionNote: String?
    /// The history event the appeal was filed with: the files attached to it are the appeal's evidence (证明材料).
    public var eventSeq: Int64?

    public init(id: Int64, centerId: Int64, unitId: Int64, ticketId: Int64, period: String, indicatorCode: String, reason: String,
                status: Status, createdAt: Date, decidedAt: Date? = nil, decisionNote: String? = nil, eventSeq: Int64? = nil) {
        self.id = id
        self.centerId = centerId
        self.unitId = unitId
        self.ticketId = ticketId
        self.period = period
        self.indicatorCode = indicatorCode
        self.reason = reason
        self.status = status
        self.createdAt = createdAt
        self.decidedAt = decidedAt
        self.decisionNote = decisionNote
        self.eventSeq = eventSeq
    }

    /// How many working days after a period ends its appeals may be filed (申诉期), unless the center's scheme says.
    public static let windowWorkingDays = 5

    /// The last moment to appeal `period`: the end of the `workingDays`-th working day after it ends (for 2026-11 and
    /// 5 days, Monday 7 December at the close of office hours: 1, 2, 3, 4 and 7 December).
    public static func deadline(for period: AssessmentPeriod, calendar: WorkingCalendar, workingDays: Int = windowWorkingDays) -> Date {
        calendar.addingWorkingDays(workingDays, to: period.end.adding(days: -1).instant(atMinute: 0))
    }

    /// Whether appeals of `period` may be filed at `now`: from the period's end until its deadline.
    public static func isOpen(_ period: AssessmentPeriod, at now: Date, calendar: WorkingCalendar, workingDays: Int = windowWorkingDays) -> Bool {
        now >= period.instants.end && now <= deadline(for: period, calendar: calendar, workingDays: workingDays)
    }

    /// What an appeal's evidence may be: up to three photos, PDFs or office files of at most 5 MB each (a third-party
    /// review's letter, a photo of the scene, the other party's written confirmation).
    public static let evidence = UploadPolicy(maxBytes: 5 * 1024 * 1024, maxFiles: 3)

    /// The reason checked: required, at most 2,000 characters.
    public static func checkedReason(_ text: String) throws -> String {
        try Lifecycle.required(text, "reason", max: 2000)
    }
}

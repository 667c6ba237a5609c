import Foundation

/// Knowledge-base maintenance (知识库维护) as assessed work: each time an entry is sent to its source unit for
/// verification, the unit has `verifyWorkingDays` working days to verify it or send it back; each error report (纠错)
/// on one of its entries, `correctWorkingDays` to resolve it. Each is a turn of the unit (role `.knowledge`, the
/// entry's id for the ticket's), due at its deadline and done when decided.
public enum KnowledgeTasks {
    /// 校核时限: working days to verify an entry sent for verification.
    public static let verifyWorkingDays = 3
    /// 纠错时限: working days to resolve an error report.
    public static let correctWorkingDays = 5

    /// The verification tasks in an entry's history (its actions in order): a submission opens one; verifying,
    /// sending back or archiving the entry ends it. An edit while it waits takes the entry back to draft but does not
    /// stop the clock: that task stays undone (due, and missed once its deadline passes), so withdrawing an entry
    /// cannot hide a late verification.
    public static func verifications(entryId: Int64, unitId: Int64, history: [(at: Date, action: KnowledgeAction)],
                                     calendar: WorkingCalendar) -> [Assignment] {
        var tasks: [Assignment] = []
        var open: Int?
        for (at, action) in history {
            switch action {
            case .submit:
                var task = Assignment(ticketId: entryId, unitId: unitId, dispatchedAt: at, role: .knowledge)
                task.replyDueAt = calendar.addingWorkingDays(verifyWorkingDays, to: at)
                tasks.append(task)
                open = tasks.count - 1
            case .approve, .reject, .archive:
                if let index = open { tasks[index].firstReplyAt = at }
                open = nil
            case .edit:
                open = nil
            case .restore:
                break
            }
        }
        return tasks
    }

    /// The task an error report on one of the unit's entries sets: due `correctWorkingDays` after it was filed, done
    /// when resolved or dismissed.
    public static func correction(entryId: Int64, unitId: Int64, reportedAt: Date, resolvedAt: Date?, calendar: WorkingCalendar) -> Assignment {
        var task = Assignment(ticketId: entryId, unitId: unitId, dispatchedAt: reportedAt, role: .knowledge)
        task.replyDueAt = calendar.addingWorkingDays(correctWorkingDays, to: reportedAt)
        task.firstReplyAt = resolvedAt
        return task
    }
}

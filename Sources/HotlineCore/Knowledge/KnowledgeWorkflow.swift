import Foundation

/// What can happen to a knowledge-base entry.
public enum KnowledgeAction: String, Labelled {
    /// Write a new entry or change the working copy (a new version; a verified version stays live meanwhile).
    case edit
    /// Send the working copy to the source unit for verification.
    case submit
    /// 校核通过: the working copy becomes the live version.
    case approve
    /// 退回修改: back to draft with the reviewer's remarks.
    case reject
    /// 下线归档: withdraw the entry from the front line.
    case archive
    /// Bring an archived entry back as a draft.
    case restore

    public var label: String {
        switch self {
        case .edit: "编辑"
        case .submit: "提交校核"
        case .approve: "校核通过"
        case .reject: "退回修改"
        case .archive: "下线归档"
        case .restore: "恢复为草稿"
        }
    }
}

/// Who may write, verify and withdraw knowledge, and the status each action leads to.
///
/// Editors (知识库编辑, admins) work on every entry; a unit's own staff write and verify the entries whose source
/// is their unit (多方校核: the matter's owner confirms the answer). Nobody approves their own last edit.
public enum KnowledgeWorkflow {
    static let editorRoles = Role.holding(.editKnowledge)
    /// A unit's own staff: those who handle its tickets.
    static let unitRoles = Role.holding(.handleTickets)

    /// Whether `actor` may write entries of `sourceUnitId` (nil: the center's own knowledge).
    public static func mayWrite(sourceUnitId: Int64?, by actor: Actor) -> Bool {
        guard let role = actor.role else { return false }
        if editorRoles.contains(role) { return true }
        return unitRoles.contains(role) && sourceUnitId != nil && sourceUnitId == actor.unitId
    }

    /// Whether `actor` verifies entries of `sourceUnitId`: its own unit's staff, or editors for the center's own knowledge.
    public static func mayVerify(sourceUnitId: Int64?, by actor: Actor) -> Bool {
        guard let role = actor.role else { return false }
        if let unit = sourceUnitId { return (unitRoles.contains(role) && actor.unitId == unit) || role.may(.verifyUnitKnowledge) }
        return editorRoles.contains(role)
    }

    /// Whether `actor` sees the entry's working copy and history (not only its live version).
    public static func seesWorkingCopy(_ entry: KnowledgeEntry, by actor: Actor) -> Bool {
        mayWrite(sourceUnitId: entry.content.sourceUnitId, by: actor) || mayVerify(sourceUnitId: entry.content.sourceUnitId, by: actor)
            || actor.role?.may(.readKnowledgeDrafts) == true
    }

    /// From which statuses an action starts, and where it leads.
    static func transition(_ action: KnowledgeAction, from status: KnowledgeStatus) -> KnowledgeStatus? {
        switch (action, status) {
        case (.edit, .draft), (.edit, .published), (.edit, .pendingReview): .draft
        case (.submit, .draft): .pendingReview
        case (.approve, .pendingReview): .published
        case (.reject, .pendingReview): .draft
        case (.archive, .draft), (.archive, .pendingReview), (.archive, .published): .archived
        case (.restore, .archived): .draft
        default: nil
        }
    }

    /// Checks `action` on `entry` by `actor` and returns the entry after it (content edits go through `edit`).
    public static func apply(_ action: KnowledgeAction, to entry: KnowledgeEntry, by actor: Actor, note: String, at now: Date) throws
        -> KnowledgeEntry
    {
        let source = entry.content.sourceUnitId
        let allowed: Bool = switch action {
        case .edit, .submit, .restore: mayWrite(sourceUnitId: source, by: actor)
        case .approve, .reject: mayVerify(sourceUnitId: source, by: actor)
        case .archive: mayWrite(sourceUnitId: source, by: actor) || mayVerify(sourceUnitId: source, by: actor)
        }
        guard allowed else { throw HotlineError.forbidden("当前角色无权\(action.label) (your role may not \(action.rawValue) this entry)") }
        guard let next = transition(action, from: entry.status) else {
            throw HotlineError(.invalidState, "条目当前状态为「\(entry.status.label)」，不能\(action.label) (cannot \(action.rawValue) an entry that is \(entry.status.rawValue))")
        }
        if action == .approve, entry.updatedBy != nil, entry.updatedBy == actor.userId {
            throw HotlineError.forbidden("不能校核自己修改的内容 (verify someone else's change, not your own)")
        }
        if action == .reject { _ = try Lifecycle.required(note, "note", max: 2000) }
        var updated = entry
        updated.status = next
        updated.updatedAt = now
        switch action {
        case .approve:
            updated.live = entry.content
            updated.liveVersion = entry.version
        case .archive:
            updated.live = nil
            updated.liveVersion = nil
        default:
            break
        }
        return updated
    }

    /// The actions `actor` may take on `entry` now (what the entry's page offers).
    public static func available(on entry: KnowledgeEntry, for actor: Actor) -> [KnowledgeAction] {
        KnowledgeAction.allCases.filter { action in
            action != .edit && (try? apply(action, to: entry, by: actor, note: "理由", at: entry.updatedAt)) != nil
        }
    }
}

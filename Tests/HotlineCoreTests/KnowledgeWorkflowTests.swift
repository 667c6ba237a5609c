import Foundation
import Testing

@testable import HotlineCore

@Suite("Knowledge-base workflow")
struct KnowledgeWorkflowTests {
    static let editor = Org.user(.kbEditor, id: 41)
    static let editor2 = Org.user(.kbEditor, id: 42)
    static let admin = Org.user(.admin, id: 43)
    static let source = Org.user(.unitHandler, at: Org.main, id: 44)
    static let source2 = Org.user(.unitAdmin, at: Org.main, id: 45)
    static let stranger = Org.user(.unitHandler, at: Org.other, id: 46)

    static func entry(_ status: KnowledgeStatus, source unit: Int64? = 10, updatedBy: Int64? = 41) -> KnowledgeEntry {
        KnowledgeEntry(id: 1, status: status, content: KnowledgeContent(question: "社保卡丢了怎么补办？", answer: "携带身份证到人社大厅补办。", sourceUnitId: unit),
                       version: 2, updatedBy: updatedBy, createdAt: monday, updatedAt: monday)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let action: KnowledgeAction
        let status: KnowledgeStatus
        let actor: String
        var testDescription: String { "\(action.rawValue) from \(status.rawValue) by \(actor)" }
    }

    static let actors: [String: Actor] = [
        "editor": editor2, "admin": admin, "source": source, "stranger": stranger, "agent": Org.agent, "supervisor": Org.supervisor,
    ]

    /// Who may take each action on an entry of unit 10 last edited by someone else, and from which statuses.
    static let spec: [KnowledgeAction: (from: Set<KnowledgeStatus>, actors: Set<String>)] = [
        .edit: ([.draft, .pendingReview, .published], ["editor", "admin", "source"]),
        .submit: ([.draft], ["editor", "admin", "source"]),
        .approve: ([.pendingReview], ["source", "admin"]),
        .reject: ([.pendingReview], ["source", "admin"]),
        .archive: ([.draft, .pendingReview, .published], ["editor", "admin", "source"]),
        .restore: ([.archived], ["editor", "admin", "source"]),
    ]

    static let cases: [Case] = KnowledgeAction.allCases.flatMap { action in
        KnowledgeStatus.allCases.flatMap { status in actors.keys.sorted().map { Case(action: action, status: status, actor: $0) } }
    }

    @Test("every action from every status by every kind of user", arguments: cases)
    func table(_ c: Case) {
        let (from, allowed) = Self.spec[c.action]!
        let result = Result { try KnowledgeWorkflow.apply(c.action, to: Self.entry(c.status), by: Self.actors[c.actor]!, note: "请补充材料清单", at: monday) }
        switch result {
        case .success:
            #expect(allowed.contains(c.actor) && from.contains(c.status))
        case .failure(let error as HotlineError):
            if !allowed.contains(c.actor) { #expect(error.httpStatus == 403, "\(error)") } else {
                #expect(!from.contains(c.status) && error.httpStatus == 409, "\(error)")
            }
        case .failure(let error):
            Issue.record("\(error)")
        }
    }

    @Test("the center's own knowledge is verified by editors, never by the editor who changed it last")
    func centerKnowledge() throws {
        let own = Self.entry(.pendingReview, source: nil, updatedBy: Self.editor.userId)
        let selfApproval = try #require(throws: HotlineError.self) { try KnowledgeWorkflow.apply(.approve, to: own, by: Self.editor, note: "", at: monday) }
        #expect(selfApproval.httpStatus == 403)
        let approved = try KnowledgeWorkflow.apply(.approve, to: own, by: Self.editor2, note: "", at: monday)
        #expect(approved.status == .published && approved.live == own.content && approved.liveVersion == 2)
        #expect(throws: HotlineError.self) { try KnowledgeWorkflow.apply(.approve, to: own, by: Self.source, note: "", at: monday) }
        #expect(!KnowledgeWorkflow.mayWrite(sourceUnitId: nil, by: Self.source))
    }

    @Test("a rejection needs a reason; archiving withdraws the live version; the front line sees only what is in force")
    func liveVersion() throws {
        #expect(throws: HotlineError.self) { try KnowledgeWorkflow.apply(.reject, to: Self.entry(.pendingReview), by: Self.source, note: " ", at: monday) }
        let published = try KnowledgeWorkflow.apply(.approve, to: Self.entry(.pendingReview), by: Self.source2, note: "", at: monday)
        #expect(published.frontVersion(on: CivilDate("2026-11-23")!) != nil)
        let archived = try KnowledgeWorkflow.apply(.archive, to: published, by: Self.editor, note: "政策已调整", at: monday)
        #expect(archived.live == nil && archived.frontVersion(on: CivilDate("2026-11-23")!) == nil)
        var dated = published
        dated.live?.effectiveFrom = CivilDate("2026-12-01")
        #expect(dated.frontVersion(on: CivilDate("2026-11-30")!) == nil && dated.frontVersion(on: CivilDate("2026-12-01")!) != nil)
        dated.live?.expiresOn = CivilDate("2026-12-31")
        #expect(dated.frontVersion(on: CivilDate("2027-01-01")!) == nil)
        #expect(KnowledgeWorkflow.available(on: published, for: Self.stranger).isEmpty)
        #expect(KnowledgeWorkflow.available(on: Self.entry(.pendingReview), for: Self.source).contains(.approve))
    }

    @Test("content is trimmed and checked: blanks dropped, lengths and dates enforced")
    func validation() throws {
        let content = try KnowledgeContent(question: "  问题  ", variants: ["问法一", " ", "问法一"], answer: "答案", tags: ["社保", ""]).validated()
        #expect(content.question == "问题" && content.variants == ["问法一"] && content.tags == ["社保"])
        #expect(throws: HotlineError.self) { try KnowledgeContent(question: "", answer: "答").validated() }
        #expect(throws: HotlineError.self) { try KnowledgeContent(question: "问", answer: "答", categoryCode: "03A").validated() }
        #expect(throws: HotlineError.self) {
            try KnowledgeContent(question: "问", answer: "答", effectiveFrom: CivilDate("2026-12-01"), expiresOn: CivilDate("2026-11-01")).validated()
        }
        #expect(throws: HotlineError.self) { try KnowledgeContent(question: "问", answer: "答", tags: Array(repeating: "标签", count: 21).enumerated().map { "\($0.element)\($0.offset)" }).validated() }
    }
}

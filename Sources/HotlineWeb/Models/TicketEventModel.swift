/// One event of a ticket's history, with its actor, note, status change and attachments.
struct TicketEventModel: TemplateModel {
    let at: String
    let actor: String
    let action: String
    let code: String
    let note: String
    /// `已派单 → 已签收`, or empty when the status stayed.
    let change: String
    /// Always present (even empty), so that a section never falls back to the ticket's own files.
    let eventFiles: [FileModel]
}

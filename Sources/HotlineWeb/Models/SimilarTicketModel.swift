/// An open ticket that looks like the same matter, with why.
struct SimilarTicketModel: TemplateModel {
    let id: Int64
    let number: String
    let title: String
    let status: String
    let why: String
}

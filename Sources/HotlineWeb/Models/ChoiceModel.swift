/// One `<option>` naming a record by id: a unit, a user, a place.
struct ChoiceModel: TemplateModel {
    let id: Int64
    let name: String
}

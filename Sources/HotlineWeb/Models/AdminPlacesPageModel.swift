/// The gazetteer (地名库): places with their aliases and the units responsible for them.
struct AdminPlacesPageModel: PageModel {
    let chrome: ChromeModel
    let places: [Place]
    let kinds: [OptionModel]
    let parents: [ChoiceModel]
    let units: [ChoiceModel]

    /// One place.
    struct Place: TemplateModel {
        let id: Int64
        let name: String
        let aliases: String
        let kind: String
        let parent: String
        let unit: String
    }
}

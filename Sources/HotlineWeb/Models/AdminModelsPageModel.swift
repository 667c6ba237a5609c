/// The trained classifiers of the center, with their scores; one of each kind is active.
struct AdminModelsPageModel: PageModel {
    let chrome: ChromeModel
    let models: [Model]

    /// One trained model.
    struct Model: TemplateModel {
        let id: Int64
        let kind: String
        let version: Int
        let createdAt: String
        let examples: Int
        let labels: Int
        let accuracy: String
        let macroF1: String
        let size: String
        let active: Bool
        let note: String
    }
}

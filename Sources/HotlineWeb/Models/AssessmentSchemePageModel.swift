/// 考核方案: the center's indicators with their weights and scoring curves, editable by the scheme's managers.
struct AssessmentSchemePageModel: PageModel {
    struct Row: TemplateModel {
        let code: String
        let name: String
        let formula: String
        let weight: String
        let curve: String
        let floor: String
        let cap: String
    }

    let chrome: ChromeModel
    let version: Int
    let rows: [Row]
    let totalWeight: String
    let appealWorkingDays: Int
    let flash: String?
}

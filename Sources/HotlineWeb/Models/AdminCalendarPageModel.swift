/// The working calendar of one year: holidays and working weekends.
struct AdminCalendarPageModel: PageModel {
    let chrome: ChromeModel
    let year: Int
    let prevYear: Int
    let nextYear: Int
    let days: [Day]
    let offWeekdays: Int
    let workWeekends: Int
    let kinds: [OptionModel]

    /// A day recorded in the calendar.
    struct Day: TemplateModel {
        let date: String
        let weekday: String
        let kind: String
        let holiday: Bool
        let name: String
        /// A weekday off or a weekend worked (调休).
        let exception: Bool
    }
}

/// The portal's submission form (full or 随手拍), filled again after an error.
struct PortalFormPageModel: PageModel {
    let chrome: ChromeModel
    let form: FormEcho
    /// The kinds of request a citizen may choose.
    let types: [OptionModel]
}

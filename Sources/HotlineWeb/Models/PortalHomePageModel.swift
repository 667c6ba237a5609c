/// The citizen portal's front page: submit, 随手拍, track, and the FAQ search.
struct PortalHomePageModel: PageModel {
    let chrome: ChromeModel
}

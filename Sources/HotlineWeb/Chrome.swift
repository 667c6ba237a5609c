import Foundation
import HotlineCore
import HotlineStore

/// What the chrome of every page is made of: each role's menu and home, and how pages write paths and times.
enum Chrome {
    /// One entry of the menu.
    struct NavItem {
        let key: String
        let href: String
    }

    /// The menu of each role, in the order people use it.
    static func menu(for role: Role) -> [NavItem] {
        switch role {
        case .agent:
            [.init(key: "navConsole", href: "/console"), .init(key: "navScreening", href: "/console/screening"),
             .init(key: "navTickets", href: "/tickets"), .init(key: "navKB", href: "/kb")]
        case .centerSupervisor:
            [.init(key: "navDesk", href: "/desk"), .init(key: "navConsole", href: "/console"), .init(key: "navTickets", href: "/tickets"),
             .init(key: "navKB", href: "/kb")]
        case .unitHandler, .unitAdmin:
            [.init(key: "navWorkbench", href: "/workbench"), .init(key: "navTickets", href: "/tickets"), .init(key: "navKB", href: "/kb")]
        case .admin:
            [.init(key: "navUnits", href: "/admin/units"), .init(key: "navUsers", href: "/admin/users"),
             .init(key: "navCategories", href: "/admin/categories"), .init(key: "navSLA", href: "/admin/sla"),
             .init(key: "navCalendar", href: "/admin/calendar"), .init(key: "navPlaces", href: "/admin/places"),
             .init(key: "navRouting", href: "/admin/routing"), .init(key: "navModels", href: "/admin/models"),
             .init(key: "navKeys", href: "/admin/keys"), .init(key: "navKB", href: "/kb")]
        case .auditor:
            [.init(key: "navTickets", href: "/tickets"), .init(key: "navAudit", href: "/audit")]
        case .kbEditor:
            [.init(key: "navKB", href: "/kb"), .init(key: "navTickets", href: "/tickets")]
        case .integrationClient:
            []
        }
    }

    /// Where each role lands after signing in.
    static func home(for role: Role) -> String {
        menu(for: role).first?.href ?? "/portal"
    }

    /// Percent-encodes a value for a query string.
    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `2026-11-23 10:00` in Shanghai time.
    static func time(_ date: Date?) -> String {
        guard let date else { return "" }
        let minute = CivilDate.minuteOfDay(date)
        return "\(CivilDate(date)) " + String(format: "%02d:%02d", minute / 60, minute % 60)
    }
}

extension ChromeModel {
    /// The chrome of a page as `session` sees it (nil: a visitor who has not signed in).
    init(session: WebSession?, english: Bool, path: String, section: String?) {
        let strings = Strings.table(english: english)
        self.init(t: strings, lang: english ? "en" : "zh-CN", otherLang: english ? "zh" : "en", english: english, here: Chrome.encode(path))
        if let session, let role = session.user.role as Role? {
            csrf = session.csrfToken
            user = .init(name: session.user.displayName, roleLabel: role.label(english: english), unitName: session.unitName,
                         role: role.rawValue)
            nav = Chrome.menu(for: role).map { item in
                .init(href: item.href, label: strings[item.key] ?? item.key, current: section == item.href || path == item.href)
            }
        }
    }
}

import Foundation
import HotlineCore
import HotlineStore

/// What the chrome of every page is made of: each role's menu and home, and how pages write paths and times.
enum Chrome {
    /// One entry of the menu, shown to whoever holds its permission.
    struct NavItem {
        let key: String
        let href: String
        let permission: Permission
    }

    /// Every entry, in the order people use them.
    static let items: [NavItem] = [
        NavItem(key: "navDashboard", href: "/dashboard", permission: .viewAnalysis),
        NavItem(key: "navDesk", href: "/desk", permission: .superviseTickets),
        NavItem(key: "navConsole", href: "/console", permission: .recordTickets),
        NavItem(key: "navScreening", href: "/console/screening", permission: .dispatchTickets),
        NavItem(key: "navWorkbench", href: "/workbench", permission: .handleTickets),
        NavItem(key: "navUnits", href: "/admin/units", permission: .manageOrganisation),
        NavItem(key: "navUsers", href: "/admin/users", permission: .manageOrganisation),
        NavItem(key: "navCategories", href: "/admin/categories", permission: .manageReferenceData),
        NavItem(key: "navSLA", href: "/admin/sla", permission: .manageReferenceData),
        NavItem(key: "navCalendar", href: "/admin/calendar", permission: .manageReferenceData),
        NavItem(key: "navPlaces", href: "/admin/places", permission: .manageReferenceData),
        NavItem(key: "navRouting", href: "/admin/routing", permission: .manageReferenceData),
        NavItem(key: "navModels", href: "/admin/models", permission: .manageModels),
        NavItem(key: "navKeys", href: "/admin/keys", permission: .manageIntegrations),
        NavItem(key: "navSubscriptions", href: "/admin/subscriptions", permission: .manageIntegrations),
        NavItem(key: "navPolice", href: "/admin/police110", permission: .manageIntegrations),
        NavItem(key: "navNotices", href: "/admin/notices", permission: .manageIntegrations),
        NavItem(key: "navUpstream", href: "/admin/upstream", permission: .manageIntegrations),
        NavItem(key: "navTickets", href: "/tickets", permission: .searchTickets),
        NavItem(key: "navAssessment", href: "/assessment", permission: .viewAssessment),
        NavItem(key: "navMyAssessment", href: "/assessment/mine", permission: .appealAssessment),
        NavItem(key: "navAnalysis", href: "/analysis", permission: .viewAnalysis),
        NavItem(key: "navReports", href: "/reports", permission: .viewAnalysis),
        NavItem(key: "navPoliceReport", href: "/analysis/police110", permission: .viewAnalysis),
        NavItem(key: "navFederation", href: "/analysis/federation", permission: .viewAnalysis),
        NavItem(key: "navKB", href: "/kb", permission: .useKnowledge),
        NavItem(key: "navKBSources", href: "/kb/sharing", permission: .readKnowledgeDrafts),
        NavItem(key: "navAudit", href: "/audit", permission: .viewAuditLog),
    ]

    /// A role's menu, read from the permission table: what the role may use, its main work first.
    static func menu(for role: Role) -> [NavItem] {
        guard role.may(.useStaffPages) else { return [] }
        let usable = items.filter { role.may($0.permission) }
        return usable.filter { $0.permission == role.mainWork } + usable.filter { $0.permission != role.mainWork }
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

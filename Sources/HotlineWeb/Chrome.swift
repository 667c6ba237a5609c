import Foundation
import HotlineCore
import HotlineStore

/// What every page shows around its content: the strings in the chosen language, who is signed in, the menu.
enum Chrome {
    /// One entry of the menu, shown to whoever holds its permission.
    struct NavItem {
        let key: String
        let href: String
        let permission: Permission
    }

    /// Every entry, in the order people use them.
    static let items: [NavItem] = [
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
        NavItem(key: "navTickets", href: "/tickets", permission: .searchTickets),
        NavItem(key: "navKB", href: "/kb", permission: .useKnowledge),
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

    /// The model every template starts from.
    static func model(session: WebSession?, english: Bool, path: String, section: String?) -> [String: Any] {
        var model: [String: Any] = [
            "t": Strings.table(english: english),
            "lang": english ? "en" : "zh-CN",
            "otherLang": english ? "zh" : "en",
            "english": english,
            "here": encode(path),
        ]
        if let session, let role = session.user.role as Role? {
            model["csrf"] = session.csrfToken
            model["user"] = [
                "name": session.user.displayName, "roleLabel": role.label(english: english), "unitName": session.unitName,
                "role": role.rawValue,
            ]
            let strings = Strings.table(english: english)
            model["nav"] = menu(for: role).map { item -> [String: Any] in
                ["href": item.href, "label": strings[item.key] ?? item.key, "current": section == item.href || path == item.href]
            }
        }
        return model
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

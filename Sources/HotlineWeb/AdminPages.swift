import Foundation
import HotlineCore
import HotlineStore
import Hummingbird

/// Administration (系统管理): units, users and roles, categories, SLA policies, the working calendar, integration keys.
struct AdminPages {
    let app: WebApp

    func register(on router: RouterGroup<StaffContext>) {
        router.get("/admin") { _, _ in Pages.redirect("/admin/units") }
        router.get("/admin/units") { _, context in try await units(context, flash: nil, error: nil) }
        router.post("/admin/units") { request, context in
            try await change(request, context, page: units) { form, actor in
                guard let kind = try form.code("kind", as: UnitKind.self) else { throw HotlineError.invalid("kind", "请选择类型 (choose a kind)") }
                let unit = try await app.store.createUnit(name: form["name"] ?? "", kind: kind, parentId: try form.int64("parentId"),
                                                          code: form["code"], regionCode: form["regionCode"], by: actor)
                return Strings.text("saved", english: context.english) + "：" + unit.name
            }
        }
        enabling("/admin/units", on: router, page: units) { id, active, actor in try await app.store.setUnitActive(id: id, active: active, by: actor) }
        router.get("/admin/users") { _, context in try await users(context, flash: nil, error: nil) }
        router.post("/admin/users") { request, context in
            try await change(request, context, page: users) { form, actor in
                guard let unitId = try form.int64("unitId") else { throw HotlineError.invalid("unitId", "请选择单位 (choose a unit)") }
                guard let role = try form.code("role", as: Role.self) else { throw HotlineError.invalid("role", "请选择角色 (choose a role)") }
                let user = try await app.store.createUser(username: form["username"] ?? "", displayName: form["displayName"] ?? "",
                                                          password: form.fields["password"]?.first ?? "", role: role, unitId: unitId, by: actor)
                return Strings.text("saved", english: context.english) + "：" + user.username
            }
        }
        enabling("/admin/users", on: router, page: users) { id, active, actor in try await app.store.setUserActive(id: id, active: active, by: actor) }
        router.post("/admin/users/:id/password") { request, context in
            try await change(request, context, page: users) { form, actor in
                let id = try context.parameters.require("id", as: Int64.self)
                try await app.store.resetPassword(userId: id, password: form.fields["password"]?.first ?? "", by: actor)
                return Strings.text("passwordReset", english: context.english)
            }
        }
        router.post("/admin/users/:id/second-factor/remove") { request, context in
            try await change(request, context, page: users) { _, actor in
                try await app.store.removeSecondFactor(userId: try context.parameters.require("id", as: Int64.self), code: nil, by: actor)
                return Strings.text("secondFactorRemoved", english: context.english)
            }
        }
        router.get("/admin/users/:id/sign-ins") { _, context -> Response in
            let chrome = try base(context, path: "/admin/users", flash: nil, error: nil)
            let id = try context.parameters.require("id", as: Int64.self)
            let entries = try await app.store.signIns(userId: id, by: context.session.actor)
            let user = try await app.store.users(visibleTo: context.session.actor).first { $0.id == id }
            let model = AdminSignInsPageModel(chrome: chrome, username: user?.username ?? "", entries: entries.map {
                .init(at: Chrome.time($0.at), address: $0.address, result: $0.result.label(english: context.english), failed: $0.result.failed)
            })
            return app.pages.render(.adminSignIns, model)
        }
        router.get("/admin/categories") { _, context in try await categories(context, flash: nil, error: nil) }
        router.post("/admin/categories/import") { request, context in
            try await change(request, context, page: categories) { form, actor in
                guard let file = form.files["file"]?.first, !file.data.isEmpty else {
                    throw HotlineError.invalid("file", "请选择CSV文件 (choose a CSV file)")
                }
                guard let text = String(data: file.data, encoding: .utf8) else { throw HotlineError.invalid("file", "文件须为UTF-8编码 (must be UTF-8)") }
                let parsed = try CategoryImport(csv: text)
                let result = try await app.store.importCategories(parsed, by: actor)
                let problems = parsed.problems.map(\.description).joined(separator: "；")
                return "\(result.inserted) + \(result.updated)" + (problems.isEmpty ? "" : " — " + problems)
            }
        }
        router.get("/admin/sla") { _, context in try await sla(context, flash: nil, error: nil) }
        router.post("/admin/sla") { request, context in
            try await change(request, context, page: sla) { form, actor in
                _ = try await app.store.saveSLAPolicy(try policy(form), by: actor)
                return Strings.text("saved", english: context.english)
            }
        }
        removing("/admin/sla", on: router, page: sla) { id, actor in try await app.store.deleteSLAPolicy(id: id, by: actor) }
        router.get("/admin/calendar") { request, context in
            try await calendar(context, year: Int(request.uri.queryParameters.get("year") ?? "") ?? CivilDate(app.now).year, flash: nil, error: nil)
        }
        router.post("/admin/calendar") { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .manageReferenceData)
            let date = form["date"].flatMap(CivilDate.init)
            let year = date?.year ?? CivilDate(app.now).year
            do {
                guard let date else { throw HotlineError.invalid("date", "日期格式须为YYYY-MM-DD (date as YYYY-MM-DD)") }
                if form["remove"] != nil {
                    try await app.store.removeCalendarDay(date, by: actor)
                } else {
                    guard let kind = try form.code("kind", as: CalendarDayKind.self) else { throw HotlineError.invalid("kind", "请选择类型") }
                    try await app.store.setCalendarDay(CalendarDay(date: date, kind: kind, name: form["name"] ?? ""), by: actor)
                }
                return try await calendar(context, year: year, flash: Strings.text("saved", english: context.english), error: nil)
            } catch let error as HotlineError {
                return try await calendar(context, year: year, flash: nil, error: error.message, status: .init(code: error.httpStatus))
            }
        }
        router.get("/admin/places") { _, context in try await places(context, flash: nil, error: nil) }
        router.post("/admin/places") { request, context in
            try await change(request, context, page: places) { form, actor in
                let centerId = try actor.requireCenter()
                guard let kind = form["kind"].flatMap(Place.Kind.init(rawValue:)) else { throw HotlineError.invalid("kind", "请选择类型") }
                let parent = try form.int64("parentId")
                _ = try await app.store.addPlaces([Place(id: 0, name: form["name"] ?? "", aliases: form.all("aliases").flatMap {
                    $0.split(whereSeparator: { " ,，、".contains($0) }).map(String.init)
                }, kind: kind, unitID: try form.int64("unitId"), parentID: parent)], centerId: centerId, by: actor)
                return Strings.text("saved", english: context.english)
            }
        }
        removing("/admin/places", on: router, page: places) { id, actor in try await app.store.deletePlace(id: id, by: actor) }
        router.get("/admin/routing") { _, context in try await routing(context, flash: nil, error: nil) }
        router.post("/admin/routing") { request, context in
            try await change(request, context, page: routing) { form, actor in
                guard let unitId = try form.int64("unitId") else { throw HotlineError.invalid("unitId", "请选择单位") }
                _ = try await app.store.addRoutingRule(RoutingRule(categoryPrefix: form["categoryPrefix"] ?? "", unitId: unitId, note: form["note"]),
                                                       centerId: try actor.requireCenter(), by: actor)
                return Strings.text("saved", english: context.english)
            }
        }
        removing("/admin/routing", on: router, page: routing) { id, actor in try await app.store.deleteRoutingRule(id: id, by: actor) }
        router.get("/admin/models") { _, context in try await models(context, flash: nil, error: nil) }
        router.post("/admin/models/train") { request, context in
            try await change(request, context, page: models) { _, actor in
                let centerId = try actor.requireCenter()
                var trained: [String] = []
                for kind in ModelKind.allCases {
                    if let report = try await app.store.train(kind, centerId: centerId, note: "管理员手动训练", by: actor) {
                        trained.append(String(format: "%@ v%d (macro-F1 %.3f)", kind.label(english: context.english), report.model.version,
                                              report.model.macroF1))
                    }
                }
                try await app.advisor.refresh(force: true)
                return trained.isEmpty ? Strings.text("notEnoughData", english: context.english) : trained.joined(separator: "；")
            }
        }
        router.post("/admin/models/:id/activate") { request, context in
            try await change(request, context, page: models) { _, actor in
                let info = try await app.store.activateModel(id: try context.parameters.require("id", as: Int64.self), by: actor)
                try await app.advisor.refresh(force: true)
                return "\(info.kind.label(english: context.english)) v\(info.version)"
            }
        }
        router.get("/admin/keys") { _, context in try await keys(context, flash: nil, error: nil, newKey: nil) }
        router.post("/admin/keys") { request, context in
            let form = try await Form.read(request, limit: 64 * 1024)
            try app.checkCSRF(form, context)
            let actor = try app.require(context, .manageIntegrations)
            do {
                guard let userId = try form.int64("userId") else { throw HotlineError.invalid("userId", "请选择对接账号 (choose an account)") }
                let key = try await app.store.createAPIKey(userId: userId, name: form["name"] ?? "API key", by: actor)
                return try await keys(context, flash: Strings.text("keyCreated", english: context.english), error: nil, newKey: key)
            } catch let error as HotlineError {
                return try await keys(context, flash: nil, error: error.message, newKey: nil, status: .init(code: error.httpStatus))
            }
        }
        router.post("/admin/keys/:id/revoke") { request, context in
            try await change(request, context, page: { try await keys($0, flash: $1, error: $2, newKey: nil) }) { _, actor in
                try await app.store.revokeAPIKey(id: try context.parameters.require("id", as: Int64.self), by: actor)
                return Strings.text("revoked", english: context.english)
            }
        }
    }

    /// Runs an admin change from a form (CSRF checked) and shows the page again with the outcome.
    /// `POST path/:id/active`: enables or disables one unit or account and shows the page again.
    func enabling(_ path: String, on router: RouterGroup<StaffContext>,
                  page: @escaping @Sendable (StaffContext, String?, String?) async throws -> Response,
                  _ write: @escaping @Sendable (Int64, Bool, Actor) async throws -> Void) {
        router.post(RouterPath(path + "/:id/active")) { request, context in
            try await change(request, context, page: page) { form, actor in
                try await write(try context.parameters.require("id", as: Int64.self), form.bool("active") ?? false, actor)
                return Strings.text("saved", english: context.english)
            }
        }
    }

    /// `POST path/:id/delete`: removes one row through `remove` and shows the page again with 已删除.
    func removing(_ path: String, on router: RouterGroup<StaffContext>,
                  page: @escaping @Sendable (StaffContext, String?, String?) async throws -> Response,
                  _ remove: @escaping @Sendable (Int64, Actor) async throws -> Void) {
        router.post(RouterPath(path + "/:id/delete")) { request, context in
            try await change(request, context, page: page) { _, actor in
                try await remove(try context.parameters.require("id", as: Int64.self), actor)
                return Strings.text("deleted", english: context.english)
            }
        }
    }

    func change(_ request: Request, _ context: StaffContext,
                page: @escaping (StaffContext, String?, String?) async throws -> Response,
                _ body: (Form, Actor) async throws -> String) async throws -> Response {
        try await app.submit(request, context, .manageOrganisation, limit: 8 * 1024 * 1024, page: { flash, error, status in
            var response = try await page(context, flash, error)
            response.status = status
            return response
        }) { form, actor in
            let message = try await body(form, actor)
            try await app.reference.reload()
            return message
        }
    }

    func base(_ context: StaffContext, path: String, flash: String?, error: String?) throws -> ChromeModel {
        _ = try app.require(context, .manageOrganisation)
        var chrome = app.chrome(context, path: path)
        chrome.flash = flash
        chrome.error = error
        return chrome
    }

    func units(_ context: StaffContext, flash: String?, error: String?) async throws -> Response {
        let chrome = try base(context, path: "/admin/units", flash: flash, error: error)
        let units = try await app.store.units(visibleTo: context.session.actor).sorted { $0.path.lexicographicallyPrecedes($1.path) }
        let model = AdminUnitsPageModel(
            chrome: chrome,
            units: units.map { unit in
                .init(id: unit.id, name: unit.name, kind: unit.kind.label(english: context.english), code: unit.code ?? "",
                      regionCode: unit.regionCode ?? "", active: unit.active, depth: String(repeating: "　", count: max(unit.path.count - 1, 0)))
            },
            kinds: TicketView.options(UnitKind.self, selected: "department", english: context.english))
        return app.pages.render(.adminUnits, model)
    }

    func users(_ context: StaffContext, flash: String?, error: String?) async throws -> Response {
        let chrome = try base(context, path: "/admin/users", flash: flash, error: error)
        let units = try await app.store.units(visibleTo: context.session.actor)
        var names: [Int64: String] = [:]
        for unit in units { names[unit.id] = unit.name }
        let enrolled = try await app.store.usersWithSecondFactor(visibleTo: context.session.actor)
        let model = AdminUsersPageModel(
            chrome: chrome,
            users: try await app.store.users(visibleTo: context.session.actor).map { user in
                .init(id: user.id, username: user.username, displayName: user.displayName, role: user.role.label(english: context.english),
                      unit: names[user.unitId] ?? "", active: user.active, secondFactor: enrolled.contains(user.id))
            },
            roles: TicketView.options(Role.self, selected: "agent", english: context.english),
            units: units.sorted { $0.path.lexicographicallyPrecedes($1.path) }.map { ChoiceModel(id: $0.id, name: $0.name) })
        return app.pages.render(.adminUsers, model)
    }

    func categories(_ context: StaffContext, flash: String?, error: String?) async throws -> Response {
        let chrome = try base(context, path: "/admin/categories", flash: flash, error: error)
        let all = try await app.store.categories()
        var children: [String: [CategoryNode]] = [:]
        for node in all { children[node.parentCode ?? "", default: []].append(node) }
        func tree(_ parent: String) -> [AdminCategoriesPageModel.Node] {
            (children[parent] ?? []).map { node in
                .init(code: node.code, name: node.name, description: node.description ?? "", children: tree(node.code),
                      count: children[node.code]?.count ?? 0)
            }
        }
        return app.pages.render(.adminCategories, AdminCategoriesPageModel(chrome: chrome, tree: tree(""), total: all.count))
    }

    func sla(_ context: StaffContext, flash: String?, error: String?) async throws -> Response {
        let chrome = try base(context, path: "/admin/sla", flash: flash, error: error)
        let english = context.english
        let any = english ? "any" : "不限"
        let model = AdminSLAPageModel(
            chrome: chrome,
            policies: try await app.store.slaPolicies().map { policy in
                .init(id: policy.id, name: policy.name, type: policy.ticketType?.label(english: english) ?? any,
                      urgency: policy.urgency?.label(english: english) ?? any, channel: policy.channel?.label(english: english) ?? any,
                      category: policy.categoryPrefix ?? any, difficult: policy.difficult.map { $0 ? "✓" : "✗" } ?? any,
                      sign: "\(policy.sign.amount) \(policy.sign.unit.label(english: english))",
                      reply: "\(policy.reply.amount) \(policy.reply.unit.label(english: english))")
            },
            types: TicketView.options(TicketType.self, selected: nil, english: english),
            urgencies: TicketView.options(Urgency.self, selected: nil, english: english),
            channels: TicketView.options(Channel.self, selected: nil, english: english),
            units: TicketView.options(DeadlineUnit.self, selected: "workingDays", english: english))
        return app.pages.render(.adminSLA, model)
    }

    func policy(_ form: Form) throws -> SLAPolicy {
        func limit(_ prefix: String) throws -> TimeLimit {
            guard let amount = form[prefix + "Amount"].flatMap({ Int($0) }) else { throw HotlineError.invalid(prefix, "须为数字 (must be a number)") }
            guard let unit = try form.code(prefix + "Unit", as: DeadlineUnit.self) else { throw HotlineError.invalid(prefix, "请选择单位") }
            return TimeLimit(amount, unit)
        }
        if let prefix = form["categoryPrefix"], !prefix.allSatisfy(\.isNumber) || prefix.count > 6 {
            throw HotlineError.invalid("categoryPrefix", "分类编码前缀须为1到6位数字 (1–6 digits)")
        }
        return SLAPolicy(id: try form.int64("id") ?? 0, name: form["name"] ?? "", ticketType: try form.code("ticketType", as: TicketType.self),
                         urgency: try form.code("urgency", as: Urgency.self), channel: try form.code("channel", as: Channel.self),
                         categoryPrefix: form["categoryPrefix"], difficult: form["difficult"].map { $0 == "true" },
                         sign: try limit("sign"), reply: try limit("reply"))
    }

    func calendar(_ context: StaffContext, year: Int, flash: String?, error: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let chrome = try base(context, path: "/admin/calendar", flash: flash, error: error)
        let year = min(max(year, 2000), 2100)
        let calendar = try await app.store.calendar()
        let exceptions = Set(calendar.exceptions(in: year).map(\.date))
        let model = AdminCalendarPageModel(
            chrome: chrome, year: year, prevYear: year - 1, nextYear: year + 1,
            days: calendar.recordedDays(in: year).map { day in
                .init(date: day.date.description, weekday: day.date.weekdayLabel, kind: day.kind.label(english: context.english),
                      holiday: day.kind == .holiday, name: day.name, exception: exceptions.contains(day.date))
            },
            offWeekdays: calendar.exceptions(in: year).filter { $0.kind == .holiday }.count,
            workWeekends: calendar.exceptions(in: year).filter { $0.kind == .workday }.count,
            kinds: TicketView.options(CalendarDayKind.self, selected: "holiday", english: context.english))
        return app.pages.render(.adminCalendar, model, status: status)
    }

    func places(_ context: StaffContext, flash: String?, error: String?) async throws -> Response {
        let chrome = try base(context, path: "/admin/places", flash: flash, error: error)
        let places = try await app.store.places(centerId: context.session.actor.centerId)
        let ref = try await app.reference.snapshot()
        var byId: [Int64: Place] = [:]
        for place in places { byId[place.id] = place }
        let strings = Strings.table(english: context.english)
        let model = AdminPlacesPageModel(
            chrome: chrome,
            places: places.map { place in
                .init(id: place.id, name: place.name, aliases: place.aliases.joined(separator: "、"), kind: strings["place_" + place.kind.rawValue] ?? "",
                      parent: place.parentID.flatMap { byId[$0]?.name } ?? "", unit: ref.unitName(place.unitID))
            },
            kinds: Place.Kind.allCases.map { OptionModel(code: $0.rawValue, label: strings["place_" + $0.rawValue] ?? $0.rawValue) },
            parents: places.filter { $0.kind != .estate && $0.kind != .road }.map { ChoiceModel(id: $0.id, name: $0.name) },
            units: ref.dispatchTargets(centerId: context.session.actor.centerId).map { ChoiceModel(id: $0.id, name: $0.name) })
        return app.pages.render(.adminPlaces, model)
    }

    func routing(_ context: StaffContext, flash: String?, error: String?) async throws -> Response {
        let chrome = try base(context, path: "/admin/routing", flash: flash, error: error)
        let ref = try await app.reference.snapshot()
        let model = AdminRoutingPageModel(
            chrome: chrome,
            rules: try await app.store.routingRules(centerId: context.session.actor.centerId).map { rule in
                .init(id: rule.id, prefix: rule.categoryPrefix, category: ref.categoryPaths[rule.categoryPrefix] ?? "", unit: ref.unitName(rule.unitId),
                      note: rule.note ?? "")
            },
            units: ref.dispatchTargets(centerId: context.session.actor.centerId).map { ChoiceModel(id: $0.id, name: $0.name) })
        return app.pages.render(.adminRouting, model)
    }

    func models(_ context: StaffContext, flash: String?, error: String?) async throws -> Response {
        let chrome = try base(context, path: "/admin/models", flash: flash, error: error)
        let model = AdminModelsPageModel(
            chrome: chrome,
            models: try await app.store.models(centerId: try context.session.actor.requireCenter()).map { m in
                .init(id: m.id, kind: m.kind.label(english: context.english), version: m.version, createdAt: Chrome.time(m.createdAt),
                      examples: m.examples, labels: m.labels, accuracy: String(format: "%.3f", m.accuracy), macroF1: String(format: "%.3f", m.macroF1),
                      size: TicketView.sizeText(m.sizeBytes), active: m.active, note: m.note ?? "")
            })
        return app.pages.render(.adminModels, model)
    }

    func keys(_ context: StaffContext, flash: String?, error: String?, newKey: String?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let chrome = try base(context, path: "/admin/keys", flash: flash, error: error)
        let actor = context.session.actor
        let model = AdminKeysPageModel(
            chrome: chrome,
            newKey: newKey,
            keys: try await app.store.apiKeys(visibleTo: actor).map { key in
                .init(id: key.id, name: key.name, username: key.username, createdAt: Chrome.time(key.createdAt),
                      revokedAt: Chrome.time(key.revokedAt), active: key.revokedAt == nil)
            },
            clients: try await app.store.users(visibleTo: actor).filter { $0.role.may(.integrate) }.map {
                ChoiceModel(id: $0.id, name: "\($0.displayName) (\($0.username))")
            })
        return app.pages.render(.adminKeys, model, status: status)
    }
}

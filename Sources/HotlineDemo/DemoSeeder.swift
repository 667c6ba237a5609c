import Foundation
import HotlineCore
import HotlineStore

/// Builds the demo city 临江市: a hotline center, departments, districts with streets and communities, utilities,
/// one user for every role, a gazetteer, routing rules, synonyms, a verified knowledge base, about a thousand
/// tickets in every status, and classifiers trained on the closed ones.
public struct DemoSeeder {
    /// The password of every demo account.
    public static let password = "Hotline-2026"

    public struct Account: Sendable {
        public let username: String
        public let role: Role
        public let unit: String
    }

    public struct Summary: Sendable {
        public var centerId: Int64
        public var accounts: [Account]
        public var apiKey: String
        /// The Open311 app's key and the sub-center's (its own system, 承办对接系统).
        public var open311Key: String
        public var subCenterKey: String
        public var ticketsByStatus: [TicketStatus: Int]
        public var knowledgeEntries: Int
        public var models: [ModelInfo]
    }

    /// A message to seed tickets with: title, text, the unit that handles it, its category and type.
    public struct Message: Sendable {
        public var title: String
        public var text: String
        public var unit: String
        public var categoryCode: String
        public var type: TicketType
    }

    let store: Store
    let now: Date
    let ticketCount: Int
    let messages: [Message]

    public init(store: Store, now: Date, ticketCount: Int = 1000, messages: [Message] = DemoSeeder.builtInMessages) {
        self.store = store
        self.now = now
        self.ticketCount = ticketCount
        self.messages = messages.isEmpty ? DemoSeeder.builtInMessages : messages
    }

    /// Whether the demo city is already there.
    public static func isSeeded(_ store: Store) async throws -> Bool {
        try await store.units(visibleTo: .system).contains { $0.name == DemoContent.center }
    }

    /// Every text of the demo city (requests, questions and answers): material for generated benchmark corpora.
    public static var corpus: [String] {
        DemoContent.messages.flatMap { [$0.title, $0.text] } + DemoContent.knowledge.flatMap { [$0.question, $0.answer] + $0.variants }
    }

    /// The demo city's own requests (120 realistic ones, with deliberate near-duplicates and emergencies).
    public static let builtInMessages: [Message] = DemoContent.messages.map {
        Message(title: $0.title, text: $0.text, unit: $0.unit, categoryCode: $0.category, type: TicketType(rawValue: $0.type) ?? .complaint)
    }

    public func run() async throws -> Summary {
        let org = try await organisation()
        let (accounts, users, keys) = try await people(org)
        // 110 linkage: the standard diversion list, the 110 platform's account named, the default timers.
        try await store.addStandardDiversionItems(centerId: org.center.id)
        _ = try await store.savePoliceSettings(Store.PoliceSettings(platformUserId: users["police110"]?.userId), by: users["admin"]!)
        try await gazetteer(org)
        for rule in DemoContent.routingRules where rule.keywords.isEmpty {
            guard let unit = org.byName[rule.unit] else { continue }
            try await store.addRoutingRule(RoutingRule(categoryPrefix: rule.prefix, unitId: unit.id), centerId: org.center.id, by: .system)
        }
        try await store.setSynonymGroups(DemoContent.synonyms, by: users["kbeditor"]!)
        let entries = try await knowledge(org, users)
        var handlers: [Int64: Actor] = [:]
        for actor in users.values where actor.role == .unitHandler { handlers[actor.unitId!] = handlers[actor.unitId!] ?? actor }
        let story = TicketStories(store: store, agent: users["agent"]!, supervisor: users["supervisor"]!, handlers: handlers, units: org.byName,
                                  districts: org.districts, townships: org.townships, centerId: org.center.id, messages: messages, now: now)
        var counts = try await story.tell(count: ticketCount)
        if messages.first?.title == Self.builtInMessages.first?.title {
            let pairs = DemoContent.nearDuplicatePairs.map { (Self.builtInMessages[$0.first], Self.builtInMessages[$0.second]) }
            try await story.tellDuplicates(pairs)
            counts[.accepted, default: 0] += pairs.count
            counts[.pendingSign, default: 0] += pairs.count
        }
        counts[.accepted, default: 0] += try await policeCalls(users["police110"]!)
        var models: [ModelInfo] = []
        for kind in ModelKind.allCases {
            if let report = try await store.train(kind, centerId: org.center.id, minimumExamples: 20, note: "演示城市初始模型", by: .system) { models.append(report.model) }
        }
        return Summary(centerId: org.center.id, accounts: accounts, apiKey: keys.police, open311Key: keys.open311, subCenterKey: keys.subCenter, ticketsByStatus: counts, knowledgeEntries: entries,
                       models: models)
    }

    struct Organisation {
        var center: OrgUnit
        var byName: [String: OrgUnit] = [:]
        var districts: [OrgUnit] = []
        var townships: [OrgUnit] = []
    }

    func organisation() async throws -> Organisation {
        let center = try await store.createUnit(name: DemoContent.center, kind: .center, parentId: nil, code: "LJ12345", regionCode: "330100", by: .system)
        var org = Organisation(center: center)
        func add(_ name: String, _ kind: UnitKind, under parent: OrgUnit, code: String? = nil, region: String? = nil) async throws -> OrgUnit {
            let unit = try await store.createUnit(name: name, kind: kind, parentId: parent.id, code: code, regionCode: region, by: .system)
            org.byName[name] = unit
            return unit
        }
        for (index, name) in DemoContent.departments.enumerated() {
            _ = try await add(name, .department, under: center, code: String(format: "D%02d", index + 1))
        }
        for (d, name) in DemoContent.districts.enumerated() {
            let district = try await add(name, .district, under: center, region: "33010\(d + 2)")
            org.districts.append(district)
            for township in DemoContent.townships where township.hasPrefix(name.prefix(2)) {
                let unit = try await add(township, .township, under: district)
                org.townships.append(unit)
                for community in DemoContent.communities where community.hasPrefix(township) {
                    _ = try await add(community, .community, under: unit)
                }
            }
        }
        _ = try await add(DemoContent.subCenter, .subCenter, under: center)
        for utility in DemoContent.utilities { _ = try await add(utility, .utility, under: center) }
        _ = try await add(DemoContent.emergency, .emergency, under: center)
        return org
    }

    func people(_ org: Organisation) async throws -> ([Account], [String: Actor], (police: String, open311: String, subCenter: String)) {
        let housing = org.byName["市住房和城乡建设局"]!
        let specs: [(String, String, Role, OrgUnit)] = [
            ("admin", "系统管理员", .admin, org.center), ("agent", "话务员小李", .agent, org.center), ("agent2", "话务员小王", .agent, org.center),
            ("supervisor", "审核督办员老张", .centerSupervisor, org.center), ("housing", "住建局承办人", .unitHandler, housing),
            ("housing-admin", "住建局管理员", .unitAdmin, housing), ("donghu", "东湖区承办人", .unitHandler, org.districts[0]),
            ("donghu-street", "东湖街道承办人", .unitHandler, org.townships[0]), ("kbeditor", "知识库编辑", .kbEditor, org.center),
            ("auditor", "审计员", .auditor, org.center), ("leader", "中心主任", .leader, org.center), ("police110", "110联动平台", .integrationClient, org.byName[DemoContent.emergency]!),
            ("open311", "Open311市民应用", .integrationClient, org.center), ("subcenter", "\(DemoContent.subCenter)系统", .linkedSystem, org.byName[DemoContent.subCenter]!),
        ]
        var accounts: [Account] = []
        var users: [String: Actor] = [:]
        var integrationId: Int64 = 0
        func create(_ username: String, _ name: String, _ role: Role, _ unit: OrgUnit) async throws {
            let user = try await store.createUser(username: username, displayName: name, password: Self.password, role: role, unitId: unit.id, by: .system)
            users[username] = Actor.user(id: user.id, name: name, role: role, unitId: unit.id, unitPath: unit.path, centerId: unit.centerId)
            if username == "police110" { integrationId = user.id }
        }
        for (username, name, role, unit) in specs {
            try await create(username, name, role, unit)
            accounts.append(Account(username: username, role: role, unit: unit.name))
        }
        let apiKey = try await store.createAPIKey(userId: integrationId, name: "110联动平台", by: .system)
        let open311Key = try await store.createAPIKey(userId: users["open311"]!.userId!, name: "Open311市民应用", by: .system)
        let subCenterKey = try await store.createAPIKey(userId: users["subcenter"]!.userId!, name: "分中心系统", by: .system)
        // A handler for every other unit that receives tickets, so that every demo ticket can be worked.
        let covered = Set([housing.id, org.districts[0].id, org.townships[0].id])
        for unit in org.byName.values.sorted(by: { $0.id < $1.id }) where !covered.contains(unit.id) {
            try await create("unit\(unit.id)", "\(unit.name)承办人", .unitHandler, unit)
        }
        return (accounts, users, (apiKey, open311Key, subCenterKey))
    }

    /// Calls 110 diverted today (非警务警情分流): they wait at the center, accepted on the 110 channel.
    func policeCalls(_ platform: Actor) async throws -> Int {
        let calls: [(String, String, String)] = [
            ("noise", "楼上住户凌晨还在唱卡拉OK，多次敲门无人理会。", "东湖区滨江花园3栋"),
            ("moveCar", "一辆白色轿车堵住小区消防通道，联系不上车主。", "南江区锦绣苑北门"),
            ("utilityOutage", "整栋楼从傍晚开始停电，没有接到任何通知。", "西山区翠湖小区5栋"),
            ("strayAnimal", "小区里有几只流浪狗追咬路人，孩子不敢下楼。", "东湖区东湖街道幸福里"),
            ("propertyDispute", "物业强行锁了我家车位的地锁，说我欠物业费。", "南江区锦绣苑"),
        ]
        for (index, call) in calls.enumerated() {
            _ = try await store.divertFrom110(DivertedCall(
                alarmNumber: "JJ\(CivilDate(now).description.replacingOccurrences(of: "-", with: ""))\(String(format: "%06d", index + 1))",
                dispatchNumber: "CJ-DEMO-\(index + 1)", itemCode: call.0, content: call.1, callerName: "市民", callerPhone: "1390000\(String(format: "%04d", index))",
                address: call.2, calledAt: now.addingTimeInterval(Double(-3600 * (index + 1)))), by: platform)
        }
        return calls.count
    }

    /// Districts, townships and communities route to their own units; roads and estates to the township they lie in.
    func gazetteer(_ org: Organisation) async throws {
        var ids: [String: Int64] = [:]
        for kind in ["district", "township", "community", "road", "estate"] {
            let places = DemoContent.places.filter { $0.kind == kind }.map { place in
                Place(id: 0, name: place.name, aliases: place.aliases, kind: Place.Kind(rawValue: place.kind) ?? .estate,
                      unitID: org.byName[place.name]?.id, parentID: place.parent.flatMap { ids[$0] })
            }
            for place in try await store.addPlaces(places, centerId: org.center.id, by: .system) { ids[place.name] = place.id }
        }
    }

    /// Entries written by the KB editor, verified by their source unit (or by the admin for the center's own), published.
    func knowledge(_ org: Organisation, _ users: [String: Actor]) async throws -> Int {
        let editor = users["kbeditor"]!
        var count = 0
        var housingEntries: [Int64] = []
        for item in DemoContent.knowledge {
            let source = item.sourceUnit == DemoContent.center ? nil : org.byName[item.sourceUnit]
            let entry = try await store.createKnowledge(
                KnowledgeContent(question: item.question, variants: item.variants, answer: item.answer, categoryCode: item.category,
                                 sourceUnitId: source?.id, tags: item.tags), by: editor)
            _ = try await store.knowledgeAction(id: entry.id, .submit, note: "", by: editor)
            let verifier = source.flatMap { unit in users.values.first { $0.unitId == unit.id && $0.role == .unitHandler } } ?? users["admin"]!
            _ = try await store.knowledgeAction(id: entry.id, .approve, note: "已校核", by: verifier)
            if source?.name == "市住房和城乡建设局" { housingEntries.append(entry.id) }
            count += 1
        }
        // Work left for the demo: a revision waiting for the housing bureau's verification, and an agent's error report.
        if housingEntries.count >= 2, let agent = users["agent"] {
            let live = try await store.knowledge(id: housingEntries[0], for: editor)
            var revised = live.content
            revised.answer += "（2026年起可通过“临江住房公积金”小程序线上办理。）"
            _ = try await store.editKnowledge(id: live.id, content: revised, expectedVersion: nil, by: editor)
            _ = try await store.knowledgeAction(id: live.id, .submit, note: "补充线上办理渠道", by: editor)
            _ = try await store.reportKnowledgeError(id: housingEntries[1], text: "来电人反映首付比例已调整，答案中的比例可能过时，请核实。", by: agent)
        }
        return count
    }

    /// Reads messages from a `title,text,label` CSV (as in the TipDM data set), assigning units by label.
    public static func messages(fromCSV text: String) -> [Message] {
        let byLabel: [String: (String, String)] = [
            "城乡建设": ("市住房和城乡建设局", "030299"), "劳动和社会保障": ("市人力资源和社会保障局", "080199"),
            "教育文体": ("市教育局", "010299"), "商贸旅游": ("市市场监督管理局", "100299"), "卫生计生": ("市卫生健康委员会", "020399"),
            "环境保护": ("市生态环境局", "040299"), "交通运输": ("市交通运输局", "051199"),
        ]
        let rows = CSV.parse(text)
        guard let header = rows.first, let t = header.firstIndex(of: "title"), let x = header.firstIndex(of: "text"),
            let l = header.firstIndex(of: "label")
        else { return [] }
        return rows.dropFirst().compactMap { row in
            guard row.count > max(t, x, l), let (unit, code) = byLabel[row[l]] else { return nil }
            let title = String(row[t].prefix(100))
            var body = row[x]
            if body.hasPrefix(row[t]) { body.removeFirst(row[t].count) }
            return Message(title: title.isEmpty ? "市民诉求" : title, text: String(body.prefix(2000)).isEmpty ? title : String(body.prefix(2000)),
                           unit: unit, categoryCode: code, type: .complaint)
        }
    }
}

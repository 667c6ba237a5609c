import Foundation
import HotlineCore
import HotlineStore

/// Builds the demo city 临江市: a hotline center, departments, districts with streets and communities,
/// one user for every role, and about a thousand tickets in every status.
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
        public var ticketsByStatus: [TicketStatus: Int]
    }

    /// A message to seed tickets with: title, text, and which department handles it.
    public struct Message: Sendable {
        public var title: String
        public var text: String
        public var department: String
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
        try await store.units(visibleTo: .system).contains { $0.name == centerName }
    }

    static let centerName = "临江市12345政务服务便民热线中心"
    static let departments = [
        "市住房和城乡建设局", "市交通运输局", "市市场监督管理局", "市人力资源和社会保障局", "市生态环境局", "市城市管理和综合执法局",
        "市教育局", "市卫生健康委员会", "市自然资源和规划局", "市医疗保障局",
    ]

    public func run() async throws -> Summary {
        let center = try await store.createUnit(name: Self.centerName, kind: .center, parentId: nil, code: "LJ12345", regionCode: "330100")
        var departments: [String: OrgUnit] = [:]
        for (index, name) in Self.departments.enumerated() {
            departments[name] = try await store.createUnit(name: name, kind: .department, parentId: center.id, code: String(format: "D%02d", index + 1))
        }
        var districts: [OrgUnit] = []
        var streets: [OrgUnit] = []
        for (d, district) in ["东湖区", "西山区", "南江区"].enumerated() {
            let unit = try await store.createUnit(name: district, kind: .district, parentId: center.id, regionCode: "33010\(d + 2)")
            districts.append(unit)
            for street in ["\(district.prefix(2))街道", "\(district.prefix(2))镇"] {
                let s = try await store.createUnit(name: street, kind: .township, parentId: unit.id)
                streets.append(s)
                for community in ["第一社区", "第二社区"] {
                    _ = try await store.createUnit(name: "\(street)\(community)", kind: .community, parentId: s.id)
                }
            }
        }
        let subCenter = try await store.createUnit(name: "12315市场监管投诉举报分中心", kind: .subCenter, parentId: center.id)
        _ = try await store.createUnit(name: "临江水务集团", kind: .utility, parentId: center.id)
        _ = try await store.createUnit(name: "国网临江供电公司", kind: .utility, parentId: center.id)
        let police = try await store.createUnit(name: "市公安局110指挥中心", kind: .emergency, parentId: center.id)
        _ = subCenter

        let housing = departments["市住房和城乡建设局"]!
        let accountSpecs: [(String, String, Role, OrgUnit)] = [
            ("admin", "系统管理员", .admin, center), ("agent", "话务员小李", .agent, center), ("agent2", "话务员小王", .agent, center),
            ("supervisor", "审核督办员老张", .centerSupervisor, center), ("housing", "住建局承办人", .unitHandler, housing),
            ("housing-admin", "住建局管理员", .unitAdmin, housing), ("donghu", "东湖区承办人", .unitHandler, districts[0]),
            ("donghu-street", "东湖街道承办人", .unitHandler, streets[0]), ("kbeditor", "知识库编辑", .kbEditor, center),
            ("auditor", "审计员", .auditor, center), ("police110", "110联动平台", .integrationClient, police),
        ]
        var accounts: [Account] = []
        var users: [String: Actor] = [:]
        var integrationId: Int64 = 0
        for (username, name, role, unit) in accountSpecs {
            let user = try await store.createUser(username: username, displayName: name, password: Self.password, role: role, unitId: unit.id)
            accounts.append(Account(username: username, role: role, unit: unit.name))
            users[username] = Actor.user(id: user.id, name: name, role: role, unitId: unit.id, unitPath: unit.path, centerId: unit.centerId)
            if role == .integrationClient { integrationId = user.id }
        }
        let apiKey = try await store.createAPIKey(userId: integrationId, name: "110联动平台")
        for department in departments.values where department.id != housing.id {
            let user = try await store.createUser(username: "unit\(department.id)", displayName: "\(department.name)承办人",
                                                  password: Self.password, role: .unitHandler, unitId: department.id)
            users["unit\(department.id)"] = Actor.user(id: user.id, name: user.displayName, role: .unitHandler, unitId: department.id,
                                                       unitPath: department.path, centerId: department.centerId)
        }
        for district in districts.dropFirst() {
            let user = try await store.createUser(username: "unit\(district.id)", displayName: "\(district.name)承办人",
                                                  password: Self.password, role: .unitHandler, unitId: district.id)
            users["unit\(district.id)"] = Actor.user(id: user.id, name: user.displayName, role: .unitHandler, unitId: district.id,
                                                     unitPath: district.path, centerId: district.centerId)
        }

        var handlers: [Int64: Actor] = [housing.id: users["housing"]!, districts[0].id: users["donghu"]!]
        for (key, actor) in users where key.hasPrefix("unit") { handlers[actor.unitId!] = actor }
        let story = TicketStories(store: store, agent: users["agent"]!, supervisor: users["supervisor"]!, handlers: handlers,
                                  departments: departments, districts: districts, streets: streets, streetHandler: users["donghu-street"]!,
                                  centerId: center.id, messages: messages, now: now)
        let counts = try await story.tell(count: ticketCount)
        return Summary(centerId: center.id, accounts: accounts, apiKey: apiKey, ticketsByStatus: counts)
    }

    /// Messages used when no file is given.
    public static let builtInMessages: [Message] = [
        Message(title: "小区电梯频繁故障", text: "我住在东湖区滨江花园3幢，电梯本月已经停运四次，老人上下楼很困难，物业一直推诿，请相关部门督促维修。",
                department: "市住房和城乡建设局", categoryCode: "070999", type: .complaint),
        Message(title: "夜间施工噪音扰民", text: "西山区学府路工地每天晚上十一点以后还在打桩，噪音很大，严重影响附近居民休息，请求查处。",
                department: "市生态环境局", categoryCode: "040299", type: .complaint),
        Message(title: "咨询社保卡补办流程", text: "社保卡丢失了，想问一下补办需要带什么材料，在哪里办理，多长时间可以拿到。",
                department: "市人力资源和社会保障局", categoryCode: "080199", type: .consultation),
        Message(title: "公交线路调整建议", text: "建议12路公交车在高新区新开通的科技园站增设站点，方便上班族通勤。",
                department: "市交通运输局", categoryCode: "050299", type: .suggestion),
        Message(title: "超市销售过期食品", text: "南江区某超市货架上有过期三天的酸奶在售，已拍照留存，请市场监管部门查处。",
                department: "市市场监督管理局", categoryCode: "070899", type: .report),
        Message(title: "人行道占道经营", text: "东湖路与解放路交叉口人行道被摊贩长期占用，行人只能走机动车道，存在安全隐患。",
                department: "市城市管理和综合执法局", categoryCode: "030799", type: .complaint),
        Message(title: "学校周边交通拥堵", text: "实验小学放学时段门口道路严重拥堵，希望增派交警疏导并规划临时停车区。",
                department: "市教育局", categoryCode: "010299", type: .help),
        Message(title: "医保异地报销咨询", text: "在外地住院的医疗费用回来后怎么报销，需要提前备案吗，报销比例是多少。",
                department: "市医疗保障局", categoryCode: "080199", type: .consultation),
        Message(title: "小区垃圾清运不及时", text: "南江区江畔小区垃圾桶已经三天没人清运，天气热气味很大，请督促处理。",
                department: "市城市管理和综合执法局", categoryCode: "030399", type: .complaint),
        Message(title: "表扬社区工作人员", text: "东湖街道第一社区的工作人员帮助独居老人办理了高龄补贴，服务热情周到，特此表扬。",
                department: "市住房和城乡建设局", categoryCode: "090399", type: .praise),
    ]

    /// Reads messages from a `title,text,label` CSV (as in the TipDM data set), assigning departments by label.
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
            guard row.count > max(t, x, l), let (department, code) = byLabel[row[l]] else { return nil }
            let title = String(row[t].prefix(100))
            var body = row[x]
            if body.hasPrefix(row[t]) { body.removeFirst(row[t].count) }
            return Message(title: title.isEmpty ? "市民诉求" : title, text: String(body.prefix(2000)).isEmpty ? title : String(body.prefix(2000)),
                           department: department, categoryCode: code, type: .complaint)
        }
    }
}

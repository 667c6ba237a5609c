import Foundation
import HotlineCore
import HotlineStore

/// Walks demo tickets through realistic lives, from the past up to now, so every status has examples.
struct TicketStories {
    let store: Store
    let agent: Actor
    let supervisor: Actor
    let handlers: [Int64: Actor]
    /// Every unit of the city by name.
    let units: [String: OrgUnit]
    let districts: [OrgUnit]
    let townships: [OrgUnit]
    let centerId: Int64
    let messages: [DemoSeeder.Message]
    let now: Date

    /// How far each ticket goes, with how often it happens.
    enum Ending: CaseIterable {
        case screening, accepted, rejected, answered, pendingSign, inProgress, extensionAsked, returnRequested, replied
        case pendingCallback, evaluated, closed, redone, merged, supervised, subDispatched

        var weight: Int {
            switch self {
            case .screening, .accepted, .evaluated: 5
            case .rejected, .returnRequested: 4
            case .answered: 14
            case .pendingSign, .replied, .pendingCallback: 8
            case .inProgress: 7
            case .closed: 18
            case .extensionAsked, .redone, .merged, .supervised, .subDispatched: 3
            }
        }
    }

    func tell(count: Int) async throws -> [TicketStatus: Int] {
        var random = SplitMix64(seed: 12345)
        let clock = ManualClock(now.addingTimeInterval(-20 * 86400))
        let timed = store.with(clock: clock.wallClock)
        let span = 20 * 86400.0
        let endings = Ending.allCases.flatMap { Array(repeating: $0, count: $0.weight) }
        let surnames = Array("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高")
        let given = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明"]
        var counts: [TicketStatus: Int] = [:]
        var openIds: [Int64] = []
        for i in 0..<count {
            // Older tickets got further; the newest are still early in their life.
            let start = now.addingTimeInterval(-span + span * Double(i) / Double(count) + Double(random.next(upTo: 600)))
            clock.set(min(start, now))
            let message = messages[random.next(upTo: messages.count)]
            var ending = endings[random.next(upTo: endings.count)]
            let emergency = EmergencyDetector().assess(message.title + message.text).isEmergency
            if emergency { ending = .rejected }
            let age = now.timeIntervalSince(start)
            if age < 86400 && [.closed, .evaluated, .redone, .pendingCallback].contains(ending) { ending = .replied }
            let phone = "13\(random.next(upTo: 10))\(String(format: "%08d", random.next(upTo: 100_000_000)))"
            let name = "\(surnames[random.next(upTo: surnames.count)])\(given[random.next(upTo: given.count)])"
            let consult = ending == .answered
            let channel: Channel = ending == .screening ? [.web, .wechat, .app, .photo][random.next(upTo: 4)] : (i % 17 == 0 ? .enterpriseSeat : .phone)
            let draft = TicketDraft(
                channel: channel, type: consult ? .consultation : message.type, urgency: i % 41 == 0 ? .urgent : .normal,
                title: message.title, content: message.text, categoryCode: message.categoryCode,
                location: Location(address: "临江市\(districts[i % districts.count].name)", regionCode: districts[i % districts.count].regionCode),
                requester: Requester(name: name, phone: phone, idNumber: i % 5 == 0 ? Self.idNumber(&random) : nil),
                confidential: message.type == .report)
            let ticket = try await timed.createTicket(draft, centerId: centerId, by: agent).ticket
            let id = ticket.state.id
            func act(_ input: ActionInput, by actor: Actor, after minutes: Int) async throws {
                clock.set(min(clock.now.addingTimeInterval(TimeInterval(minutes * 60)), now))
                _ = try await timed.perform(input, onTicket: id, by: actor)
            }
            let main = units[message.unit] ?? districts[0]
            guard let handler = handlers[main.id] else { continue }
            switch ending {
            case .screening:
                break
            case .accepted:
                if channel.startsInScreening { try await act(ActionInput(code: .accept), by: agent, after: 5) }
            case .rejected where emergency:
                try await act(ActionInput(code: .reject, note: "紧急情况，已转110/119/120联动处置", reasonCode: .emergencyTransferred), by: agent, after: 1)
            case .rejected:
                try await act(ActionInput(code: .reject, note: "该事项已进入诉讼程序", reasonCode: .litigation), by: agent, after: 3)
            case .answered:
                try await act(ActionInput(code: .answerOnContact, note: "已根据知识库答复：请携带身份证到就近服务大厅办理。"), by: agent, after: 4)
            case .merged:
                if let target = openIds.last {
                    try await act(ActionInput(code: .merge, note: "同一事项重复来电", targetTicketId: target), by: agent, after: 3)
                }
            default:
                try await act(ActionInput(code: .dispatch, mainUnitId: main.id, coUnitIds: i % 9 == 0 ? [districts[1].id] : []), by: agent, after: 5)
                if ending == .pendingSign { break }
                if ending == .returnRequested {
                    try await act(ActionInput(code: .requestReturn, note: "该事项不属于本单位职责，建议转属地街道"), by: handler, after: 60)
                    break
                }
                try await act(ActionInput(code: .sign), by: handler, after: 40)
                // Most units call the requester back within the day (响应); a few forget, and the response rate shows it.
                if random.next(upTo: 10) < 8 {
                    try await act(ActionInput(code: .contactRequester, note: "已电话联系诉求人，了解具体情况"), by: handler, after: 20 + random.next(upTo: 200))
                }
                var replier = handler
                if main.kind == .district && (ending == .subDispatched || i % 3 == 0),
                    let street = townships.first(where: { $0.parentId == main.id }), let streetHandler = handlers[street.id] {
                    try await act(ActionInput(code: .subDispatch, unitId: street.id), by: handler, after: 30)
                    try await act(ActionInput(code: .sign), by: streetHandler, after: 30)
                    replier = streetHandler
                }
                if ending == .inProgress || ending == .subDispatched { openIds.append(id); break }
                if ending == .extensionAsked {
                    try await act(ActionInput(code: .requestExtension, note: "需协调多个部门现场核查", days: 5, progress: "已完成初步现场勘查"),
                                  by: replier, after: 600)
                    break
                }
                if ending == .supervised {
                    try await act(ActionInput(code: .supervise, note: "市民多次来电反映，请加快办理", level: .center, method: .phone), by: supervisor, after: 900)
                    break
                }
                try await act(ActionInput(code: .reply, note: "经核查，已安排工作人员现场处理，问题已整改完毕。"), by: replier, after: 60 * (4 + random.next(upTo: 40)))
                if ending == .replied { break }
                try await act(ActionInput(code: .review, approve: true), by: supervisor, after: 120)
                if ending == .pendingCallback { break }
                if ending == .redone {
                    try await act(ActionInput(code: .evaluate, note: "问题没有解决", satisfaction: .dissatisfied, resolved: false, reasonable: true),
                                  by: supervisor, after: 240)
                    try await act(ActionInput(code: .reply, note: "重新核查后已彻底整改，并建立长效机制。"), by: replier, after: 60 * 24)
                    try await act(ActionInput(code: .review, approve: true), by: supervisor, after: 120)
                }
                let satisfaction: Satisfaction = random.next(upTo: 10) < 8 ? .satisfied : .basicallySatisfied
                try await act(ActionInput(code: .evaluate, satisfaction: satisfaction, resolved: true), by: supervisor, after: 240)
                if ending == .evaluated { break }
                try await act(ActionInput(code: .close), by: supervisor, after: 30)
            }
            let status = try await store.ticket(id: id, for: .system).state.status
            counts[status, default: 0] += 1
        }
        return counts
    }

    /// The same matter reported twice, in different words, by two callers in the last two days, both still open:
    /// what the center desk offers to merge.
    func tellDuplicates(_ pairs: [(DemoSeeder.Message, DemoSeeder.Message)]) async throws {
        let clock = ManualClock(now.addingTimeInterval(-2 * 86400))
        let timed = store.with(clock: clock.wallClock)
        for (index, pair) in pairs.enumerated() {
            for (offset, message) in [pair.0, pair.1].enumerated() {
                clock.set(now.addingTimeInterval(-Double(2 - offset) * 86400 + Double(index) * 600))
                guard let unit = units[message.unit], handlers[unit.id] != nil else { continue }
                let draft = TicketDraft(channel: .phone, type: message.type, title: message.title, content: message.text,
                                        categoryCode: message.categoryCode,
                                        requester: Requester(name: "市民\(index)\(offset)", phone: "1380000\(String(format: "%02d%02d", index, offset))"))
                let id = try await timed.createTicket(draft, centerId: centerId, by: agent).ticket.state.id
                if offset == 0 { _ = try await timed.perform(ActionInput(code: .dispatch, mainUnitId: unit.id), onTicket: id, by: agent) }
            }
        }
    }

    /// A made-up resident ID number with a correct check character.
    static func idNumber(_ random: inout SplitMix64) -> String {
        let body = "330102" + String(format: "%04d", 1950 + random.next(upTo: 55)) + String(format: "%02d%02d", 1 + random.next(upTo: 12), 1 + random.next(upTo: 28))
            + String(format: "%03d", random.next(upTo: 1000))
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(body, weights).reduce(0) { $0 + Int(String($1.0))! * $1.1 }
        return body + String(Array("10X98765432")[sum % 11])
    }
}

/// A small deterministic generator, so the demo city is the same every time.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(upTo bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

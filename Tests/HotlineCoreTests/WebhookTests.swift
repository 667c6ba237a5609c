import Foundation
import HotlineCore
import Testing

@Suite("Webhooks: signatures, retries, who gets what")
struct WebhookTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let body = Array(#"{"deliveryId":"7","topic":"ticket.create"}"#.utf8)

    @Test("a signature holds for its body, secret and time only")
    func signatures() throws {
        let stamp = Int64(now.timeIntervalSince1970)
        let signature = WebhookSignature.sign(body: body, timestamp: stamp, secret: "whsec_a")
        #expect(signature.hasPrefix("v1=") && signature.count == 3 + 64)
        try WebhookSignature.verify(body: body, timestamp: String(stamp), signature: signature, secret: "whsec_a", now: now)
        // Several codes while a secret is rotated: one matching is enough.
        try WebhookSignature.verify(body: body, timestamp: String(stamp), signature: "v1=\(String(repeating: "0", count: 64)), " + signature,
                                    secret: "whsec_a", now: now)
        func rejection(_ body: [UInt8], _ timestamp: String?, _ signature: String?, _ secret: String = "whsec_a", at: Date? = nil)
            -> WebhookSignature.Rejection? {
            do {
                try WebhookSignature.verify(body: body, timestamp: timestamp, signature: signature, secret: secret, now: at ?? now)
                return nil
            } catch {
                return error
            }
        }
        #expect(rejection(body + [32], String(stamp), signature) == .mismatch)
        #expect(rejection(body, String(stamp), signature, "whsec_b") == .mismatch)
        #expect(rejection(body, String(stamp + 1), signature) == .mismatch)
        #expect(rejection(body, String(stamp), signature, at: now.addingTimeInterval(300)) == nil)
        #expect(rejection(body, String(stamp), signature, at: now.addingTimeInterval(301)) == .stale)
        #expect(rejection(body, String(stamp), signature, at: now.addingTimeInterval(-301)) == .stale)
        #expect(rejection(body, nil, signature) == .malformed)
        #expect(rejection(body, "yesterday", signature) == .malformed)
        #expect(rejection(body, String(stamp), nil) == .malformed)
        #expect(rejection(body, String(stamp), "sha256=abc") == .malformed)
        #expect(rejection(body, String(stamp), "v1=zz") == .malformed)
        // The documented construction, computed independently (Python's hmac): HMAC-SHA256 of "<timestamp>.<body>".
        let known = WebhookSignature.sign(body: Array("{}".utf8), timestamp: 1_700_000_000, secret: "secret")
        #expect(known == "v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163")
        #expect(WebhookSignature.newSecret().hasPrefix("whsec_") && WebhookSignature.newSecret() != WebhookSignature.newSecret())
        #expect(Hex.decode("0fA0") == [0x0f, 0xa0] && Hex.decode("0") == nil && Hex.decode("0g") == nil)
    }

    @Test("the wait doubles from the first delay to the cap, jittered within its upper half; the last attempt is the dead letter")
    func retries() {
        let policy = RetryPolicy(maxAttempts: 5, firstDelay: 10, maxDelay: 60)
        #expect(policy.delay(afterAttempt: 1, jitter: 0) == 5 && policy.delay(afterAttempt: 1, jitter: 1) == 10)
        #expect(policy.delay(afterAttempt: 2, jitter: 0.5) == 15)
        #expect(policy.delay(afterAttempt: 3, jitter: 1) == 40)
        #expect(policy.delay(afterAttempt: 4, jitter: 1) == 60 && policy.delay(afterAttempt: 40, jitter: 0) == 30)
        #expect(policy.delay(afterAttempt: 1, jitter: 7) == 10 && policy.delay(afterAttempt: 1, jitter: -1) == 5)
        #expect(!policy.isExhausted(4) && policy.isExhausted(5))
    }

    @Test("a subscription takes its center's changes of its topics within its scope")
    func routing() throws {
        let center = Subscription(id: 1, centerId: 1, name: "网格", url: "https://grid.example.org/hook", topics: [], scope: .center, active: true,
                                  createdAt: now)
        let created = RoutedEvent(topic: "ticket.create", centerId: 1, unitPaths: [[1, 5]], recordedBy: 9)
        #expect(center.wants(created))
        #expect(!center.wants(RoutedEvent(topic: "ticket.create", centerId: 2)))
        var paused = center
        paused.active = false
        #expect(!paused.wants(created))
        var topics = center
        topics.topics = ["ticket.*"]
        #expect(topics.wants(created) && !topics.wants(RoutedEvent(topic: "warning.raised", centerId: 1)))
        topics.topics = ["ticket.reply", "warning.raised"]
        #expect(!topics.wants(created) && topics.wants(RoutedEvent(topic: "warning.raised", centerId: 1)))
        var unit = center
        unit.scope = .unit(5)
        #expect(unit.wants(created) && unit.wants(RoutedEvent(topic: "ticket.sign", centerId: 1, unitPaths: [[1, 5, 8]])))
        #expect(!unit.wants(RoutedEvent(topic: "ticket.sign", centerId: 1, unitPaths: [[1, 6]])))
        #expect(unit.wants(RoutedEvent(topic: "warning.raised", centerId: 1, namedUnits: [5])))
        var recorder = center
        recorder.scope = .recordedBy(9)
        #expect(recorder.wants(created) && !recorder.wants(RoutedEvent(topic: "ticket.create", centerId: 1, recordedBy: 3)))
        #expect(WebAddress.isValid("https://110.example.gov.cn/rec/1.mp3") && !WebAddress.isValid("file:///etc/passwd")
                && !WebAddress.isValid("http://") && !WebAddress.isValid("https://" + String(repeating: "a", count: 500)))
        #expect(SubscriptionScope(code: "unit", subjectId: nil) == nil && SubscriptionScope(code: "center", subjectId: nil) == .center)

        try Subscription.validate(name: "网格", url: "https://grid.example.org/hook", topics: ["ticket.*", "ticket.reply", "warning.raised"])
        for (name, url, topics) in [("", "https://a.example", [String]()), ("a", "ftp://a.example", []), ("a", "https://", []),
                                    ("a", "https://a.example", ["ticket.nothing"]), ("a", "https://a.example", ["nothing.*"]),
                                    ("a", "https://user:secret@a.example/hook", [])] {
            #expect(throws: HotlineError.self) { try Subscription.validate(name: name, url: url, topics: topics) }
        }
    }

    @Test("the body is JSON carrying the change as written")
    func encoding() throws {
        let bytes = WebhookBody.encode(deliveryId: 12, topic: "ticket.\"odd\"", occurredAt: now, event: #"{"seq":["3"]}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
        #expect(object["deliveryId"] as? String == "12" && object["topic"] as? String == "ticket.\"odd\"")
        #expect((object["event"] as? [String: [String]]) == ["seq": ["3"]])
        #expect(object["occurredAt"] as? String == "2026-11-18T11:06:40.000Z")
    }
}

@Suite("Notices: which events tell whom, and the templates")
struct NoticeKindTests {
    @Test("each lifecycle step leads to its notices")
    func kinds() {
        #expect(NoticeKind.of(.create, to: .accepted, approved: false) == [.accepted])
        #expect(NoticeKind.of(.create, to: .screening, approved: false).isEmpty)
        #expect(NoticeKind.of(.accept, to: .accepted, approved: false) == [.accepted])
        #expect(NoticeKind.of(.reject, to: .rejected, approved: false) == [.rejected])
        #expect(NoticeKind.of(.review, to: .pendingCallback, approved: true) == [.replyApproved])
        #expect(NoticeKind.of(.review, to: .inProgress, approved: false).isEmpty)
        #expect(NoticeKind.of(.dispatch, to: .pendingSign, approved: false) == [.newTicket])
        #expect(NoticeKind.of(.markOverdue, to: .inProgress, approved: false) == [.overdue])
        #expect(NoticeKind.of(.raiseWarning, to: nil, approved: false) == [.warning])
        #expect(NoticeKind.of(.sign, to: .inProgress, approved: false).isEmpty)
        #expect(NoticeKind.allCases.allSatisfy { kind in NoticeTemplate.variables(in: kind.defaultTemplate).allSatisfy(kind.variables.contains) })
    }

    @Test("a template is filled in and checked")
    func templates() throws {
        #expect(NoticeTemplate.render("工单{number}查询码{queryCode}{missing}", ["number": "2026", "queryCode": "AB12"]) == "工单2026查询码AB12{missing}")
        #expect(NoticeTemplate.render("no braces", [:]) == "no braces")
        #expect(NoticeTemplate.render("open { only", [:]) == "open { only")
        #expect(try NoticeTemplate.validate("  已受理{number}  ", for: .accepted) == "已受理{number}")
        #expect(throws: HotlineError.self) { try NoticeTemplate.validate("{reason}", for: .accepted) }
        #expect(throws: HotlineError.self) { try NoticeTemplate.validate(" ", for: .accepted) }
        #expect(throws: HotlineError.self) { try NoticeTemplate.validate(String(repeating: "字", count: 301), for: .accepted) }
    }
}

import Crypto
import Foundation
import Testing

@testable import HotlineCore

@Suite("Identity protection")
struct SecurityTests {
    @Test("masking", arguments: [
        ("13812341234", "138****1234"), ("02088886666", "020****6666"), ("12345", "***45"),
    ])
    func maskPhone(phone: String, masked: String) {
        #expect(Masking.phone(phone) == masked)
    }

    @Test("names and ID numbers are masked")
    func maskOthers() {
        #expect(Masking.name("王小明") == "王**")
        #expect(Masking.name("李") == "李*")
        #expect(Masking.idNumber("11010519491231002X") == "110***********002X")
    }

    @Test("units never see a confidential requester; center staff see masks")
    func disclosure() {
        let requester = Requester(name: "王小明", phone: "13812341234", idNumber: "11010519491231002X")
        let toUnit = requester.disclosed(confidential: true, to: Org.handler)
        #expect(toUnit.name == nil && toUnit.phone == nil && toUnit.idNumber == nil)
        let toAgent = requester.disclosed(confidential: true, to: Org.agent)
        #expect(toAgent.phone == "138****1234" && toAgent.name == "王**")
        #expect(requester.disclosed(confidential: false, to: Org.handler).phone == "138****1234")
    }

    @Test("field cipher round-trips, differs each time, and rejects tampering")
    func cipher() throws {
        let cipher = try FieldCipher(masterKey: Data(repeating: 7, count: 32))
        let a = try cipher.encrypt("13812341234")
        let b = try cipher.encrypt("13812341234")
        #expect(a != b)
        #expect(!a.contains("13812341234"))
        #expect(try cipher.decrypt(a) == "13812341234")
        var bytes = try #require(Data(base64Encoded: a))
        bytes[bytes.count - 1] ^= 1
        #expect(throws: (any Error).self) { try cipher.decrypt(bytes.base64EncodedString()) }
        #expect(cipher.blindIndex("13812341234") == cipher.blindIndex("13812341234"))
        let other = try FieldCipher(masterKey: Data(repeating: 8, count: 32))
        #expect(other.blindIndex("13812341234") != cipher.blindIndex("13812341234"))
        #expect(throws: HotlineError.self) { try FieldCipher(masterKey: Data(repeating: 1, count: 16)) }
    }

    static let keyring = AuditKeyring(keys: [1: SymmetricKey(data: Data(repeating: 1, count: 32)), 2: SymmetricKey(data: Data(repeating: 2, count: 32))])

    /// A chain of `count` events sealed with key 1 (a rotation to key 2 at `rotateAt`, when given).
    func chain(_ count: Int, rotateAt: Int64? = nil, keyring: AuditKeyring = Self.keyring) -> [AuditRecord] {
        var records: [AuditRecord] = []
        var previous = AuditChain.genesis
        var key: Int64 = 1
        for seq in 1...Int64(count) {
            let rotation = seq == rotateAt
            var r = AuditRecord(seq: seq, ticketId: seq % 3, at: 1_700_000_000_000 + seq, actorId: 1, actorName: "话务员",
                                action: rotation ? "rotateAuditKey" : "dispatch", fromStatus: "accepted", toStatus: "pendingSign", note: "note \(seq)",
                                details: rotation ? #"{"key":["2"]}"# : "{}", isPublic: false, keyId: key, ticketDigest: "d\(seq)", prevHash: previous, hash: "")
            r.hash = AuditChain.hash(r, prevHash: previous, key: keyring.keys[key])
            previous = r.hash
            records.append(r)
            if rotation { key = 2 }
        }
        return records
    }

    /// Recomputes every seal from `from` on, as someone who can write the database (but lacks the key) would.
    func rechained(_ records: [AuditRecord], withKey key: SymmetricKey?) -> [AuditRecord] {
        var out: [AuditRecord] = []
        var previous = AuditChain.genesis
        for var record in records {
            record.prevHash = previous
            record.hash = AuditChain.hash(record, prevHash: previous, key: key)
            previous = record.hash
            out.append(record)
        }
        return out
    }

    @Test("the audit chain verifies and names the first altered, missing or relinked event")
    func auditChain() {
        let records = chain(10)
        #expect(AuditChain.verify(records, keyring: Self.keyring) == nil)
        var altered = records
        altered[4].note = "changed"
        #expect(AuditChain.verify(altered, keyring: Self.keyring)?.seq == 5)
        var removed = records
        removed.remove(at: 6)
        #expect(AuditChain.verify(removed, keyring: Self.keyring)?.seq == 7)
        var relinked = records
        relinked[2].prevHash = String(repeating: "f", count: 64)
        #expect(AuditChain.verify(relinked, keyring: Self.keyring)?.seq == 3)
    }

    @Test("every column is sealed: the public flag, the ticket digest, the key")
    func everyColumn() {
        let records = chain(5)
        var shown = records
        shown[2].isPublic = true
        #expect(AuditChain.verify(shown, keyring: Self.keyring)?.seq == 3)
        var digest = records
        digest[3].ticketDigest = "forged"
        #expect(AuditChain.verify(digest, keyring: Self.keyring)?.seq == 4)
        var key = records
        key[1].keyId = 2
        #expect(AuditChain.verify(key, keyring: Self.keyring)?.reason.contains("#2 where the chain uses #1") == true)
    }

    @Test("a rewritten chain does not verify without the key, whether resealed with SHA-256, another key, or stripped of keys")
    func rewriteNeedsTheKey() {
        var records = chain(6)
        records[2].note = "rewritten"
        let stranger = SymmetricKey(data: Data(repeating: 9, count: 32))
        #expect(AuditChain.verify(rechained(records, withKey: stranger), keyring: Self.keyring)?.seq == 1)
        var stripped = records
        for index in stripped.indices { stripped[index].keyId = nil }
        // An all-unkeyed chain is internally consistent: checkpoints, signed with the key, are what catch it.
        #expect(AuditChain.verify(rechained(stripped, withKey: nil), keyring: Self.keyring) == nil)
        var partly = chain(6)
        partly[4].keyId = nil
        let resealed = Array(rechained(partly, withKey: Self.keyring.keys[1]).prefix(4)) + rechained(partly, withKey: nil).suffix(2)
        #expect(AuditChain.verify(resealed, keyring: Self.keyring)?.seq == 5)
    }

    @Test("a rotation moves the chain to the new key; the old key no longer seals after it")
    func rotation() {
        let records = chain(6, rotateAt: 3)
        #expect(AuditChain.verify(records, keyring: Self.keyring) == nil)
        #expect(records[3].keyId == 2)
        var old = records
        old[4].keyId = 1
        old[4].hash = AuditChain.hash(old[4], prevHash: old[4].prevHash, key: Self.keyring.keys[1])
        #expect(AuditChain.verify(old, keyring: Self.keyring)?.seq == 5)
        let partial = AuditKeyring(keys: [1: Self.keyring.keys[1]!])
        #expect(AuditChain.verify(records, keyring: partial)?.seq == 3)
    }

    @Test("the walker counts the intact events before the break")
    func intactCount() {
        var records = chain(500)
        records[499].note = "changed"
        var walker = AuditChain.Walker(keyring: Self.keyring)
        var broken: AuditChain.Break?
        for record in records where broken == nil { broken = walker.check(record) }
        #expect(broken?.seq == 500 && walker.intact == 499)
    }

    @Test("checkpoints are signed, and a chain cut short, rolled back or rewritten is caught against them")
    func checkpoints() throws {
        let records = chain(10)
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let early = try AuditCheckpoint.signed(seq: 5, head: records[4].hash, at: at, keyring: Self.keyring)
        let late = try AuditCheckpoint.signed(seq: 10, head: records[9].hash, at: at.addingTimeInterval(60), keyring: Self.keyring)
        #expect(early.isSigned(by: Self.keyring))
        var forged = late
        forged.seq = 11
        #expect(!forged.isSigned(by: Self.keyring))
        let parsed = AuditCheckpoint.parse(early.line + "\n" + late.line + "\n")
        #expect(parsed.checkpoints == [early, late] && parsed.unreadable == 0)

        var intact = AuditReport()
        intact.headSeq = 10
        intact.check(checkpoints: [early, late], unreadable: 0, keyring: Self.keyring, hashes: [5: records[4].hash, 10: records[9].hash])
        #expect(intact.failedCheckpoint == nil && intact.lastGoodCheckpoint == late)

        var truncated = AuditReport()
        truncated.headSeq = 8
        truncated.check(checkpoints: [early, late], unreadable: 0, keyring: Self.keyring, hashes: [5: records[4].hash])
        #expect(truncated.failedCheckpoint?.checkpoint == late && truncated.lastGoodCheckpoint == early)
        #expect(truncated.lines.contains { $0.contains("truncated or rolled back to #8") })

        var rewritten = AuditReport()
        rewritten.headSeq = 10
        rewritten.check(checkpoints: [early, late], unreadable: 0, keyring: Self.keyring, hashes: [5: "other", 10: "other"])
        #expect(rewritten.failedCheckpoint?.checkpoint == early && rewritten.lastGoodCheckpoint == nil && !rewritten.isIntact)

        var garbled = AuditReport()
        garbled.headSeq = 10
        garbled.check(checkpoints: [early, forged], unreadable: 0, keyring: Self.keyring, hashes: [5: records[4].hash])
        #expect(garbled.failedCheckpoint?.reason.contains("signature") == true)
    }

    @Test("an audit key file reads numbered keys and refuses a bad line")
    func keyFile() throws {
        let text = "# keys\n" + AuditKeyring.newLine(id: 1) + "\n" + AuditKeyring.newLine(id: 2) + "\n"
        let keyring = try AuditKeyring(fileText: text)
        #expect(keyring.current == 2 && keyring.keys.count == 2)
        #expect(keyring.publicKey(1) != keyring.publicKey(2))
        #expect(throws: HotlineError.self) { try AuditKeyring(fileText: "1 notbase64\n") }
        #expect(throws: HotlineError.self) { try AuditKeyring(fileText: "") }
        #expect(throws: HotlineError.self) { try AuditKeyring(fileText: AuditKeyring.newLine(id: 1) + "\n" + AuditKeyring.newLine(id: 1)) }
    }

    @Test("field boundaries can't be shifted to forge the same hash")
    func canonicalHash() {
        var a = chain(1)[0]
        var b = a
        a.note = "ab"
        a.details = "c"
        b.note = "a"
        b.details = "bc"
        #expect(AuditChain.hash(a, prevHash: AuditChain.genesis, key: Self.keyring.keys[1]) != AuditChain.hash(b, prevHash: AuditChain.genesis, key: Self.keyring.keys[1]))
        var c = a
        c.note = nil
        var d = a
        d.note = ""
        #expect(AuditChain.hash(c, prevHash: AuditChain.genesis, key: Self.keyring.keys[1]) != AuditChain.hash(d, prevHash: AuditChain.genesis, key: Self.keyring.keys[1]))
    }

    @Test("passwords: length, three kinds of character, not the username, not the commonest")
    func passwordPolicy() {
        let policy = AccountPolicy()
        #expect(policy.problem(password: "Hotline-2026", username: "agent") == nil)
        #expect(policy.problem(password: "Short1!", username: "agent") != nil)
        #expect(policy.problem(password: "alllowercase", username: "agent") != nil)
        #expect(policy.problem(password: "lower-and-symbol", username: "agent") != nil)
        #expect(policy.problem(password: "Agent-2026x", username: "agent")?.contains("用户名") == true)
        #expect(policy.problem(password: "P@ssw0rd", username: "agent")?.contains("常见") == true)
        #expect(policy.problem(password: "Password2024!", username: "agent")?.contains("常见") == true)
        #expect(policy.problem(password: "Admin@123", username: "zhang")?.contains("常见") == true)
        #expect(policy.problem(password: String(repeating: "Aa1-", count: 40), username: "agent") != nil)
        var strict = AccountPolicy()
        strict.minimumLength = 12
        strict.requiredClasses = 4
        #expect(strict.problem(password: "Hotline-2026", username: "agent") == nil)
        #expect(strict.problem(password: "Hotline2026x", username: "agent") != nil)
    }

    @Test("sign-in delays grow after the free failures and stop at the maximum")
    func throttleDelays() {
        let throttle = SignInThrottle()
        #expect(throttle.delay(afterFailures: 4, free: 5) == 0)
        #expect(throttle.delay(afterFailures: 5, free: 5) == 1)
        #expect(throttle.delay(afterFailures: 8, free: 5) == 8)
        #expect(throttle.delay(afterFailures: 40, free: 5) == 900)
    }

    @Test("TOTP matches RFC 6238's test vectors, reads and writes base32, and takes a code once")
    func totp() throws {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", 8 digits.
        let totp = TOTP(secret: Data("12345678901234567890".utf8))
        let vectors: [(TimeInterval, String)] = [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
                                                 (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130")]
        for (time, code) in vectors {
            #expect(totp.code(counter: TOTP.counter(at: Date(timeIntervalSince1970: time)), digits: 8) == code)
        }
        #expect(totp.base32 == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
        #expect(TOTP(base32: "gezd gnbv gy3t qojq gezd gnbv gy3t qojq") == totp)
        let now = Date(timeIntervalSince1970: 1_234_567_890)
        let code = totp.code(counter: TOTP.counter(at: now))
        let counter = try #require(totp.matchingCounter(code, at: now, after: nil))
        #expect(totp.matchingCounter(code, at: now, after: counter) == nil)
        #expect(totp.matchingCounter(code, at: now.addingTimeInterval(29), after: nil) != nil)
        #expect(totp.matchingCounter(code, at: now.addingTimeInterval(120), after: nil) == nil)
        #expect(totp.matchingCounter("12345", at: now, after: nil) == nil)
        #expect(totp.provisioningURI(account: "agent", issuer: "12345热线").hasPrefix("otpauth://totp/12345%E7%83%AD%E7%BA%BF%3Aagent?secret=GEZDGNBV"))
    }
}

@Suite("Ticket drafts")
struct TicketDraftTests {
    func draft(_ change: (inout TicketDraft) -> Void = { _ in }) -> TicketDraft {
        var d = TicketDraft(channel: .phone, type: .complaint, title: " 路灯不亮 ", content: "小区路灯坏了", categoryCode: "030599",
                            requester: Requester(name: "王先生", phone: "+86 138-1234-1234", idNumber: "11010519491231002x"))
        change(&d)
        return d
    }

    @Test("a good draft is trimmed and normalised")
    func valid() throws {
        let d = try draft().validated()
        #expect(d.title == "路灯不亮")
        #expect(d.requester.phone == "13812341234")
        #expect(d.requester.idNumber == "11010519491231002X")
    }

    @Test("bad fields are refused with the field's name", arguments: [
        ("title", 0), ("content", 1), ("phone", 2), ("idNumber", 3), ("latitude", 4), ("location", 5), ("creditCode", 6),
        ("enterpriseName", 7), ("categoryCode", 8), ("title", 9), ("attachments", 10),
    ])
    func invalid(field: String, index: Int) {
        let changes: [(inout TicketDraft) -> Void] = [
            { $0.title = "  " }, { $0.content = "" }, { $0.requester.phone = "call me" }, { $0.requester.idNumber = "110105194912310021" },
            { $0.location.latitude = 91; $0.location.longitude = 120 }, { $0.location.latitude = 30 },
            { $0.requester.creditCode = "123" }, { $0.requester.kind = .enterprise }, { $0.categoryCode = "03x" },
            { $0.title = String(repeating: "长", count: 201) },
            { $0.attachments = [AttachmentMeta(name: "a.jpg", contentType: "image/jpeg", size: 60 * 1024 * 1024)] },
        ]
        let error = #expect(throws: HotlineError.self) { try draft(changes[index]).validated() }
        #expect(error?.httpStatus == 400)
        #expect(error?.message.contains(field) == true)
    }

    @Test("ticket numbers and query codes")
    func numbers() throws {
        #expect(TicketNumber.make(on: try #require(CivilDate("2026-11-22")), sequence: 17) == "20261122000017")
        let code = TicketNumber.newQueryCode()
        #expect(code.count == 8 && code.allSatisfy { TicketNumber.alphabet.contains($0) })
        #expect(TicketNumber.isWellFormed("20261122000017") && !TicketNumber.isWellFormed("2026112200001x"))
    }
}

@Suite("Category import")
struct CategoryImportTests {
    let header = "level1_code,level1_name,level2_code,level2_name,level3_code,level3_name,description\n"

    @Test("a clean tree imports with parents before children")
    func clean() throws {
        let tree = try CategoryImport(csv: header + """
            01,科教文体,0101,科技事务,010101,科技服务,科技服务相关诉求
            01,科教文体,0101,科技事务,010199,其他科技事务,
            99,其他,9901,涉军涉警,990100,,涉军涉警事项
            """)
        #expect(tree.problems.isEmpty)
        #expect(tree.nodes.map(\.code) == ["01", "0101", "010101", "010199", "99", "9901"])
        #expect(tree.leaves.map(\.code) == ["010101", "010199", "9901"])
        #expect(tree.nodes.first { $0.code == "9901" }?.description == "涉军涉警事项")
    }

    @Test("the standard's duplicated code is resolved by path and reported")
    func duplicateCode() throws {
        let tree = try CategoryImport(csv: header + """
            09,民政社区,0904,生活服务,090499,其他生活服务,未列入的其他生活服务
            09,民政社区,0905,民族宗教,090501,民族管理,
            09,民政社区,0905,民族宗教,090499,其他民族宗教,未列入的其他民族宗教
            """)
        #expect(tree.problems.count == 1)
        #expect(tree.problems.first?.severity == .resolved)
        #expect(tree.problems.first?.line == 4)
        let node = try #require(tree.nodes.first { $0.name == "其他民族宗教" })
        #expect(node.code == "090599" && node.parentCode == "0905")
        #expect(tree.nodes.first { $0.code == "090499" }?.name == "其他生活服务")
    }

    @Test("broken rows are skipped and reported, the rest kept")
    func brokenRows() throws {
        let tree = try CategoryImport(csv: header + """
            01,科教文体,0101,科技事务,010101,科技服务,
            1,坏编码,0101,科技事务,010102,科研工作,
            01,科教文体,0201,错位,020101,错位三级,
            01,科教文体,0101,科技事务,010101,另一个名字,
            01,科教文体,0101,科技事务,0101AB,字母,
            """)
        #expect(tree.nodes.map(\.code) == ["01", "0101", "010101"])
        #expect(tree.problems.map(\.line) == [3, 4, 5, 6])
        #expect(tree.problems.allSatisfy { $0.severity == .skipped })
    }

    @Test("a file without the columns is refused")
    func badHeader() {
        #expect(throws: HotlineError.self) { try CategoryImport(csv: "code,name\n01,x\n") }
        #expect(throws: HotlineError.self) { try CategoryImport(csv: "") }
    }

    @Test("the bundled DB44/T 2479—2024 tree: 515 leaves, the 090499 clash resolved")
    func bundled() throws {
        let tree = try CategoryImport.bundledDefault()
        #expect(tree.leaves.count == 515)
        #expect(tree.nodes.filter { $0.level == 1 }.count == 14)
        #expect(tree.nodes.filter { $0.level == 2 }.count == 99)
        #expect(tree.problems.count == 1)
    }

    @Test("CSV quoting, CRLF and BOM")
    func csv() {
        #expect(CSV.parse("\u{FEFF}a,b\r\n\"x,\"\"y\"\"\",z\n\n") == [["a", "b"], ["x,\"y\"", "z"]])
        #expect(CSV.parse("a,\"multi\nline\"") == [["a", "multi\nline"]])
    }
}

@Suite("Fingerprints and hex")
struct FingerprintTests {
    @Test("hex text of bytes")
    func hex() {
        #expect(Hex.encode([0x0f, 0xa0, 0x00, 0xff]) == "0fa000ff")
        #expect(Hex.random(bytes: 16).count == 32)
        #expect(Hex.random(bytes: 16) != Hex.random(bytes: 16))
    }

    @Test("a draft's fingerprint changes with every field and cannot be shifted between fields")
    func fingerprint() {
        let base = TicketDraft(channel: .phone, type: .complaint, title: "ab", content: "c", requester: Requester(name: "王", phone: "13800001111"))
        var shifted = base
        shifted.title = "a"
        shifted.content = "bc"
        var swapped = base
        swapped.requester.name = "13800001111"
        swapped.requester.phone = "王"
        var urgent = base
        urgent.urgency = .urgent
        var attached = base
        attached.attachments = [AttachmentMeta(name: "a.jpg", contentType: "image/jpeg", size: 1)]
        let prints = [base, shifted, swapped, urgent, attached].map(\.fingerprint)
        #expect(Set(prints).count == prints.count)
        #expect(base.fingerprint == base.fingerprint)
    }
}

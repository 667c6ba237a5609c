import Foundation
import HotlineCore
import Logging
import SQLKit
import Synchronization

/// Everything Hotline keeps, on SQLite or PostgreSQL: all SQL of the product lives in this module.
public final class Store: Sendable {
    public let database: Database
    let cipher: FieldCipher
    let clock: WallClock
    let bcryptCost: UInt8
    let sessionLifetime: TimeInterval
    /// Where uploaded files go; nil refuses uploads.
    let files: FileVault?
    /// Concurrent plain intakes share one transaction.
    let intakeBatcher = IntakeBatcher()
    /// Recently resolved API tokens.
    let tokens = TokenCache()
    /// Wrong query codes per client and ticket number: a client guessing a ticket's code is refused for a while.
    let queryCodeFailures = LoginThrottle(limit: 10, window: 15 * 60)
    let dummyPasswordHash = Mutex<String?>(nil)
    /// Hotspot listings of the last minutes.
    let hotspotCache = HotspotCache()
    /// The audit chain's keys and checkpoint file.
    public let audit: AuditSeal
    /// Password rules, sign-in throttling and the second factor.
    public let accounts: AccountPolicy

    public init(database: Database, cipher: FieldCipher, clock: WallClock = .system, bcryptCost: UInt8 = 10,
                sessionLifetime: TimeInterval = 12 * 3600, files: FileVault? = nil, audit: AuditSeal = .ephemeral(),
                accounts: AccountPolicy = AccountPolicy()) {
        self.database = database
        self.audit = audit
        self.accounts = accounts
        self.cipher = cipher
        self.clock = clock
        self.bcryptCost = bcryptCost
        self.sessionLifetime = sessionLifetime
        self.files = files
    }

    public var dialect: Dialect { database.dialect }

    /// The same store reading time from another clock (seeding history, simulations).
    public func with(clock: WallClock) -> Store {
        Store(database: database, cipher: cipher, clock: clock, bcryptCost: bcryptCost, sessionLifetime: sessionLifetime, files: files,
              audit: audit, accounts: accounts)
    }
    /// The same store under another account policy (a center that requires a second factor, say).
    public func with(accounts: AccountPolicy) -> Store {
        Store(database: database, cipher: cipher, clock: clock, bcryptCost: bcryptCost, sessionLifetime: sessionLifetime, files: files,
              audit: audit, accounts: accounts)
    }
    var now: Date { clock.now() }
    /// The store's clock, for work outside it that must agree with it (a webhook's signing time).
    public var currentTime: Date { clock.now() }

    /// Brings the schema up to date; returns the migrations it applied.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await Migrations.run(on: database, now: now)
    }

    /// The lifecycle with the current calendar and SLA policies, read inside `db`.
    func lifecycle(_ db: any SQLDatabase) async throws -> Lifecycle {
        Lifecycle(planner: DeadlinePlanner(calendar: try await calendar(db), policies: try await slaPolicies(db)))
    }

    /// `FOR UPDATE` where the dialect has it; SQLite's single writer makes it unnecessary.
    var forUpdate: String { dialect == .postgres ? " FOR UPDATE" : "" }
}


extension Dictionary where Key == String, Value == [String] {
    /// Sorted-key JSON, so the same details always hash alike (written by hand: it is on every change's path).
    var canonicalJSON: String {
        var out = "{"
        for (index, key) in keys.sorted().enumerated() {
            if index > 0 { out += "," }
            out += Self.quoted(key) + ":[" + self[key, default: []].map(Self.quoted).joined(separator: ",") + "]"
        }
        return out + "}"
    }

    /// A JSON string literal (the one spelling the audit chain hashes: `JSONText.quoted`).
    static func quoted(_ text: String) -> String {
        JSONText.quoted(text)
    }

    init(json: String) {
        self = (try? JSONDecoder().decode([String: [String]].self, from: Data(json.utf8))) ?? [:]
    }
}

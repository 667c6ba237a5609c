import ArgumentParser
import Foundation
import HotlineServer
import HotlineCore
import HotlineStore

/// `hotline user add`.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users (用户)", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user")

        @OptionGroup var global: GlobalOptions
        @Option var username: String
        @Option(name: .customLong("name"), help: "Display name") var displayName: String
        @Option(help: "One of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))") var role: String
        @Option(help: "Unit id") var unit: Int64
        @Option(help: "Password (8+ characters); read from HOTLINE_PASSWORD when omitted") var password: String?

        func run() async throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("unknown role \(role)") }
            guard let password = password ?? ProcessInfo.processInfo.environment["HOTLINE_PASSWORD"] else {
                throw ValidationError("give --password or set HOTLINE_PASSWORD")
            }
            let (username, displayName, unit) = (username, displayName, unit)
            try await global.withRuntime { runtime, _ in
                let user = try await runtime.store.createUser(username: username, displayName: displayName, password: password, role: role, unitId: unit, by: .system)
                print("added user #\(user.id) \(user.username) (\(role.label))")
            }
        }
    }
}

/// `hotline import categories FILE.csv`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import data (导入)", subcommands: [Categories.self, Tickets.self])

    struct Categories: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "categories",
            abstract: "Load a category tree (level1_code,level1_name,level2_code,level2_name,level3_code,level3_name,description)")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "CSV file") var file: String
        @Flag(help: "Refuse the whole file if any row has a problem") var strict = false

        func run() async throws {
            let parsed = try CategoryImport(csv: try String(contentsOfFile: file, encoding: .utf8))
            for problem in parsed.problems { print(problem) }
            if strict && !parsed.problems.isEmpty {
                throw ValidationError("\(parsed.problems.count) problem(s); nothing imported (--strict)")
            }
            try await global.withRuntime { runtime, _ in
                let result = try await runtime.store.importCategories(parsed, by: .system)
                let skipped = parsed.problems.filter { $0.severity == .skipped }.count
                print("\(parsed.nodes.count) categories read (\(parsed.leaves.count) leaves): \(result.inserted) added, \(result.updated) updated, \(skipped) rows skipped, \(parsed.problems.count - skipped) resolved")
            }
        }
    }
}

/// `hotline calendar show YEAR`.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calendar", abstract: "The working calendar (工作日历)", subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Print each non-working weekday and each working weekend day of a year")

        @OptionGroup var global: GlobalOptions
        @Argument var year: Int

        func run() async throws {
            let year = year
            try await global.withRuntime { runtime, _ in
                let days = try await runtime.store.calendar().exceptions(in: year)
                guard !days.isEmpty else {
                    print("\(year): no holidays recorded — add them with PUT /api/v1/calendar/days/{date}")
                    return
                }
                for day in days { print("\(day.date) \(day.date.weekdayLabel) \(day.kind.label) \(day.name)") }
                let off = days.filter { $0.kind == .holiday }.count
                print("\(year): \(off) non-working weekdays, \(days.count - off) working weekend days")
            }
        }
    }
}

/// `hotline audit verify|checkpoint|rotate-key|public-key`.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The tamper-evident history (审计)",
                                                    subcommands: [Verify.self, Checkpoint.self, RotateKey.self, PublicKey.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify", abstract: "Check every event's seal, every ticket row against its last event, and every checkpoint")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let result = try await global.withRuntime(prepareSchema: false) { runtime, _ in try await runtime.store.runAuditVerification() }
            for line in result.findings { print(line) }
            if !result.intact { throw ExitCode(2) }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint", abstract: "Append a signed checkpoint of the chain's head to the checkpoint file (audit.checkpointFile)")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let written = try await global.withRuntime { runtime, _ in try await runtime.store.writeAuditCheckpoint() }
            if let written { print("checkpoint #\(written.seq) \(written.head) signed with audit key #\(written.key)") } else { print("no new events since the last checkpoint") }
        }
    }

    struct RotateKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-key",
            abstract: "Seal the chain with a new audit key from now on (the rotation is itself an event, sealed with the old key)",
            discussion: "With several nodes, add the key to every node's key file first (`--add-only` on one, copy the file), then rotate with --key N.")

        @OptionGroup var global: GlobalOptions
        @Option(help: "Rotate to this key, already in the key file of every node") var key: Int64?
        @Flag(help: "Only add a new key to the key file") var addOnly = false

        func run() async throws {
            let (addOnly, key) = (self.addOnly, self.key)
            let message = try await global.withRuntime { runtime, _ in
                if addOnly { return "added audit key #\(try runtime.store.audit.addKey()) to \(runtime.configuration.auditKeyFile)" }
                let next = try await runtime.store.rotateAuditKey(to: key, by: .system)
                return "the audit chain is sealed with key #\(next) from now on"
            }
            print(message)
        }
    }

    struct PublicKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key", abstract: "Print the Ed25519 public key a witness checks this platform's checkpoints with")

        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let configuration = global.configuration()
            let keyring = try AuditSeal.loadKeyring(keyFile: configuration.auditKeyFile)
            for id in keyring.keys.keys.sorted() { print("\(id) \(keyring.publicKey(id) ?? "?")") }
        }
    }
}

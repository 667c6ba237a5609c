import ArgumentParser
import Foundation

/// `hotline`: run and manage a 12345 government-service hotline.
@main
struct HotlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline",
        abstract: "Hotline 12345 政务服务便民热线平台",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SeedCommand.self, UserCommand.self, ImportCommand.self, CalendarCommand.self,
            AuditCommand.self, TrainCommand.self, ModelsCommand.self, EvalCommand.self, BenchCommand.self, ReportCommand.self,
            BackupCommand.self, RestoreCommand.self,
        ])

    /// Every file Hotline creates (the database and its journal, uploads, keys, checkpoints, backups) is its owner's
    /// alone: 0600 files, 0700 folders.
    static func main() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

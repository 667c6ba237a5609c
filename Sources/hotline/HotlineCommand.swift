import ArgumentParser

/// `hotline`: run and manage a 12345 government-service hotline.
@main
struct HotlineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hotline",
        abstract: "Hotline 12345 政务服务便民热线平台",
        subcommands: [
            ServeCommand.self, MigrateCommand.self, SeedCommand.self, UserCommand.self, ImportCommand.self, CalendarCommand.self,
            AuditCommand.self, TrainCommand.self, ModelsCommand.self, EvalCommand.self, BenchCommand.self, ReportCommand.self,
        ])
}

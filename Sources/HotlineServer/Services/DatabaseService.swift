import HotlineStore
import ServiceLifecycle

/// Runs the database pool as a service, once, so that it starts first and stops last.
public struct DatabaseService: Service {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    public func run() async throws {
        // PostgreSQL's pool runs until cancelled; SQLite has nothing to run but must not end the group early.
        await cancelWhenGracefulShutdown {
            await database.run()
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
    }
}

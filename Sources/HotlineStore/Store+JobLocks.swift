import Foundation
import HotlineCore
import SQLKit

/// Job locks: one node at a time runs a named job (a training, say), across every node of the cluster.
extension Store {
    // MARK: Job locks

    /// Takes the named lock for `seconds` unless another holder has it: one node trains, the others skip.
    public func tryLock(_ name: String, holder: String, seconds: TimeInterval) async throws -> Bool {
        let at = now.millis
        let until = at + Int64(seconds * 1000)
        return try await database.transaction { db in
            let row = try await db.raw("""
                INSERT INTO job_locks (name, holder, until_at) VALUES (\(bind: name), \(bind: holder), \(bind: until))
                ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_at = excluded.until_at
                WHERE job_locks.until_at < \(bind: at) OR job_locks.holder = excluded.holder
                RETURNING holder
                """).first()
            return row != nil
        }
    }

    /// Releases a lock this holder took.
    public func unlock(_ name: String, holder: String) async throws {
        try await database.transaction { db in
            try await db.raw("DELETE FROM job_locks WHERE name = \(bind: name) AND holder = \(bind: holder)").run()
        }
    }
}

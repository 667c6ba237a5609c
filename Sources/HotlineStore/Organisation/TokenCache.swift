import Foundation
import HotlineCore
import Synchronization

/// Bearer tokens and API keys resolved in the last few seconds, so that an API request does not read the
/// sessions table every time. Sign-out, disabling a user, a password reset and revoking a key take effect at
/// once on this node and within `ttl` on the others.
final class TokenCache: Sendable {
    private struct Entry {
        let actor: Actor
        let until: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    let ttl: TimeInterval

    init(ttl: TimeInterval = 10) {
        self.ttl = ttl
    }

    func actor(_ hash: String, now: Date) -> Actor? {
        entries.withLock { entries in
            guard let entry = entries[hash] else { return nil }
            guard entry.until > now else {
                entries[hash] = nil
                return nil
            }
            return entry.actor
        }
    }

    /// Remembers a token until `ttl` from now, or until the session expires if that is sooner.
    func remember(_ hash: String, _ actor: Actor, now: Date, expiresAt: Date?) {
        let until = min(now.addingTimeInterval(ttl), expiresAt ?? .distantFuture)
        entries.withLock { entries in
            if entries.count > 50_000 { entries = entries.filter { $0.value.until > now } }
            entries[hash] = Entry(actor: actor, until: until)
        }
    }

    func forget(_ hash: String) {
        entries.withLock { $0[hash] = nil }
    }

    func forget(userId: Int64) {
        entries.withLock { entries in entries = entries.filter { $0.value.actor.userId != userId } }
    }

    func forgetAll() {
        entries.withLock { $0.removeAll() }
    }
}

import Foundation
import HotlineCore
import Synchronization

/// Gathers intakes that arrive while a batch is being written and writes them together in one transaction
/// (group commit): no waiting is added when intake is quiet, and under load a batch costs a few statements
/// instead of a dozen per ticket. A batch that fails as a whole is retried one request at a time, so a request
/// fails only for its own reasons.
final class IntakeBatcher: Sendable {
    typealias Waiter = CheckedContinuation<IntakeOutcome, any Error>

    private let state = Mutex<(pending: [(IntakeRequest, TicketRow, Waiter)], writing: Bool)>(([], false))
    let maxBatch: Int

    init(maxBatch: Int = 100) {
        self.maxBatch = maxBatch
    }

    /// Queues `request` with its row (identity already encrypted, by the caller's own task) and waits until the
    /// batch holding it is committed.
    func submit(_ request: IntakeRequest, row: TicketRow, to store: Store) async throws -> IntakeOutcome {
        try await withCheckedThrowingContinuation { (waiter: Waiter) in
            let start = state.withLock { state -> Bool in
                state.pending.append((request, row, waiter))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if start { Task(priority: .high) { await self.drain(store) } }
        }
    }

    private func drain(_ store: Store) async {
        while true {
            let batch = state.withLock { state -> [(IntakeRequest, TicketRow, Waiter)] in
                let batch = Array(state.pending.prefix(maxBatch))
                state.pending.removeFirst(batch.count)
                if batch.isEmpty { state.writing = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            await write(batch, store)
        }
    }

    private func write(_ batch: [(IntakeRequest, TicketRow, Waiter)], _ store: Store) async {
        do {
            let outcomes = try await store.insertBatch(batch.map { ($0.0, $0.1) })
            for ((_, _, waiter), outcome) in zip(batch, outcomes) { waiter.resume(with: outcome) }
        } catch {
            // The batch failed as a whole (a lost connection, a constraint nobody checked): try each on its own.
            for (request, _, waiter) in batch {
                do {
                    waiter.resume(returning: .recorded(try await store.createOne(request)))
                } catch {
                    waiter.resume(throwing: error)
                }
            }
        }
    }
}

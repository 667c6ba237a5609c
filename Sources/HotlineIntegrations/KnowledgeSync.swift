import AsyncHTTPClient
import Foundation
import HotlineCore
import HotlineStore
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// 知识库共建共享: follows every active knowledge source of the node's database — reads the source's shared entries
/// after the source's cursor (`GET /api/v1/kb/shared`) and keeps them (`Store.applySharedKnowledge`: the cursor moves
/// with the page, so a source that is down loses nothing), then sends back the error reports filed here on its entries.
public struct KnowledgeSync: Service {
    let store: Store
    let client: HTTPClient
    let interval: Duration
    let logger: Logger

    public init(store: Store, client: HTTPClient = .shared, interval: Duration = .seconds(10), logger: Logger) {
        self.store = store
        self.client = client
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    for (source, key) in try await store.activeKnowledgeSources() {
                        do {
                            let outcome = try await syncOnce(source, key: key)
                            if outcome.applied > 0 { logger.info("knowledge source \(source.name): \(outcome.applied) entries kept") }
                        } catch {
                            logger.warning("knowledge source \(source.name) unreachable or refused: \(error)")
                            try? await store.recordKnowledgeSourceError(id: source.id, error: String(describing: error))
                        }
                    }
                } catch is CancellationError {
                    return
                } catch {
                    logger.error("knowledge sync failed: \(error)")
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    /// Reads everything new from one source and sends back what was reported here.
    @discardableResult
    public func syncOnce(_ source: KnowledgeSource, key: String) async throws -> SharedKnowledgeOutcome {
        let peer = Peer(base: source.url, key: key, client: client, timeout: .seconds(30))
        var total = SharedKnowledgeOutcome()
        var cursor = source.cursor
        for _ in 0..<50 {
            struct Page: Decodable { let entries: [PortableKnowledge]; let cursor: Int64; let more: Bool }
            let page = try Peer.decoder.decode(Page.self, from: try await peer.call(.GET, "/api/v1/kb/shared?after=\(cursor)&limit=500", body: nil))
            let outcome = try await store.applySharedKnowledge(sourceId: source.id, from: cursor,
                                                               SharedKnowledgePage(entries: page.entries, cursor: page.cursor, more: page.more))
            total.applied += outcome.applied
            total.unchanged += outcome.unchanged
            total.skipped += outcome.skipped
            cursor = page.cursor
            if !page.more { break }
        }
        for report in try await store.reportsToForward(sourceId: source.id) {
            struct Report: Encodable { let text: String }
            _ = try await peer.call(.POST, "/api/v1/kb/entries/\(report.entryId)/reports", body: try Peer.encoder.encode(Report(text: String(report.text.prefix(2000)))))
            try await store.markReportForwarded(report.reportId)
        }
        return total
    }
}

import Foundation
import GatewayIntake
import GatewayStore
import Synchronization

/// `serve`'s re-indexing of a store upgraded from an earlier version, on a thread of its own
/// (store calls block), one batch per unit of work, logging progress as JSON lines on stderr
/// (counts only). `stop()` ends it after the batch in progress; the next start resumes.
final class BackgroundReindex: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    static func start(store: any GatewayStore) -> BackgroundReindex {
        let reindex = BackgroundReindex()
        let pending = (try? store.read { try $0.reindexProgress() }) ?? nil
        guard pending != nil else {
            reindex.finished.signal()
            return reindex
        }
        Thread.detachNewThread {
            defer { reindex.finished.signal() }
            var lastLogged = Date.distantPast
            do {
                let job = try Reindexer(store: store).run(shouldStop: { reindex.stopped.load(ordering: .relaxed) }) { job in
                    guard Date().timeIntervalSince(lastLogged) >= 5 else { return }
                    lastLogged = Date()
                    Self.log("{\"event\":\"reindex\",\"done\":\(job.done),\"total\":\(job.total)}")
                }
                if let job, !reindex.stopped.load(ordering: .relaxed) {
                    Self.log("{\"event\":\"reindex-complete\",\"done\":\(job.done),\"total\":\(job.total)}")
                }
            } catch {
                Self.log("{\"event\":\"reindex-failed\",\"error\":\"\(String(describing: type(of: error)))\"}")
            }
        }
        return reindex
    }

    /// Asks the re-indexer to stop and waits for the batch in progress.
    func stop() {
        stopped.store(true, ordering: .relaxed)
        finished.wait()
    }

    private static func log(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

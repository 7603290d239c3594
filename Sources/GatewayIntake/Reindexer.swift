import FHIRCore
import FHIRJSON
import Foundation
import GatewayStore

/// Rewrites the search rows of every resource a store held before an upgrade changed what the
/// index holds (store migration 3: every R4 search parameter), so searches on the new
/// parameters find old resources too.
///
/// Each batch is one unit of work: it reads the next resources in write order, indexes them
/// and records how far the job got, so a run stopped at any point (even by SIGKILL) resumes
/// where it stopped and never indexes a resource twice into the same state. Writes made after
/// the upgrade index themselves and are not part of the job. On PostgreSQL the job row is
/// locked per batch, so several processes share the work without writing the same rows.
public struct Reindexer: Sendable {
    let store: any GatewayStore
    let batchSize: Int

    public init(store: any GatewayStore, batchSize: Int = 250) {
        self.store = store
        self.batchSize = batchSize
    }

    /// Runs batches until the job is done (or `shouldStop` says so); returns the job as it was
    /// left (nil when there was none).
    @discardableResult
    public func run(
        shouldStop: @Sendable () -> Bool = { false }, progress: (ReindexProgress) -> Void = { _ in }
    ) throws -> ReindexProgress? {
        var last: ReindexProgress?
        while !shouldStop() {
            guard let job = try runBatch() else { break }
            last = job
            progress(job)
        }
        return last
    }

    /// One batch; nil when there is no unfinished job. The job returned has the batch counted.
    public func runBatch() throws -> ReindexProgress? {
        let size = batchSize
        return try store.write { transaction -> ReindexProgress? in
            guard let batch = try transaction.resourcesToReindex(limit: size) else { return nil }
            var job = batch.job
            let reader = FHIRJSONReader(mode: .lenient)
            for stored in batch.resources {
                // A body that no longer reads (it was stored by an older codec) keeps its old rows.
                guard let resource = reader.read(Array(stored.body)).resource else { continue }
                try transaction.replaceSearchIndex(type: stored.type, id: stored.id, index: ResourceIndexing.index(resource))
            }
            job.done += Int64(batch.resources.count)
            let finished = batch.lastSeq == nil || batch.resources.count < size
            job.afterSeq = batch.lastSeq ?? job.untilSeq
            try transaction.recordReindexProgress(
                indexVersion: job.indexVersion, afterSeq: job.afterSeq, done: job.done, finished: finished)
            return job
        }
    }
}

import GatewayStore
import Synchronization

/// Whether the search index is complete. A store upgraded from a version that indexed only
/// `identifier`, `patient`, `subject` and `actor` is re-indexed in the background (see
/// `Reindexer`); until that ends, a search on any other parameter would miss the resources not
/// yet done, so it is answered 503 with `Retry-After` rather than with a partial result
/// (a 200 is a promise). Once complete, the store is not asked again.
final class IndexReadiness: Sendable {
    private let complete = Atomic<Bool>(false)

    /// The parameters the first index already held, which stay searchable meanwhile.
    static let firstIndexParameters: Set<String> = ["identifier", "patient", "subject", "actor"]

    /// nil when the query can be answered now, else the job in progress.
    func pendingJob(for query: ResourceQuery, in store: any GatewayStore) async throws -> ReindexProgress? {
        if complete.load(ordering: .relaxed) { return nil }
        guard let job = try await store.readAsync({ try $0.reindexProgress() }) else {
            complete.store(true, ordering: .relaxed)
            return nil
        }
        return Self.needsFullIndex(query) ? job : nil
    }

    static func needsFullIndex(_ query: ResourceQuery) -> Bool {
        if !query.sort.allSatisfy({ if case .parameter = $0 { false } else { true } }) { return true }
        return query.criteria.contains { criterion in
            switch criterion {
            case .id, .lastUpdated: false
            case .token(let name, _): !firstIndexParameters.contains(name)
            case .reference(let name, let matches):
                !firstIndexParameters.contains(name) || matches.contains { if case .target = $0 { false } else { true } }
            default: true
            }
        }
    }
}

extension FHIRAPI {
    func requireCompleteIndex(for query: ResourceQuery) async throws {
        guard let job = try await indexReadiness.pendingJob(for: query, in: store) else { return }
        var error = APIError(
            503, .transient,
            "the search index is being rebuilt after an upgrade (\(job.done) of \(job.total) resources); "
                + "this search can be answered once it is done")
        error.headers.add(name: "Retry-After", value: "30")
        throw error
    }
}

import FHIRSearch
import Foundation
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import Testing

/// A store written before the search index covered every R4 parameter (schema version 2,
/// `SampleBundles/legacy-store`): opening it runs migration 3, which leaves a re-index job;
/// until it is done a search on a new parameter finds nothing for the old resources (which is
/// why the API answers 503 meanwhile); the re-indexer, stopped half-way and resumed, writes
/// every row, after which the same searches find them.
@Suite("Re-indexing a store from an earlier version")
struct ReindexUpgradeTests {
    static let legacyStore = SharedData.repositoryRoot.appendingPathComponent("SampleBundles/legacy-store/gateway-v2.sqlite")

    @Test("migration 3 leaves a job; the re-indexer resumes where it stopped and completes the index")
    func upgradeAndReindex() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("reindex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("gateway.sqlite").path
        try FileManager.default.copyItem(atPath: Self.legacyStore.path, toPath: path)
        let store = try SQLiteGatewayStore(path: path)

        let pending = try #require(try store.read { try $0.reindexProgress() })
        #expect(pending.total > 0 && pending.done == 0)
        let parser = SearchQueryParser(baseURL: "http://localhost/fhir")
        func count(_ type: String, _ name: String, _ value: String) throws -> Int {
            let query = try parser.parse(type: type, [(name: name, value: value), (name: "_total", value: "accurate")]).query
            return try store.read { try $0.search(query).total ?? 0 }
        }
        let patients = try store.read { try $0.search(ResourceQuery(type: "Patient", count: 1, includeTotal: true)).total ?? 0 }
        #expect(patients > 0)
        // The first index had no gender rows.
        #expect(try count("Patient", "gender:missing", "false") == 0)

        // One batch, then a new re-indexer (a restart) finishes the job.
        let first = try #require(try Reindexer(store: store, batchSize: 5).runBatch())
        #expect(first.done == 5 && first.afterSeq > 0)
        #expect(try store.read { try $0.reindexProgress() }?.done == 5)
        var batches = 0
        let done = try Reindexer(store: store, batchSize: 5).run(progress: { _ in batches += 1 })
        #expect(done?.done == pending.total)
        #expect(batches >= 2)
        #expect(try store.read { try $0.reindexProgress() } == nil)
        #expect(try Reindexer(store: store).run() == nil)

        #expect(try count("Patient", "gender:missing", "false") == patients)
        #expect(try count("Patient", "family:missing", "false") == patients)
        #expect(try count("ServiceRequest", "status:missing", "false") > 0)
    }
}

import FHIRCore
import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPMapping
import Testing

/// A mapper that maps nothing, so these tests are about the import's mechanics: ledger, skips,
/// refusals, quarantine, NDJSON units and resuming. (The domain mapping is tested with the real
/// mapper in `ImportCommandTests` and `IOPMappingTests`.)
struct NothingMapped: InboundMapping {
    func map(_ resource: FHIRElement) -> MappingOutcome {
        MappingOutcome(entries: [EntryOutcome(entryIndex: nil, resourceType: resource.resourceType ?? "", verdict: .notForIOP(reason: "test"))])
    }
}

@Suite("Importer")
struct ImporterTests {
    static let samples = SharedData.repositoryRoot.appendingPathComponent("SampleBundles")

    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("importer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func importer(_ store: (any GatewayStore)?, _ options: ImportOptions = ImportOptions()) throws -> Importer {
        let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        let intake = Intake(validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: NothingMapped())
        return Importer(intake: intake, store: store, options: options)
    }

    private func resourceCount(_ store: SQLiteGatewayStore, _ type: String) throws -> Int {
        try store.read { try $0.search(ResourceQuery(type: type, count: 1000)) }.resources.count
    }

    @Test("referral files are imported, invalid ones refused and quarantined; a second run imports nothing")
    func documents() async throws {
        let work = try folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = try SQLiteGatewayStore(path: work.appendingPathComponent("gateway.sqlite").path)
        let quarantine = work.appendingPathComponent("quarantine")
        let sources = try ImportSource.discover([
            Self.samples.appendingPathComponent("referrals").path, Self.samples.appendingPathComponent("invalid").path,
        ])
        let first = try await importer(store, ImportOptions(jobs: 3, quarantine: quarantine)).run(sources)
        #expect(first.counts.filesImported == 32)  // 16 bundles as JSON and as XML
        #expect(first.counts.filesRefused == 19)
        #expect(first.refusals.count == 19)
        #expect(FileManager.default.fileExists(atPath: quarantine.appendingPathComponent("session-ends-before-start.json").path))
        #expect(FileManager.default.fileExists(atPath: quarantine.appendingPathComponent("session-ends-before-start.outcome.json").path))
        let patients = try resourceCount(store, "Patient")
        #expect(patients > 0)

        let second = try await importer(store).run(sources)
        #expect(second.counts.filesSkipped == 51)
        #expect(second.counts.filesImported == 0 && second.counts.resources == 0)
        #expect(try resourceCount(store, "Patient") == patients)
        let report = try JSONSerialization.jsonObject(with: first.json()) as? [String: Any]
        #expect((report?["refusals"] as? [Any])?.count == 19)
    }

    @Test("a dry run validates and maps but writes nothing, not even the ledger")
    func dryRun() async throws {
        let work = try folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let store = try SQLiteGatewayStore(path: work.appendingPathComponent("gateway.sqlite").path)
        let sources = try ImportSource.discover([Self.samples.appendingPathComponent("referrals").path])
        let report = try await importer(store, ImportOptions(dryRun: true)).run(sources)
        #expect(report.counts.filesImported == 32)
        #expect(try resourceCount(store, "Patient") == 0)
        #expect(try store.read { try $0.ledgerEntries(limit: 10) }.isEmpty)
    }

    static func ndjson(lines: Int, badEvery: Int) -> String {
        (1...lines).map { number in
            number % badEvery == 0
                ? #"{"resourceType":"Patient","birthDate":"not-a-date"}"#
                : #"{"resourceType":"Patient","identifier":[{"system":"http://example.org/mrn","value":"P\#(number)"}],"gender":"other"}"#
        }.joined(separator: "\n") + "\n"
    }

    @Test("NDJSON: lines imported in units, refused lines reported with their line number")
    func ndjsonLines() async throws {
        let work = try folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("patients.ndjson")
        try Data(Self.ndjson(lines: 25, badEvery: 10).utf8).write(to: file)
        let store = try SQLiteGatewayStore(path: work.appendingPathComponent("gateway.sqlite").path)
        let report = try await importer(store, ImportOptions(linesPerUnit: 4)).run(try ImportSource.discover([file.path]))
        #expect(report.counts.resources == 23)
        #expect(report.refusals.map(\.line) == [10, 20])
        #expect(report.refusals.first?.issues.first?.location?.line == 10)
        #expect(try resourceCount(store, "Patient") == 23)
        let again = try await importer(store).run(try ImportSource.discover([file.path]))
        #expect(again.counts.filesSkipped == 1 && again.counts.resources == 0)
    }

    @Test("a run stopped part-way resumes to exactly the state of an uninterrupted run")
    func resume() async throws {
        let work = try folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let file = work.appendingPathComponent("patients.ndjson")
        try Data(Self.ndjson(lines: 40, badEvery: 7).utf8).write(to: file)
        let sources = try ImportSource.discover([file.path, Self.samples.appendingPathComponent("referrals").path])

        let whole = try SQLiteGatewayStore(path: work.appendingPathComponent("whole.sqlite").path)
        _ = try await importer(whole, ImportOptions(linesPerUnit: 3)).run(sources)

        // Each run is stopped after one more progress report than the last, like an operator
        // pressing Ctrl-C at a later point each time; between runs nothing is kept but the store.
        let parts = try SQLiteGatewayStore(path: work.appendingPathComponent("parts.sqlite").path)
        var interruptions = 0
        for stopAfter in 1...500 {
            let next = try importer(parts, ImportOptions(linesPerUnit: 3))
            let reports = Counter()
            let progress = ImportProgress(isTerminal: false, interval: 0) { _ in
                if reports.increment() >= stopAfter { next.requestStop() }
            }
            if !(try await next.run(sources, progress: progress)).interrupted { break }
            interruptions += 1
        }
        #expect(interruptions > 10)
        #expect(try Self.snapshot(parts) == Self.snapshot(whole))
    }

    /// Every resource (type, id, version, body without meta.lastUpdated) and ledger entry.
    static func snapshot(_ store: SQLiteGatewayStore) throws -> [String] {
        var rows: [String] = []
        for type in ["Patient", "Organization", "Practitioner", "PractitionerRole", "ServiceRequest", "Appointment", "CarePlan",
                     "MedicationRequest", "Communication", "DocumentReference", "Consent"] {
            for resource in try store.read({ try $0.search(ResourceQuery(type: type, order: .idAscending, count: 10_000)) }).resources {
                let body = String(decoding: resource.body, as: UTF8.self)
                    .replacing(/"lastUpdated":"[^"]*"/, with: "")
                rows.append("\(type)/\(resource.id)/\(resource.versionId) \(body)")
            }
        }
        for entry in try store.read({ try $0.ledgerEntries(limit: 10_000) }).sorted(by: { $0.contentHash < $1.contentHash }) {
            rows.append("ledger \(entry.contentHash) \(entry.status.rawValue) \(entry.counts.written)/\(entry.counts.refused)")
        }
        return rows
    }
}

/// Counts calls from the progress reporter (one task at a time).
final class Counter: @unchecked Sendable {
    // Touched only by the import's driving task.
    private var value = 0
    func increment() -> Int {
        value += 1
        return value
    }
}

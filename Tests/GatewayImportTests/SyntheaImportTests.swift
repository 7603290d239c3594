import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPDomain
import IOPMapping
import Testing

/// Synthea's 28 bundles and its NDJSON sample imported with the real mapper: every Patient is a
/// participant, MedicationRequests and CarePlans are mapped, the rest is set aside as not for
/// the IOP, and a second run imports nothing.
@Suite("Synthea imported")
struct SyntheaImportTests {
    @Test("28 bundles and the NDJSON sample", .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func synthea() async throws {
        // One corpus-sized test at a time (HeavyTestGate): the delivery tests beside it keep their timing.
        try await HeavyTestGate.shared.run { [self] in try await self.syntheaAlone() }
    }

    func syntheaAlone() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synthea-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteGatewayStore(path: folder.appendingPathComponent("gateway.sqlite").path)
        let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        let intake = Intake(
            validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper(),
            context: .store(store))
        let sources = try ImportSource.discover([
            try #require(SharedData.folder("synthea/bundles")).path, try #require(SharedData.folder("synthea/ndjson-10-patients")).path,
        ])
        let report = try await Importer(intake: intake, store: store, options: ImportOptions(jobs: 2)).run(sources)
        // The export's `log.ndjson` holds the exporter's log lines, not FHIR: each is refused, with its line.
        let refusedFiles = Set(report.refusals.map { URL(fileURLWithPath: $0.path).lastPathComponent })
        #expect(refusedFiles == ["log.ndjson"], "\(report.refusals.prefix(3).map { "\($0.path): \($0.issues.prefix(2))" })")
        #expect(report.refusals.allSatisfy { $0.line != nil && $0.issues.contains { $0.message.contains("resourceType") } })

        let patients = try store.read { try $0.search(ResourceQuery(type: "Patient", count: 1000, includeTotal: true)) }
        let participants = try store.read { try $0.domainRows(kind: DomainRowWriter.Kind.participant, afterKey: nil, limit: 10_000) }
        #expect(patients.resources.count >= 28)
        #expect(participants.count == patients.resources.count, "every Patient is a participant")
        let orders = try store.read { try $0.domainRows(kind: DomainRowWriter.Kind.medicationOrder, afterKey: nil, limit: 100_000) }
        let medicationRequests = try store.read { try $0.search(ResourceQuery(type: "MedicationRequest", count: 100_000)) }.resources
        #expect(!orders.isEmpty && orders.count == medicationRequests.count, "every MedicationRequest is a medication order")
        let referrals = try store.read { try $0.domainRows(kind: DomainRowWriter.Kind.enrolment, afterKey: nil, limit: 100_000) }
        #expect(!referrals.isEmpty, "Synthea's CarePlans arrive as referrals")
        // Observations and the rest are stored as received but make no domain rows.
        #expect(try store.read { try $0.search(ResourceQuery(type: "Observation", count: 1)) }.resources.count == 1)

        let again = try await Importer(intake: intake, store: store, options: ImportOptions()).run(sources)
        #expect(again.counts.filesImported == 0 && again.counts.resources == 0)
        #expect(again.counts.filesSkipped == sources.count)
    }
}

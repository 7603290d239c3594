import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPMapping
import Testing

/// Data nobody here wrote, through `import` (issue 15, must show): the 28 Synthea transaction
/// Bundles and the 230 US Core 9.0.0 examples imported into one store; every resource they hold
/// is then in the store exactly as sent (ids, `meta` and rewritten references aside), of every
/// type, and the one example that breaks R4 is the one refusal.
@Suite("Real EHR data imported", .enabled(if: SharedData.root != nil, Comment(rawValue: SharedData.absentMessage)))
struct RealDataImportTests {
    @Test("Synthea and US Core: every resource stored as sent, whatever its type")
    func everyResourceStoredAsSent() async throws {
        // One corpus-sized test at a time (HeavyTestGate): the delivery tests beside it keep their timing.
        try await HeavyTestGate.shared.run { [self] in try await self.everyResourceStoredAsSentAlone() }
    }

    func everyResourceStoredAsSentAlone() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("real-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try SQLiteGatewayStore(path: folder.appendingPathComponent("gateway.sqlite").path)
        let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        let intake = Intake(
            validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper(),
            context: .store(store))
        let bundles = try #require(SharedData.folder("synthea/bundles"))
        let examples = try #require(SharedData.folder("us-core/examples"))
        let sources = try ImportSource.discover([bundles.path, examples.path])
        let report = try await Importer(intake: intake, store: store, options: ImportOptions(jobs: 2)).run(sources)
        let refused = report.refusals.map { URL(fileURLWithPath: $0.path).lastPathComponent }
        print(report.refusals.map { "\($0.path): \($0.issues.filter(\.isError).map(\.message))" }.joined(separator: "\n"))
        // Refused, each for a reason of its own: a narrative without `div` (breaks R4); a CarePlan
        // for a participant on record (so a referral) with no date at all; a MedicationRequest for
        // a participant whose Medication is neither contained nor in the input, so its RxNorm code
        // is unknown. US Core's Patient "example" is imported first, so its orders are the IOP's.
        #expect(Set(refused) == ["diagnosticreport-cbc.json", "colonoscopy.json", "medicationrequest-referenced-oral-axid.json"])

        // What was sent, by type, as comparable JSON.
        var sent: [String: [String]] = [:]
        func add(_ resource: JSONValue) {
            guard let type = resource.string("resourceType") else { return }
            sent[type, default: []].append(JSONValue.comparable(resource).description)
        }
        for file in SharedData.files(in: "synthea/bundles", withExtension: "json") {
            guard case .object(let bundle) = try JSONValue.parse(try SharedData.bytes(of: file)),
                  case .array(let entries)? = bundle["entry"]
            else { continue }
            for case .object(let entry) in entries { if let resource = entry["resource"] { add(resource) } }
        }
        for file in SharedData.files(in: "us-core/examples", withExtension: "json") where !refused.contains(file.lastPathComponent) {
            let resource = try JSONValue.parse(try SharedData.bytes(of: file))
            // A Bundle file is imported as the resources it holds (import.md: folders of Bundles).
            if resource.string("resourceType") == "Bundle", case .object(let bundle) = resource, case .array(let entries)? = bundle["entry"] {
                for case .object(let entry) in entries { if let inner = entry["resource"] { add(inner) } }
            } else {
                add(resource)
            }
        }
        var checked = 0
        for (type, expected) in sent.sorted(by: { $0.key < $1.key }) {
            let stored = try store.read { try $0.search(ResourceQuery(type: type, count: 100_000)) }.resources
            let found = try stored.map { JSONValue.comparable(try JSONValue.parse(Array($0.body))).description }
            // The same resource sent twice (a conditional create's twin) is stored once.
            let missing = Set(expected).subtracting(found)
            #expect(missing.isEmpty, "\(type): \(missing.count) resources sent are not stored as sent; e.g. \(missing.first?.prefix(300) ?? "")")
            let unexpected = Set(found).subtracting(expected)
            #expect(unexpected.isEmpty, "\(type): \(unexpected.count) stored resources were not sent")
            checked += expected.count
        }
        print("import: \(checked) resources of \(sent.count) types sent; every one stored as sent")
    }
}

import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPMapping
import Testing

/// No single input stops an import or touches another: a file that is not FHIR, an NDJSON line
/// that is not valid, a batch Bundle with an entry the mapper refuses, a line whose participant is
/// held. Each is in the report with its OperationOutcome, every other input is imported exactly as
/// it would be alone, and the report is written when the store fails under the run.
@Suite("Import error isolation")
struct IsolationTests {
    static func patient(_ mrn: String, birthDate: String = "1970-01-01") -> String {
        #"{"resourceType":"Patient","identifier":[{"type":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0203","code":"MR"}]},"#
            + #""system":"https://ehr.example.org/mrn","value":"\#(mrn)"}],"name":[{"family":"Lane","given":["Kit"]}],"#
            + #""telecom":[{"system":"phone","value":"555-0100"}],"birthDate":"\#(birthDate)"}"#
    }

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("isolation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func importer(_ store: any GatewayStore, linesPerUnit: Int = 500) throws -> Importer {
        let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        let intake = Intake(validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper(),
                            context: .store(store))
        return Importer(intake: intake, store: store, options: ImportOptions(linesPerUnit: linesPerUnit))
    }

    static func participantKeys(_ store: any GatewayStore) throws -> [String] {
        try store.read { try $0.domainRows(kind: DomainRowKind.participant, afterKey: nil, limit: 1000) }.map(\.key)
    }

    @Test("a bad file, a bad line, a bad batch entry and a held line leave every other input as it is alone")
    func badInputsTouchNothingElse() async throws {
        let work = try Self.folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let inputs = work.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try Data(Self.patient("A-1").utf8).write(to: inputs.appendingPathComponent("a.json"))
        try Data("not json at all".utf8).write(to: inputs.appendingPathComponent("b-broken.json"))
        // A batch whose second entry is a Patient the mapper refuses (no identifier): the Bundle is
        // one input, refused as a whole; nothing of it is stored and nothing else is touched.
        let badEntry = #"{"resourceType":"Patient","name":[{"family":"Nobody"}]}"#
        try Data((#"{"resourceType":"Bundle","type":"batch","entry":["#
            + #"{"resource":\#(Self.patient("C-1")),"request":{"method":"POST","url":"Patient"}},"#
            + #"{"resource":\#(badEntry),"request":{"method":"POST","url":"Patient"}}]}"#).utf8)
            .write(to: inputs.appendingPathComponent("c-batch.json"))
        let lines = [Self.patient("D-1"), "{ not json", Self.patient("A-1", birthDate: "1999-09-09"), Self.patient("D-2")]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: inputs.appendingPathComponent("d.ndjson"))

        let store = try SQLiteGatewayStore(path: work.appendingPathComponent("gateway.sqlite").path)
        let report = try await Self.importer(store, linesPerUnit: 10).run(try ImportSource.discover([inputs.path]))
        #expect(report.failure == nil)
        #expect(report.counts.filesDone == 4)
        let refused = report.refusals.map { URL(fileURLWithPath: $0.path).lastPathComponent + ($0.line.map { ":\($0)" } ?? "") }
        #expect(refused.sorted() == ["b-broken.json", "c-batch.json", "d.ndjson:2"])
        #expect(report.refusals.allSatisfy { !$0.issues.isEmpty })
        #expect(report.held.map { $0.line } == [3])
        #expect(try store.read { try $0.search(ResourceQuery(type: "Patient", count: 100)) }.resources.count == 3, "a, D-1, D-2")

        // The same good inputs alone make the same participants.
        let alone = try Self.folder()
        defer { try? FileManager.default.removeItem(at: alone) }
        try Data(Self.patient("A-1").utf8).write(to: alone.appendingPathComponent("a.json"))
        try Data(([Self.patient("D-1"), Self.patient("D-2")].joined(separator: "\n") + "\n").utf8)
            .write(to: alone.appendingPathComponent("d.ndjson"))
        let clean = try SQLiteGatewayStore(path: alone.appendingPathComponent("gateway.sqlite").path)
        let cleanReport = try await Self.importer(clean).run(try ImportSource.discover([alone.path]))
        #expect(cleanReport.refusals.isEmpty && cleanReport.held.isEmpty)
        #expect(try Self.participantKeys(store) == Self.participantKeys(clean))

        // Resuming a file whose progress an earlier version saved (no `held` count) works.
        let ledger = try #require(try store.read { try $0.ledgerEntries(limit: 10) }.first { $0.path.hasSuffix("d.ndjson") })
        #expect(ledger.status == .partial && ledger.counts.written == 2 && ledger.counts.refused == 1)
    }

    @Test("the report is written when the store fails under the run")
    func failingStore() async throws {
        let work = try Self.folder()
        defer { try? FileManager.default.removeItem(at: work) }
        try Data(Self.patient("A-1").utf8).write(to: work.appendingPathComponent("a.json"))
        try Data((Self.patient("B-1") + "\n").utf8).write(to: work.appendingPathComponent("b.ndjson"))
        let report = try await Self.importer(FailingStore()).run(try ImportSource.discover([work.path]))
        #expect(report.failure?.contains("busy") == true)
        #expect(report.refusals.isEmpty, "a failing store refuses no input: a later run imports them")
        #expect(report.counts.filesImported == 0)
        let json = try JSONSerialization.jsonObject(with: report.json()) as? [String: Any]
        #expect(json?["failure"] as? String != nil)
    }
}

/// A store whose every unit of work fails, as a full disk or a lost database would.
struct FailingStore: GatewayStore {
    func write<T>(_ work: (any StoreTransaction) throws -> T) throws -> T { throw StoreError.busy(operation: "test") }
    func read<T>(_ work: (any StoreReader) throws -> T) throws -> T { throw StoreError.busy(operation: "test") }
}

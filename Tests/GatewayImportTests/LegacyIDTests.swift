import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPMapping
import Testing

/// Domain ids moved from FNV-1a to SHA-256 (store version 4). `SampleBundles/legacy-store` is a
/// store written by the gateway before that change (schema version 2): referrals 01 and 03 as
/// JSON. Opening it migrates the schema; importing the same referrals again (the XML twins, so the
/// ledger does not skip them) must find every row under its old id, not write it twice.
@Suite("Domain ids after the SHA-256 change")
struct LegacyIDTests {
    static let kinds = [DomainRowKind.participant, DomainRowKind.practice, DomainRowKind.enrolment, DomainRowKind.session,
                        DomainRowKind.medicationOrder]

    static func keys(_ store: any GatewayStore) throws -> Set<String> {
        var keys: Set<String> = []
        for kind in kinds {
            for row in try store.read({ try $0.domainRows(kind: kind, afterKey: nil, limit: 1000) }) { keys.insert("\(kind)/\(row.key)") }
        }
        return keys
    }

    static func importer(_ store: any GatewayStore) throws -> Importer {
        let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        let intake = Intake(validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper(),
                            context: .store(store))
        return Importer(intake: intake, store: store, options: ImportOptions())
    }

    static let referrals = SharedData.repositoryRoot.appendingPathComponent("SampleBundles/referrals")

    @Test("a store written by the old code is migrated and its rows are found under their old ids")
    func oldStore() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("gateway.sqlite").path
        try FileManager.default.copyItem(
            atPath: SharedData.repositoryRoot.appendingPathComponent("SampleBundles/legacy-store/gateway-v2.sqlite").path, toPath: path)
        let store = try SQLiteGatewayStore(path: path)
        #expect(try store.currentSchemaVersion() == SQLiteGatewayStore.schemaVersion)
        let before = try Self.keys(store)
        #expect(before.count == 15, "what the old code wrote: 3 participants, 2 practices, 3 enrolments, 6 sessions, 1 order")

        let twins = ["01-depression-ssri-referral.xml", "03-couple-couples-sessions.xml"].map { Self.referrals.appendingPathComponent($0).path }
        let report = try await Self.importer(store).run(try ImportSource.discover(twins))
        #expect(report.counts.filesImported == 2 && report.held.isEmpty && report.refusals.isEmpty, "\(report.summary)")
        #expect(try Self.keys(store) == before, "every record found under its old id; nothing written twice")

        // A new store gives the same referrals SHA-256 ids, none of them an old one.
        let fresh = try SQLiteGatewayStore(path: folder.appendingPathComponent("fresh.sqlite").path)
        _ = try await Self.importer(fresh).run(try ImportSource.discover(twins))
        let freshKeys = try Self.keys(fresh)
        #expect(freshKeys.count == before.count)
        #expect(freshKeys.isDisjoint(with: before))
    }
}

import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPDomain
import IOPMapping
import Testing

/// Every valid SampleBundle imported (the 16 referrals as JSON and XML twins, the first referral
/// and the bundle with one resource per profile) with the real mapper: the domain rows in the
/// store are the ones the program needs, and the twins of one referral make one participant.
@Suite("Referral bundles imported into domain rows")
struct ImportedDomainTests {
    /// One import shared by the tests: 32 files into a fresh SQLite file, made by the first test
    /// that asks (an actor, so no thread of the cooperative pool ever blocks on it).
    actor SharedImport {
        static let shared = SharedImport()
        private var store: SQLiteGatewayStore?

        func get() async throws -> SQLiteGatewayStore {
            if let store { return store }
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("imported-domain-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let made = try SQLiteGatewayStore(path: folder.appendingPathComponent("gateway.sqlite").path)
            let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
            let importer = Importer(
                intake: Intake(validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper()),
                store: made, options: ImportOptions())
            let samples = SharedData.repositoryRoot.appendingPathComponent("SampleBundles")
            let sources = try ImportSource.discover([
                samples.appendingPathComponent("referrals").path, samples.appendingPathComponent("referral-bundle.json").path,
                samples.appendingPathComponent("program-resources-bundle.json").path,
            ])
            let report = try await importer.run(sources)
            #expect(report.counts.filesImported == 34)
            store = made
            return made
        }
    }

    private func rows<T: Decodable>(_ kind: String, as type: T.Type) async throws -> [T] {
        let store = try await SharedImport.shared.get()
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try store.read { try $0.domainRows(kind: kind, afterKey: nil, limit: 10_000) }
            .map { try decoder.decode(T.self, from: $0.json) }
    }

    private func participant(_ system: String? = nil, value: String) async throws -> Participant {
        let all = try await rows(DomainRowWriter.Kind.participant, as: Participant.self)
        let matches = all.filter { $0.identifiers.contains { $0.value == value && (system == nil || $0.system == system) } }
        #expect(matches.count == 1, "the JSON and XML twins must make one participant")
        return try #require(matches.first)
    }

    @Test("01: one participant from two files, with back-up phone, PCP practice, referral and sertraline")
    func depressionReferral() async throws {
        let person = try await participant(value: "BFM-204518")
        #expect(person.name.family == "Whitfield")
        #expect(person.birthDate?.description == "1987-06-14")
        #expect(person.backupPhone?.value == "+1-555-0111")
        let practices = try await rows(DomainRowWriter.Kind.practice, as: PrimaryCarePractice.self)
        #expect(practices.first { $0.id == person.primaryCare?.practiceID }?.name == "Birchwood Family Medicine")
        let enrolments = try await rows(DomainRowWriter.Kind.enrolment, as: Enrolment.self).filter { $0.participantID == person.id }
        #expect(enrolments.map(\.status) == [.referred])
        let orders = try await rows(DomainRowWriter.Kind.medicationOrder, as: MedicationOrder.self).filter { $0.participantID == person.id }
        #expect(orders.map(\.medication.code) == ["312941"])
    }

    @Test("referral-bundle.json and program-resources-bundle.json: their participants, PCPs, orders and plan")
    func topLevelSamples() async throws {
        let rivera = try await participant(value: "MRN-000417")
        #expect(rivera.name.family == "Rivera")
        let practices = try await rows(DomainRowWriter.Kind.practice, as: PrimaryCarePractice.self)
        #expect(practices.first { $0.id == rivera.primaryCare?.practiceID }?.name == "Lakeside Family Practice")
        let lee = try await participant(value: "MRN-100233")
        #expect(lee.backupPhone?.value == "+1-555-0142")
        let plans = try await rows(DomainRowWriter.Kind.treatmentPlan, as: TreatmentPlan.self).filter { $0.participantID == lee.id }
        #expect(plans.map(\.sessionsPerWeek) == [3])
        let consents = try await rows(DomainRowWriter.Kind.consent, as: DisclosureConsent.self).filter { $0.participantID == lee.id }
        #expect(consents.count == 1 && consents.first?.coversPart2Records == false)
    }

    @Test("09: the phone-only participant and sessions by phone")
    func phoneOnly() async throws {
        let sessions = try await rows(DomainRowWriter.Kind.session, as: ProgramSession.self)
        let people = try await rows(DomainRowWriter.Kind.participant, as: Participant.self).filter { $0.connectionMode == .phoneOnly }
        #expect(people.count == 1)
        let person = try #require(people.first)
        #expect(person.backupPhone?.value == "+1-555-0161")
        let own = sessions.filter { $0.participantID == person.id }
        #expect(own.count == 3 && own.allSatisfy { $0.plannedChannel == .phone })
    }

    @Test("13: the session cancelled for a platform outage is stored with its reason")
    func outage() async throws {
        let sessions = try await rows(DomainRowWriter.Kind.session, as: ProgramSession.self)
        let cancelled = try #require(sessions.first { $0.id.rawValue == "appt-lbh-88120" })
        #expect(cancelled.status == .cancelled)
        #expect(cancelled.wasAffectedByPlatformOutage)
    }

    @Test("15 revokes a Part 2 consent; 02 and 14 hold Part 2 consents")
    func consents() async throws {
        let consents = try await rows(DomainRowWriter.Kind.consent, as: DisclosureConsent.self)
        let revoked = try #require(consents.first { $0.id.rawValue == "consent-lbh-0871" })
        #expect(revoked.revokedAt != nil && revoked.coversPart2Records)
        #expect(consents.filter { $0.coversPart2Records && $0.revokedAt == nil }.count >= 2)
    }

    @Test("03: the couple is two participants with three couples sessions each")
    func couple() async throws {
        let sessions = try await rows(DomainRowWriter.Kind.session, as: ProgramSession.self).filter { $0.modality == .couplesFamily }
        let byParticipant = Dictionary(grouping: sessions, by: \.participantID)
        #expect(byParticipant.values.filter { $0.count == 3 }.count >= 2)
    }

    @Test("identifier index rows point at the participant, and nobody is stored twice")
    func identity() async throws {
        let people = try await rows(DomainRowWriter.Kind.participant, as: Participant.self)
        let identifiers = people.flatMap(\.identifiers)
        #expect(Set(identifiers).count == identifiers.count, "an identifier belongs to one participant")
        let index = try await SharedImport.shared.get().read { try $0.domainRows(kind: DomainRowWriter.Kind.participantIdentifier, afterKey: nil, limit: 10_000) }
        #expect(index.count == identifiers.count)
    }
}

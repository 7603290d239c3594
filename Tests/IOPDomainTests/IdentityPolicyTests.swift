import Foundation
import IOPDomain
import Testing

/// The participant-matching policy: which shared identifiers make one person, which never do
/// alone, and when a person must decide.
@Suite("Identity policy")
struct IdentityPolicyTests {
    static let mrn = BusinessIdentifier(system: "https://ehr.example.org/fhir/sid/mrn", value: "HV-1001", type: "MR")
    static let untypedMRN = BusinessIdentifier(system: "https://ehr.example.org/fhir/sid/mrn", value: "HV-1001")
    static let ssn = BusinessIdentifier(system: "http://hl7.org/fhir/sid/us-ssn", value: "999-00-0001")
    static let ssnOID = BusinessIdentifier(system: "urn:oid:2.16.840.1.113883.4.1", value: "999-00-0001")
    static let licence = BusinessIdentifier(system: "urn:oid:2.16.840.1.113883.4.3.25", value: "S99900001", type: "DL")
    static let untypedLicence = BusinessIdentifier(system: "urn:oid:2.16.840.1.113883.4.3.6", value: "D1234567")
    static let passport = BusinessIdentifier(system: "https://travel.example.org/passport", value: "X60336142X", type: "PPN")
    static let memberID = BusinessIdentifier(system: "https://medicaid.example.gov/member-id", value: "Wa12345678")

    static func person(_ id: Participant.ID, _ identifiers: [BusinessIdentifier], birthDate: String? = "1980-01-01",
                       given: String = "Ada", family: String = "Stone") throws -> Participant {
        Participant(id: id, identifiers: identifiers, name: PersonName(given: [given], family: family),
                    birthDate: try birthDate.map(CalendarDate.init))
    }

    @Test func medicalRecordNumbersAndConfiguredSystemsMatch() throws {
        let policy = IdentityPolicy()
        #expect(policy.canMatch(Self.mrn))
        #expect(!policy.canMatch(Self.untypedMRN), "an MRN without its type matches only when its system is listed")
        #expect(!policy.canMatch(Self.memberID))
        let configured = IdentityPolicy(matchingSystems: [Self.memberID.system, "https://ehr.example.org/fhir/sid/*"])
        #expect(configured.canMatch(Self.memberID))
        #expect(configured.canMatch(Self.untypedMRN), "a prefix ending in * covers the systems under it")
        #expect(try policy.assess(stored: Self.person("a", [Self.mrn]), incoming: Self.person("b", [Self.untypedMRN])) == .samePerson,
                "the type given by either record counts")
    }

    @Test(arguments: [licence, untypedLicence, ssn, ssnOID, passport])
    func documentsNeverMatchAlone(document: BusinessIdentifier) throws {
        // Not even when a deployment lists their systems, or types them MR.
        let permissive = IdentityPolicy(matchingTypes: ["MR", "DL", "SS", "PPN"], matchingSystems: [document.system, "*"])
        let asMRN = BusinessIdentifier(system: document.system, value: document.value, type: "MR")
        #expect(!permissive.canMatch(document))
        if IdentityPolicy.isDocument(BusinessIdentifier(system: document.system, value: document.value)) {
            #expect(!permissive.canMatch(asMRN), "a document's system wins over the type a sender gave")
        }
        let stored = try Self.person("a", [document])
        let other = try Self.person("b", [document], birthDate: "1975-05-05", given: "Bea", family: "Rowe")
        #expect(permissive.assess(stored: stored, incoming: other) == .review([.participantIdentifier]))
        #expect(permissive.assess(stored: stored, incoming: try Self.person("c", [document])) == .review([.participantIdentifier]),
                "even the same name and birth date: a person decides")
        var quiet = permissive
        quiet.reviewsSharedNonMatchingIdentifiers = false
        #expect(quiet.assess(stored: stored, incoming: other) == .differentPeople)
    }

    @Test func aSharedMatchingIdentifierThatDisagreesIsHeldNotMerged() throws {
        let policy = IdentityPolicy()
        let stored = try Self.person("a", [Self.mrn, Self.licence])
        #expect(policy.assess(stored: stored, incoming: try Self.person("b", [Self.mrn], birthDate: "1980-02-02"))
                == .review([.participantBirthDate]))
        #expect(policy.assess(stored: stored, incoming: try Self.person("b", [Self.mrn], given: "Dora", family: "Quill"))
                == .review([.participantName]))
        #expect(policy.assess(stored: stored, incoming: try Self.person("b", [Self.mrn], birthDate: "1990-01-01", family: "Quill"))
                == .review([.participantBirthDate, .participantName]))
        #expect(policy.assess(stored: stored, incoming: try Self.person("b", [Self.mrn], birthDate: nil, family: "STONE")) == .samePerson,
                "a missing birth date and another case are no disagreement")
        #expect(policy.assess(stored: stored, incoming: try Self.person("b", [Self.memberID])) == .differentPeople)
    }

    @Test func theGatewaysOwnIDIsAMatchingIdentifier() throws {
        let policy = IdentityPolicy()
        #expect(policy.assess(stored: try Self.person("p1", [Self.memberID]), incoming: try Self.person("p1", [Self.memberID])) == .samePerson)
        #expect(policy.assess(stored: try Self.person("p1", [Self.memberID]), incoming: try Self.person("p1", [], birthDate: "1990-01-01"))
                == .review([.participantBirthDate]))
    }

    @Test func theConflictNamesRecordsAndFieldsNeverValues() throws {
        let conflict = IdentityConflict(storedID: "stored-1", incomingID: "incoming-2", fields: [.participantBirthDate])
        #expect(conflict.description.contains("stored-1") && conflict.description.contains("incoming-2"))
        #expect(conflict.description.contains("Participant.birthDate"))
        #expect(!conflict.description.contains("1980"))
    }

    @Test func aDeploymentFileLeavesOutWhatItDoesNotChange() throws {
        let policy = try JSONDecoder().decode(IdentityPolicy.self, from: Data(#"{"matchingSystems":["https://a.example/mrn"]}"#.utf8))
        #expect(policy.matchingTypes == ["MR"] && policy.reviewsSharedNonMatchingIdentifiers)
        #expect(policy.matchingSystems == ["https://a.example/mrn"])
        #expect(policy.matching(systems: ["https://gw.example/sid/*"]).matchingSystems.count == 2)
    }

    @Test func absorbingKeepsTheStoredValues() throws {
        let stored = try Self.person("a", [Self.mrn])
        let merged = stored.absorbing(try Self.person("b", [Self.mrn, Self.licence], birthDate: "1980-02-02"))
        #expect(merged.id == "a" && merged.birthDate == stored.birthDate)
        #expect(merged.identifiers == [Self.mrn, Self.licence])
    }
}

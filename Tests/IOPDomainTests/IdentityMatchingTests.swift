import Foundation
import GatewayTestSupport
import IOPDomain
import Testing

@Suite("Participant identity and referral merging")
struct IdentityMatchingTests {
    static let iopMRN = Participant.Identifier(system: "https://iop.example.org/fhir/sid/mrn", value: "IOP0012345")
    static let pcpMRN = Participant.Identifier(system: "urn:oid:2.16.840.1.113883.3.7777.12", value: "004417")
    static let medicaid = Participant.Identifier(system: "https://medicaid.example.gov/member-id", value: "Wa12345678")

    static func person(_ id: Participant.ID, _ identifiers: [Participant.Identifier], birthDate: CalendarDate? = nil,
                       contacts: [ContactPoint] = [], primaryCare: PrimaryCareProvider? = nil) -> Participant {
        Participant(id: id, identifiers: identifiers, name: PersonName(given: ["Siobhán"], family: "O'Brien"),
                    birthDate: birthDate, contacts: contacts, primaryCare: primaryCare)
    }

    @Test func sameSystemAndValueIsSamePerson() {
        let a = Self.person("a", [Self.iopMRN, Self.pcpMRN])
        let b = Self.person("b", [Self.medicaid, Self.pcpMRN])
        #expect(a.isSamePerson(as: b) && b.isSamePerson(as: a))
    }

    @Test func matchingIsExact() {
        let a = Self.person("a", [Self.medicaid])
        let otherCase = Self.person("b", [.init(system: Self.medicaid.system, value: "WA12345678")])
        let otherSystem = Self.person("c", [.init(system: "https://medicaid.example.gov/other", value: Self.medicaid.value)])
        let blank = Self.person("d", [.init(system: "", value: Self.medicaid.value)])
        #expect(!a.isSamePerson(as: otherCase), "values are case-sensitive")
        #expect(!a.isSamePerson(as: otherSystem), "the same value in another system is another identifier")
        #expect(!blank.isSamePerson(as: Self.person("e", [.init(system: "", value: Self.medicaid.value)])),
                "identifiers without a system never match")
    }

    @Test func nameAndBirthDateAloneDoNotMatch() throws {
        let birth = try CalendarDate("1988-02-29")
        #expect(!Self.person("a", [Self.iopMRN], birthDate: birth).isSamePerson(as: Self.person("b", [Self.pcpMRN], birthDate: birth)))
    }

    @Test func mergeUnitesIdentifiersAndContacts() throws {
        let phone = ContactPoint(system: .phone, value: "(206) 555-0147", use: .mobile, isSessionBackup: true)
        let otherPhone = ContactPoint(system: .phone, value: "+1 509 555 0123", use: .home, isSessionBackup: true)
        let stored = Self.person("stored", [Self.iopMRN, Self.pcpMRN], contacts: [phone])
        let incoming = Self.person("incoming", [Self.pcpMRN, Self.medicaid], birthDate: try CalendarDate("1990-03-01"),
                                   contacts: [phone, otherPhone], primaryCare: Fixture.provider)
        let merged = try stored.merged(with: incoming)
        #expect(merged.id == "stored")
        #expect(merged.identifiers == [Self.iopMRN, Self.pcpMRN, Self.medicaid])
        #expect(merged.contacts.map(\.value) == ["(206) 555-0147", "+1 509 555 0123"])
        #expect(merged.contacts.filter(\.isSessionBackup).count == 1, "one back-up number")
        #expect(merged.birthDate == (try CalendarDate("1990-03-01")))
        #expect(merged.primaryCare == Fixture.provider)
        #expect(try merged.merged(with: incoming) == merged, "merging twice changes nothing")
    }

    @Test func mergeRefusesStrangersAndConflicts() throws {
        #expect(throws: DomainError.noSharedIdentifier(.participantIdentifier)) {
            try Self.person("a", [Self.iopMRN]).merged(with: Self.person("b", [Self.medicaid]))
        }
        #expect(throws: DomainError.identityConflict(.participantBirthDate)) {
            try Self.person("a", [Self.iopMRN], birthDate: CalendarDate("1990-03-01"))
                .merged(with: Self.person("b", [Self.iopMRN], birthDate: CalendarDate("1990-01-03")))
        }
    }

    @Test func firstMatchFindsTheStoredRecord() {
        let stored = [Self.person("x", [Self.medicaid]), Self.person("y", [Self.iopMRN])]
        #expect(stored.firstMatch(for: Self.person("new", [Self.pcpMRN, Self.iopMRN]))?.id == "y")
        #expect(stored.firstMatch(for: Self.person("new", [Self.pcpMRN])) == nil)
    }

    @Test func theSameReferralImportedTwice() throws {
        let referral = BusinessIdentifier(system: "https://pcp.example.org/fhir/sid/referral", value: "REF-000123")
        var stored = Enrolment(id: "e1", participantID: "p", referralIdentifiers: [referral], referringProvider: Fixture.provider,
                               referredAt: Fixture.t0)
        try stored.transition(to: .intakeScheduled, at: Fixture.at(days: 2))
        let again = Enrolment(id: "e2", participantID: "p", referralIdentifiers: [referral], referringProvider: Fixture.provider,
                              referralReason: "Worsening depression", referredAt: Fixture.at(days: 3))
        #expect(stored.isSameReferral(as: again))
        let merged = try stored.merged(with: again)
        #expect(merged.id == "e1" && merged.status == .intakeScheduled && merged.referralReason == "Worsening depression")

        let newEpisode = Enrolment(id: "e3", participantID: "p", referralIdentifiers: [.init(system: referral.system, value: "REF-000999")],
                                   referringProvider: Fixture.provider, referredAt: Fixture.at(days: 3))
        #expect(!stored.isSameReferral(as: newEpisode))
        #expect(throws: DomainError.noSharedIdentifier(.referralIdentifier)) { try stored.merged(with: newEpisode) }
    }

    @Test func referralsWithoutIdentifiersByTwoRoutes() {
        let viaEHR = Enrolment(id: "e1", participantID: "p", referringProvider: Fixture.provider, referredAt: Fixture.t0)
        let viaFile = Enrolment(id: "e2", participantID: "p", referringProvider: Fixture.provider, referredAt: Fixture.at(hours: 20))
        let weeksLater = Enrolment(id: "e3", participantID: "p", referringProvider: Fixture.provider, referredAt: Fixture.at(days: 21))
        let otherPractice = Enrolment(id: "e4", participantID: "p", referringProvider: .init(practiceID: Fixture.otherPracticeID),
                                      referredAt: Fixture.t0)
        let otherPerson = Enrolment(id: "e5", participantID: "q", referringProvider: Fixture.provider, referredAt: Fixture.t0)
        #expect(viaEHR.isSameReferral(as: viaFile))
        #expect(!viaEHR.isSameReferral(as: weeksLater))
        #expect(!viaEHR.isSameReferral(as: otherPractice))
        #expect(!viaEHR.isSameReferral(as: otherPerson))
    }

    @Test("a sampled participant re-imported with an extra identifier merges back to itself", arguments: 0..<100)
    func sampledReimport(seed: UInt64) throws {
        var samples = DomainSamples(seed: seed)
        let stored = samples.participant(pcp: Fixture.provider)
        var reimported = stored
        reimported.identifiers = stored.identifiers.reversed() + [.init(system: "https://second.example.org/id", value: "X\(seed)")]
        reimported.contacts = []
        let merged = try stored.merged(with: reimported)
        #expect(merged.identifiers == stored.identifiers + [reimported.identifiers.last!])
        #expect(merged.contacts == stored.contacts && merged.name == stored.name && merged.birthDate == stored.birthDate)
    }
}

import Foundation
import IOPDomain
import Testing

@Suite("Disclosure consent decisions")
struct ConsentDecisionTests {
    let now = Fixture.at(days: 30)

    @Test func permitsWhatItCovers() throws {
        let consent = try Fixture.consent()
        let decision = consent.permits(Fixture.disclosure(), at: now)
        #expect(decision == .permitted(consentID: consent.id, redisclosureNotice: nil))
        #expect(decision.isPermitted && decision.denial == nil)
    }

    @Test func recipientMismatch() throws {
        let decision = try Fixture.consent().permits(Fixture.disclosure(to: Fixture.otherPracticeID), at: now)
        #expect(decision == .denied(.recipientNotNamed))
    }

    @Test func participantMismatch() throws {
        var disclosure = Fixture.disclosure()
        disclosure.participantID = "someone-else"
        #expect(try Fixture.consent().permits(disclosure, at: now) == .denied(.participantMismatch))
    }

    @Test func expiredAfterTheEndInclusive() throws {
        let end = Fixture.at(days: 10)
        let consent = try Fixture.consent(end: end)
        #expect(consent.permits(Fixture.disclosure(), at: end).isPermitted, "the end is inclusive")
        #expect(consent.permits(Fixture.disclosure(), at: end.addingTimeInterval(1)) == .denied(.expired))
    }

    @Test func notYetInEffect() throws {
        let consent = try Fixture.consent(start: Fixture.at(days: 40), end: nil)
        #expect(consent.permits(Fixture.disclosure(), at: now) == .denied(.notYetInEffect))
        #expect(consent.permits(Fixture.disclosure(), at: Fixture.at(days: 40)).isPermitted)
        let unsigned = try Fixture.consent(start: nil, end: nil, signedAt: Fixture.at(days: 31))
        #expect(unsigned.permits(Fixture.disclosure(), at: now) == .denied(.notYetInEffect), "not before it was signed")
    }

    @Test func revokedFromTheRevocationOn() throws {
        var consent = try Fixture.consent()
        try consent.revoke(at: Fixture.at(days: 20))
        #expect(consent.permits(Fixture.disclosure(), at: Fixture.at(days: 19)).isPermitted, "earlier sends were allowed")
        #expect(consent.permits(Fixture.disclosure(), at: Fixture.at(days: 20)) == .denied(.revoked))
        #expect(consent.permits(Fixture.disclosure(), at: now) == .denied(.revoked))
        #expect(throws: DomainError.invalidRevocation(.consentRevocation)) { try consent.revoke(at: now) }
        var fresh = try Fixture.consent(signedAt: Fixture.at(days: 5))
        #expect(throws: DomainError.invalidRevocation(.consentRevocation)) { try fresh.revoke(at: Fixture.at(days: 4)) }
    }

    @Test func revocationWinsOverEverythingElse() throws {
        let consent = try Fixture.consent(end: Fixture.at(days: 10), revokedAt: Fixture.at(days: 5))
        #expect(consent.permits(Fixture.disclosure(to: Fixture.otherPracticeID), at: now) == .denied(.revoked))
    }

    @Test func part2NotCovered() throws {
        let consent = try Fixture.consent(part2: false)
        #expect(consent.permits(Fixture.disclosure(part2: true), at: now) == .denied(.part2NotCovered))
        #expect(consent.permits(Fixture.disclosure(part2: false), at: now).isPermitted)
    }

    @Test func part2CoveredCarriesTheNotice() throws {
        let consent = try Fixture.consent(part2: true)
        let decision = consent.permits(Fixture.disclosure(part2: true), at: now)
        #expect(decision == .permitted(consentID: consent.id, redisclosureNotice: RedisclosureNotice.part2ShortForm))
        #expect(consent.permits(Fixture.disclosure(part2: false), at: now).redisclosureNotice == nil)
    }

    @Test func categoryAndPurposeNotCovered() throws {
        let consent = try Fixture.consent(categories: [.appointments, .medications])
        #expect(consent.permits(Fixture.disclosure(category: .progressSummary), at: now) == .denied(.categoryNotCovered))
        #expect(consent.permits(Fixture.disclosure(category: .medications), at: now).isPermitted)
        #expect(consent.permits(Fixture.disclosure(category: .medications, purpose: .payment), at: now)
            == .denied(.purposeNotCovered))
    }

    @Test func emptyConsentsAreRefused() {
        #expect(throws: DomainError.missingValue(.consentRecipients)) { try Fixture.consent(recipients: []) }
        #expect(throws: DomainError.missingValue(.consentCategories)) { try Fixture.consent(categories: []) }
        #expect(throws: DomainError.missingValue(.consentPurposes)) { try Fixture.consent(purposes: []) }
        #expect(throws: DomainError.invalidRevocation(.consentRevocation)) {
            try Fixture.consent(signedAt: Fixture.at(days: 2), revokedAt: Fixture.at(days: 1))
        }
    }

    @Test func severalConsents() throws {
        let narrow = try Fixture.consent(categories: [.appointments], signedAt: Fixture.at(days: 1))
        let part2 = try DisclosureConsent(id: "consent-2", participantID: Fixture.participantID, recipients: [Fixture.pcpID],
                                          categories: [.medications], coversPart2Records: true, period: .unbounded,
                                          signedAt: Fixture.at(days: 2))
        let consents = [narrow, part2]
        #expect(consents.decision(for: Fixture.disclosure(category: .appointments), at: now)
            == .permitted(consentID: narrow.id, redisclosureNotice: nil))
        #expect(consents.decision(for: Fixture.disclosure(category: .medications, part2: true), at: now)
            == .permitted(consentID: part2.id, redisclosureNotice: RedisclosureNotice.part2ShortForm))
        #expect(consents.decision(for: Fixture.disclosure(category: .crisisNotice), at: now) == .denied(.categoryNotCovered))
        #expect([DisclosureConsent]().decision(for: Fixture.disclosure(), at: now) == .denied(.noConsentOnRecord))
        var other = Fixture.disclosure()
        other.participantID = "other"
        #expect(consents.decision(for: other, at: now) == .denied(.noConsentOnRecord))
    }

    @Test func encodingIsDeterministic() throws {
        let consent = try Fixture.consent(recipients: [Fixture.pcpID, Fixture.otherPracticeID, "practice-a", "practice-z"],
                                          purposes: Set(DisclosurePurpose.allCases))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let first = try encoder.encode(consent)
        let copy = try JSONDecoder().decode(DisclosureConsent.self, from: first)
        #expect(copy == consent)
        #expect(try encoder.encode(copy) == first)
        let text = String(decoding: first, as: UTF8.self)
        #expect(text.contains(#""recipients":["practice-a","practice-cedar","practice-harbor","practice-z"]"#))
    }
}

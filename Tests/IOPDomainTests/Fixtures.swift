import Foundation
import IOPDomain

/// Small hand-made values for the rule tests; the sample generator covers breadth.
enum Fixture {
    static let t0 = Date(timeIntervalSince1970: 1_717_200_000)  // 2024-06-01T00:00:00Z

    static func at(days: Double = 0, hours: Double = 0, minutes: Double = 0) -> Date {
        t0.addingTimeInterval(days * 86_400 + hours * 3_600 + minutes * 60)
    }

    static let pcpID: PrimaryCarePractice.ID = "practice-cedar"
    static let otherPracticeID: PrimaryCarePractice.ID = "practice-harbor"
    static let participantID: Participant.ID = "participant-1"
    static let provider = PrimaryCareProvider(practiceID: pcpID, clinician: clinician)
    static let clinician = Clinician(identifiers: [BusinessIdentifier(system: BusinessIdentifier.Systems.npi, value: "1234567893")],
                                     name: PersonName(given: ["Rebecca"], family: "Whitfield", suffix: ["MD"]))

    static func enrolment(referredAt: Date = t0) -> Enrolment {
        Enrolment(id: "enrolment-1", participantID: participantID, referringProvider: provider, referredAt: referredAt)
    }

    static func session(start: Date = at(days: 1, hours: 10), channel: SessionChannel = .video) throws -> ProgramSession {
        try ProgramSession(id: "session-1", participantID: participantID, modality: .group, plannedChannel: channel,
                           scheduledStart: start, durationMinutes: 90)
    }

    static func consent(recipients: Set<PrimaryCarePractice.ID> = [pcpID],
                        categories: Set<DisclosureCategory> = Set(DisclosureCategory.allCases),
                        purposes: Set<DisclosurePurpose> = [.treatment], part2: Bool = false,
                        start: Date? = t0, end: Date? = at(days: 365), signedAt: Date = t0,
                        revokedAt: Date? = nil) throws -> DisclosureConsent {
        try DisclosureConsent(id: "consent-1", participantID: participantID, recipients: recipients, categories: categories,
                              purposes: purposes, coversPart2Records: part2, period: DatePeriod(start: start, end: end),
                              signedAt: signedAt, revokedAt: revokedAt)
    }

    static func disclosure(to recipient: PrimaryCarePractice.ID = pcpID, category: DisclosureCategory = .progressSummary,
                           purpose: DisclosurePurpose = .treatment, part2: Bool = false) -> Disclosure {
        Disclosure(participantID: participantID, recipient: recipient, category: category, purpose: purpose,
                   containsPart2Data: part2)
    }

    static let outage = SessionStatusReason(.platformOutage, note: "Vendor outage 09:40–11:15")
}

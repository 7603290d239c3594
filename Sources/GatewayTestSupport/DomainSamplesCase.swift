import Foundation
import IOPDomain

/// One participant's whole file as the gateway would hold it: their PCP practice (and another
/// practice that a consent or message may name), the referral and its lifecycle, a plan,
/// sessions, medication orders, messages, a progress summary and consents. Coherent: IDs point
/// at each other, dates follow the enrolment, Part 2 flags follow `isPart2Program`.
public struct DomainSampleCase: Hashable, Sendable, Codable {
    public var seed: UInt64
    /// The participant's PCP practice first, then one other.
    public var practices: [PrimaryCarePractice]
    public var participant: Participant
    public var enrolment: Enrolment
    public var treatmentPlan: TreatmentPlan?
    public var sessions: [ProgramSession]
    public var medicationOrders: [MedicationOrder]
    public var messages: [CareMessage]
    public var progressSummary: ProgressSummary?
    public var consents: [DisclosureConsent]
    /// Whether the IOP acts as a 42 CFR Part 2 program for this participant (co-occurring
    /// substance-use treatment), so that some of their records are Part 2 records.
    public var isPart2Program: Bool
    /// The moment "now" for this case: after everything in it.
    public var now: Date

    /// Every string in the case that identifies the participant (name parts, identifier values,
    /// contact values, birth date): what must never appear in an error, a log line or an
    /// `OperationOutcome`. Strings shorter than three characters are left out, as they occur
    /// in any text.
    public var patientDataStrings: [String] {
        DomainSamples.patientDataStrings(of: participant)
    }
}

extension DomainSamples {
    /// The identifying strings of a participant; see `DomainSampleCase.patientDataStrings`.
    public static func patientDataStrings(of participant: Participant) -> [String] {
        let name = participant.name
        var strings = name.given + [name.family].compactMap { $0 } + [name.displayText]
        strings += participant.identifiers.map(\.value)
        strings += participant.contacts.map(\.value)
        if let birthDate = participant.birthDate { strings.append(birthDate.description) }
        return strings.filter { $0.count >= 3 }
    }

    /// A coherent case file; see `DomainSampleCase`.
    public mutating func caseFile() -> DomainSampleCase {
        let pcpPractice = practice()
        var other = practice()
        while other.id == pcpPractice.id { other = practice() }
        let practiceIDs = [pcpPractice.id, other.id]
        let isPart2Program = chance(30)
        let referringProvider = PrimaryCareProvider(practiceID: pcpPractice.id, clinician: chance(85) ? clinician() : nil)
        let person = participant(pcp: referringProvider)
        let referredAt = date()
        let enrolment = enrolment(for: person.id, referredBy: referringProvider, referredAt: referredAt, part2Program: isPart2Program)

        var sessions: [ProgramSession] = []
        var plan: TreatmentPlan?
        var orders: [MedicationOrder] = []
        var lastDate = enrolment.history.last?.date ?? referredAt
        if let intake = enrolment.date(of: .intakeScheduled) {
            sessions += self.sessions(for: person, enrolmentID: enrolment.id,
                                      startingAt: intake.addingTimeInterval(TimeInterval(int(in: 1...10) * 86_400)),
                                      part2Program: isPart2Program)
        }
        if let started = enrolment.date(of: .active) {
            plan = treatmentPlan(for: person.id, enrolmentID: enrolment.id, startingAt: started, part2: isPart2Program && chance(40))
            var start = started
            for _ in 0..<int(in: 2...14) {
                start = start.addingTimeInterval(TimeInterval(int(in: 1...3) * 86_400 + int(in: 0...3_600)))
                sessions += self.sessions(for: person, enrolmentID: enrolment.id, startingAt: start, part2Program: isPart2Program)
            }
            orders = (0..<int(in: 0...3)).map { _ in
                medicationOrder(for: person.id, authoredOn: date(after: started, withinDays: 30), part2Program: isPart2Program)
            }
        }
        for session in sessions {
            lastDate = max(lastDate, session.statusChangedAt ?? session.scheduledEnd, session.scheduledEnd)
        }
        for order in orders { lastDate = max(lastDate, order.authoredOn) }
        let now = lastDate.addingTimeInterval(TimeInterval(int(in: 1...5) * 86_400))

        let messages = (0..<int(in: 0...4)).map { _ in
            careMessage(for: person, to: practiceIDs, at: date(after: referredAt, withinDays: 60),
                        sessionID: sessions.isEmpty ? nil : pick(sessions).id, part2Program: isPart2Program)
        }
        let summary = enrolment.date(of: .active) == nil ? nil
            : progressSummary(for: person.id, enrolmentID: enrolment.id, sessions: sessions, plan: plan, medications: orders,
                              endingAt: now, part2Program: isPart2Program)
        let consents = (0..<int(in: 0...3)).map { _ in
            consent(for: person.id, naming: chance(70) ? [pcpPractice.id] : practiceIDs,
                    signedAt: referredAt.addingTimeInterval(TimeInterval(int(in: 0...(20 * 86_400)))),
                    part2Program: isPart2Program)
        }
        return DomainSampleCase(seed: seed, practices: [pcpPractice, other], participant: person, enrolment: enrolment,
                                treatmentPlan: plan, sessions: sessions, medicationOrders: orders, messages: messages,
                                progressSummary: summary, consents: consents, isPart2Program: isPart2Program, now: now)
    }

    /// The case file of `seed`, for `@Test(arguments:)` over seeds.
    public static func caseFile(seed: UInt64) -> DomainSampleCase {
        var samples = DomainSamples(seed: seed)
        return samples.caseFile()
    }
}

import Foundation
import IOPDomain

extension DomainSamples {
    /// A disclosure consent naming one or more of `practices`: open-ended, time-boxed, expired or
    /// not yet in effect; sometimes revoked; covering Part 2 records in about half the cases of
    /// a Part 2 program and rarely otherwise.
    public mutating func consent(for participantID: Participant.ID, naming practices: [PrimaryCarePractice.ID], signedAt: Date,
                                 part2Program: Bool = false) -> DisclosureConsent {
        let recipients = Set(some(practices, count: 1...practices.count))
        let categories = Set(chance(40) ? DisclosureCategory.allCases : some(DisclosureCategory.allCases, count: 1...5))
        let purposes: Set<DisclosurePurpose> = chance(70) ? [.treatment] : Set(DisclosurePurpose.allCases)
        let part2 = part2Program ? chance(55) : chance(10)
        let day: TimeInterval = 86_400
        let (start, end): (Date?, Date?) = switch int(in: 0...4) {
        case 0: (nil, nil)
        case 1: (signedAt, nil)
        case 2: (signedAt, signedAt.addingTimeInterval(TimeInterval(int(in: 90...365)) * day))
        case 3: (signedAt, signedAt.addingTimeInterval(TimeInterval(int(in: 1...20)) * day))  // soon expired
        default: (signedAt.addingTimeInterval(TimeInterval(int(in: 1...30)) * day), nil)     // starts later
        }
        let revokedAt: Date? = chance(15) ? signedAt.addingTimeInterval(TimeInterval(int(in: 0...(60 * 86_400)))) : nil
        let consentID: DisclosureConsent.ID = id()
        return Self.valid { () throws(DomainError) in
            try DisclosureConsent(id: consentID, participantID: participantID, recipients: recipients, categories: categories,
                                  purposes: purposes, coversPart2Records: part2, period: DatePeriod(start: start, end: end),
                                  signedAt: signedAt, revokedAt: revokedAt)
        }
    }

    /// A disclosure of some category to one of `practices`, with or without Part 2 data.
    public mutating func disclosure(for participantID: Participant.ID, to practices: [PrimaryCarePractice.ID]) -> Disclosure {
        Disclosure(participantID: participantID, recipient: pick(practices), category: pick(DisclosureCategory.allCases),
                   purpose: chance(85) ? .treatment : pick(DisclosurePurpose.allCases), containsPart2Data: chance(30))
    }
}

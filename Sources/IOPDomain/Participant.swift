import Foundation

/// A person enrolled in, or referred to, the Intensive Outpatient Program.
///
/// Holds what the IOP needs to run sessions and report to primary care, nothing clinical:
/// clinical content lives on plans, sessions, orders and summaries, each with its own disclosure
/// rules.
public struct Participant: Hashable, Sendable, Codable, Identifiable {
    public typealias ID = EntityID<Participant>
    /// `Participant.Identifier(system:value:)`: an MRN, a member ID. Same system and value
    /// means same person (see `Participant+Identity.swift`).
    public typealias Identifier = BusinessIdentifier

    public let id: ID
    /// Every identifier the participant is known by; a referral may bring several (the PCP's MRN,
    /// the IOP's MRN, a Medicaid ID).
    public var identifiers: [Identifier]
    public var name: PersonName
    /// Optional because a referral may arrive without one (or with only a year, which is not
    /// carried: see `CalendarDate`).
    public var birthDate: CalendarDate?
    /// Phones and e-mail addresses, one of the phones marked as the session back-up.
    public var contacts: [ContactPoint]
    public var connectionMode: ConnectionMode
    /// The PCP the gateway reports to; `nil` while none is known.
    public var primaryCare: PrimaryCareProvider?

    public init(id: ID, identifiers: [Identifier], name: PersonName, birthDate: CalendarDate? = nil,
                contacts: [ContactPoint] = [], connectionMode: ConnectionMode = .video,
                primaryCare: PrimaryCareProvider? = nil) {
        self.id = id
        self.identifiers = identifiers
        self.name = name
        self.birthDate = birthDate
        self.contacts = contacts
        self.connectionMode = connectionMode
        self.primaryCare = primaryCare
    }
}

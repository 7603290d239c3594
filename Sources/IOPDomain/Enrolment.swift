import Foundation

/// A referral from a PCP and the enrolment that follows it: one episode of IOP care.
///
/// Referral and enrolment are one record because they are one story (referred → intake
/// scheduled → active → stepped down / discharged, or declined) and splitting them would let the
/// two disagree. The history is the source of truth; `status` is its last entry.
public struct Enrolment: Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<Enrolment>

    public let id: ID
    public let participantID: Participant.ID
    /// The referral's own identifiers (e.g. the PCP's `ServiceRequest` identifier), used to
    /// recognise the same referral arriving twice.
    public var referralIdentifiers: [BusinessIdentifier]
    /// The PCP who referred, and so the practice that receives progress summaries.
    public var referringProvider: PrimaryCareProvider
    /// Why the PCP referred, as written on the referral.
    public var referralReason: String?
    /// Whether the enrolment is in a 42 CFR Part 2 program: then even the referral's outcome
    /// reveals substance-use treatment and is a Part 2 record.
    public var containsPart2Data: Bool
    /// Every status, oldest first; never empty, starts with `.referred`.
    public internal(set) var history: [EnrolmentStatusChange]

    /// A new referral, in status `.referred` from `referredAt`.
    public init(id: ID, participantID: Participant.ID, referralIdentifiers: [BusinessIdentifier] = [],
                referringProvider: PrimaryCareProvider, referralReason: String? = nil, containsPart2Data: Bool = false,
                referredAt: Date) {
        self.id = id
        self.participantID = participantID
        self.referralIdentifiers = referralIdentifiers
        self.referringProvider = referringProvider
        self.referralReason = referralReason
        self.containsPart2Data = containsPart2Data
        self.history = [EnrolmentStatusChange(status: .referred, date: referredAt)]
    }

    /// An enrolment restored from a stored or mapped history, which is replayed through
    /// `transition(to:at:reason:)` so that an impossible history cannot be loaded.
    ///
    /// - Throws: `missingValue(.enrolmentHistory)` for an empty history,
    ///   `illegalEnrolmentTransition` when it does not start with `.referred` or takes an
    ///   illegal step, and the errors of `transition(to:at:reason:)`.
    public init(id: ID, participantID: Participant.ID, referralIdentifiers: [BusinessIdentifier] = [],
                referringProvider: PrimaryCareProvider, referralReason: String? = nil, containsPart2Data: Bool = false,
                history: [EnrolmentStatusChange]) throws(DomainError) {
        guard let first = history.first else { throw .missingValue(.enrolmentHistory) }
        guard first.status == .referred else { throw .illegalEnrolmentTransition(from: .referred, to: first.status) }
        self.init(id: id, participantID: participantID, referralIdentifiers: referralIdentifiers,
                  referringProvider: referringProvider, referralReason: referralReason, containsPart2Data: containsPart2Data,
                  referredAt: first.date)
        self.history = [first]
        for change in history.dropFirst() {
            try transition(to: change.status, at: change.date, reason: change.reason)
        }
    }

    /// The current status.
    public var status: EnrolmentStatus { history.last?.status ?? .referred }

    /// When the referral arrived.
    public var referredAt: Date { history.first?.date ?? .distantPast }

    /// When the enrolment last entered `status`, e.g. `date(of: .active)` for the start date
    /// (a stepped-up participant has entered `.active` twice; this is the latest).
    public func date(of status: EnrolmentStatus) -> Date? {
        history.last { $0.status == status }?.date
    }
}

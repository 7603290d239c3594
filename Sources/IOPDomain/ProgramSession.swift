import Foundation

/// One participant's place in one IOP session.
///
/// A group session is one record per participant (sharing `groupMeetingID`): attendance,
/// channel and reasons differ per person, and each goes to a different PCP. Status changes go
/// through `transition(to:at:reason:via:replacement:)`, which enforces the rules in
/// `ProgramSession+Status.swift`.
public struct ProgramSession: Hashable, Sendable, Identifiable {
    public typealias ID = EntityID<ProgramSession>

    public let id: ID
    public let participantID: Participant.ID
    public var enrolmentID: Enrolment.ID?
    public var modality: SessionModality
    /// How the session is planned: `.video`, or `.phone` for a phone-only participant.
    public var plannedChannel: SessionChannel
    public var scheduledStart: Date
    public var durationMinutes: Int
    public var facilitator: Clinician?
    /// Shared by the records of one group or psychoeducation meeting.
    public var groupMeetingID: String?
    /// Whether the session belongs to a 42 CFR Part 2 program (e.g. a relapse-prevention group):
    /// Part 2 protects even the fact that someone attends, so its times and attendance are
    /// Part 2 records.
    public var containsPart2Data: Bool

    public internal(set) var status: SessionStatus
    public internal(set) var statusReason: SessionStatusReason?
    /// When the current status was recorded; `nil` while scheduled, or when restored without one.
    public internal(set) var statusChangedAt: Date?
    /// The channel actually used, for an attended session: `.phone` when video failed.
    public internal(set) var attendedVia: SessionChannel?
    /// The session that replaces a rescheduled one, when known.
    public internal(set) var rescheduledTo: ID?

    /// A scheduled session.
    ///
    /// - Throws: `invalidValue(.sessionDuration)` unless 1...480 minutes.
    public init(id: ID, participantID: Participant.ID, enrolmentID: Enrolment.ID? = nil, modality: SessionModality,
                plannedChannel: SessionChannel = .video, scheduledStart: Date, durationMinutes: Int,
                facilitator: Clinician? = nil, groupMeetingID: String? = nil, containsPart2Data: Bool = false) throws(DomainError) {
        guard (1...480).contains(durationMinutes) else { throw .invalidValue(.sessionDuration) }
        self.id = id
        self.participantID = participantID
        self.enrolmentID = enrolmentID
        self.modality = modality
        self.plannedChannel = plannedChannel
        self.scheduledStart = scheduledStart
        self.durationMinutes = durationMinutes
        self.facilitator = facilitator
        self.groupMeetingID = groupMeetingID
        self.containsPart2Data = containsPart2Data
        self.status = .scheduled
    }

    /// When the session is planned to end.
    public var scheduledEnd: Date { scheduledStart.addingTimeInterval(TimeInterval(durationMinutes * 60)) }
}

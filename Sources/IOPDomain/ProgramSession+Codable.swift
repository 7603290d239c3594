import Foundation

/// Decoding rebuilds the session through the status rules, so a stored row cannot hold, say, a
/// cancelled session without a reason or an attendance before the start.
extension ProgramSession: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, participantID, enrolmentID, modality, plannedChannel, scheduledStart, durationMinutes, facilitator,
             groupMeetingID, containsPart2Data, status, statusReason, statusChangedAt, attendedVia, rescheduledTo
    }

    /// A session as stored or mapped, with its current status checked as if it had been
    /// reached from `.scheduled` in one step (or two, scheduled → missed → attended, which
    /// needs no second date).
    public init(restoring id: ID, participantID: Participant.ID, enrolmentID: Enrolment.ID? = nil,
                modality: SessionModality, plannedChannel: SessionChannel = .video, scheduledStart: Date,
                durationMinutes: Int, facilitator: Clinician? = nil, groupMeetingID: String? = nil,
                containsPart2Data: Bool = false, status: SessionStatus, statusReason: SessionStatusReason? = nil, statusChangedAt: Date? = nil,
                attendedVia: SessionChannel? = nil, rescheduledTo: ID? = nil) throws(DomainError) {
        try self.init(id: id, participantID: participantID, enrolmentID: enrolmentID, modality: modality,
                      plannedChannel: plannedChannel, scheduledStart: scheduledStart, durationMinutes: durationMinutes,
                      facilitator: facilitator, groupMeetingID: groupMeetingID, containsPart2Data: containsPart2Data)
        if status != .scheduled {
            try apply(status, at: statusChangedAt, reason: statusReason, via: attendedVia, replacement: rescheduledTo)
        }
        // A scheduled session has no outcome yet, so it carries none of the outcome fields.
        if status == .scheduled, statusReason != nil || statusChangedAt != nil || attendedVia != nil || rescheduledTo != nil {
            throw .invalidValue(.sessionStatus)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                restoring: c.decode(ID.self, forKey: .id),
                participantID: c.decode(Participant.ID.self, forKey: .participantID),
                enrolmentID: c.decodeIfPresent(Enrolment.ID.self, forKey: .enrolmentID),
                modality: c.decode(SessionModality.self, forKey: .modality),
                plannedChannel: c.decode(SessionChannel.self, forKey: .plannedChannel),
                scheduledStart: c.decode(Date.self, forKey: .scheduledStart),
                durationMinutes: c.decode(Int.self, forKey: .durationMinutes),
                facilitator: c.decodeIfPresent(Clinician.self, forKey: .facilitator),
                groupMeetingID: c.decodeIfPresent(String.self, forKey: .groupMeetingID),
                containsPart2Data: c.decodeIfPresent(Bool.self, forKey: .containsPart2Data) ?? false,
                status: c.decode(SessionStatus.self, forKey: .status),
                statusReason: c.decodeIfPresent(SessionStatusReason.self, forKey: .statusReason),
                statusChangedAt: c.decodeIfPresent(Date.self, forKey: .statusChangedAt),
                attendedVia: c.decodeIfPresent(SessionChannel.self, forKey: .attendedVia),
                rescheduledTo: c.decodeIfPresent(ID.self, forKey: .rescheduledTo))
        } catch let error as DomainError {
            throw DecodingError.dataCorruptedError(forKey: .status, in: c, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(participantID, forKey: .participantID)
        try c.encodeIfPresent(enrolmentID, forKey: .enrolmentID)
        try c.encode(modality, forKey: .modality)
        try c.encode(plannedChannel, forKey: .plannedChannel)
        try c.encode(scheduledStart, forKey: .scheduledStart)
        try c.encode(durationMinutes, forKey: .durationMinutes)
        try c.encodeIfPresent(facilitator, forKey: .facilitator)
        try c.encodeIfPresent(groupMeetingID, forKey: .groupMeetingID)
        try c.encode(containsPart2Data, forKey: .containsPart2Data)
        try c.encode(status, forKey: .status)
        try c.encodeIfPresent(statusReason, forKey: .statusReason)
        try c.encodeIfPresent(statusChangedAt, forKey: .statusChangedAt)
        try c.encodeIfPresent(attendedVia, forKey: .attendedVia)
        try c.encodeIfPresent(rescheduledTo, forKey: .rescheduledTo)
    }
}

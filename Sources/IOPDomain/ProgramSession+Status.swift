import Foundation

extension ProgramSession {
    /// Records a new status.
    ///
    /// Rules, each with its reason:
    /// - only `SessionStatus.legalSuccessors` (a reported outcome is not rewritten, except a
    ///   missed session corrected to attended);
    /// - attended or missed only at or after `scheduledStart`: nobody can attend or miss what
    ///   has not begun;
    /// - cancelled and rescheduled need a reason (`reasonRequired(.sessionStatusReason)`), so
    ///   platform outages can be counted;
    /// - a change is not dated before the previous one.
    ///
    /// `via` is the channel of an attended session (default: the planned one); `replacement` is
    /// the new session of a rescheduled one. Nothing changes when it throws.
    public mutating func transition(to newStatus: SessionStatus, at date: Date, reason: SessionStatusReason? = nil,
                                    via channel: SessionChannel? = nil, replacement: ID? = nil) throws(DomainError) {
        try apply(newStatus, at: date, reason: reason, via: channel, replacement: replacement)
    }

    /// The participant took part, at `date` (when attendance was taken), by `channel`.
    public mutating func markAttended(at date: Date, via channel: SessionChannel? = nil) throws(DomainError) {
        try transition(to: .attended, at: date, via: channel)
    }

    /// The participant did not come; the reason is optional (often there is none).
    public mutating func markMissed(at date: Date, reason: SessionStatusReason? = nil) throws(DomainError) {
        try transition(to: .missed, at: date, reason: reason)
    }

    /// The session will not take place.
    public mutating func cancel(at date: Date, reason: SessionStatusReason) throws(DomainError) {
        try transition(to: .cancelled, at: date, reason: reason)
    }

    /// Moves the session to `newStart`: this record becomes `.rescheduled` and points at the
    /// returned replacement, a scheduled copy with the ID `newID`. The replacement belongs to no
    /// group meeting: the meeting at the new time is another one, which the scheduler assigns.
    public mutating func reschedule(to newStart: Date, newID: ID, at date: Date,
                                    reason: SessionStatusReason) throws(DomainError) -> ProgramSession {
        let replacement = try ProgramSession(
            id: newID, participantID: participantID, enrolmentID: enrolmentID, modality: modality,
            plannedChannel: plannedChannel, scheduledStart: newStart, durationMinutes: durationMinutes,
            facilitator: facilitator, groupMeetingID: nil, containsPart2Data: containsPart2Data)
        try transition(to: .rescheduled, at: date, reason: reason, replacement: newID)
        return replacement
    }

    /// Whether the session did not happen because of a platform outage, whatever the status
    /// (cancelled, rescheduled, or missed with that reason).
    public var wasAffectedByPlatformOutage: Bool { statusReason?.isPlatformOutage ?? false }

    /// The shared rule check; `date` is optional only for restoring a record whose change date
    /// is unknown, in which case the date rules cannot be checked.
    mutating func apply(_ newStatus: SessionStatus, at date: Date?, reason: SessionStatusReason?,
                        via channel: SessionChannel?, replacement: ID?) throws(DomainError) {
        guard status.legalSuccessors.contains(newStatus) else {
            throw .illegalSessionTransition(from: status, to: newStatus)
        }
        if let date {
            if newStatus.requiresStartedSession, date < scheduledStart { throw .sessionNotStartedYet(newStatus) }
            if let previous = statusChangedAt, date < previous { throw .changeDatedBeforePrevious(.sessionStatus) }
        }
        if newStatus.requiresReason, reason == nil { throw .reasonRequired(.sessionStatusReason) }
        status = newStatus
        statusChangedAt = date
        statusReason = newStatus == .attended ? nil : reason
        attendedVia = newStatus == .attended ? (channel ?? plannedChannel) : nil
        rescheduledTo = newStatus == .rescheduled ? replacement : nil
    }
}

/// Where a session stands. Raw values are stable codes.
public enum SessionStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case scheduled
    /// The participant took part (by video or phone: see `ProgramSession.attendedVia`).
    case attended
    /// The participant did not show up.
    case missed
    /// The session will not take place. Needs a reason.
    case cancelled
    /// The session moved to another time, usually a new session record. Needs a reason.
    case rescheduled
}

extension SessionStatus {
    /// The statuses this one may move to.
    ///
    /// A scheduled session ends in exactly one of the other four. A session marked missed may
    /// still be corrected to attended (the participant joined late, or attendance was taken
    /// from the wrong list); every other outcome is final, since it has already been reported.
    public var legalSuccessors: Set<SessionStatus> {
        switch self {
        case .scheduled: [.attended, .missed, .cancelled, .rescheduled]
        case .missed: [.attended]
        case .attended, .cancelled, .rescheduled: []
        }
    }

    /// Whether this status needs a `SessionStatusReason`: the PCP and the outage reports need to
    /// know why a session did not happen.
    public var requiresReason: Bool { self == .cancelled || self == .rescheduled }

    /// Whether this status can only be recorded once the session has started.
    public var requiresStartedSession: Bool { self == .attended || self == .missed }
}

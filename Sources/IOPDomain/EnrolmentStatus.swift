/// Where a participant stands in the program. Raw values are stable codes (store rows, reports).
public enum EnrolmentStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// The PCP's referral has arrived; nobody has been contacted yet.
    case referred
    /// An intake assessment is booked.
    case intakeScheduled = "intake-scheduled"
    /// Attending the IOP at full intensity.
    case active
    /// Moved to a lower level of care (fewer sessions a week) but still enrolled.
    case steppedDown = "stepped-down"
    /// Left the program, having been enrolled. Final.
    case discharged
    /// Never enrolled: the participant declined, or the program found the referral unsuitable.
    /// Final.
    case declined
}

extension EnrolmentStatus {
    /// The statuses this one may move to.
    ///
    /// - A referral leads to an intake or is declined; it cannot become active without an intake.
    /// - After intake the participant starts or declines; discharge needs enrolment first.
    /// - An active participant may step down, and a stepped-down one may step back up (a relapse
    ///   is not a new referral), or either is discharged.
    /// - `discharged` and `declined` are final: a return to the program is a new referral, so
    ///   reports count episodes correctly.
    public var legalSuccessors: Set<EnrolmentStatus> {
        switch self {
        case .referred: [.intakeScheduled, .declined]
        case .intakeScheduled: [.active, .declined]
        case .active: [.steppedDown, .discharged]
        case .steppedDown: [.active, .discharged]
        case .discharged, .declined: []
        }
    }

    /// Whether no further change is possible.
    public var isFinal: Bool { legalSuccessors.isEmpty }

    /// Whether the change must carry a reason: a declined referral is reported back to the PCP,
    /// who needs to know why.
    public var requiresReason: Bool { self == .declined }

    /// Whether the participant is enrolled (receiving sessions) in this status.
    public var isEnrolled: Bool { self == .active || self == .steppedDown }
}

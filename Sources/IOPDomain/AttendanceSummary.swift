/// Session counts for a progress summary: what HIPAA lets a PCP see about therapy attendance
/// (session times, modalities, frequencies) without any session content.
public struct AttendanceSummary: Hashable, Sendable, Codable {
    public var scheduled: Int
    public var attended: Int
    /// Attended sessions that moved to the phone (or were planned by phone).
    public var attendedByPhone: Int
    public var missed: Int
    public var cancelled: Int
    public var rescheduled: Int
    /// Sessions cancelled, rescheduled or missed because the IOP's platform failed; counted
    /// apart so that the program's outages are not read as the participant's absences.
    public var affectedByPlatformOutage: Int

    public init(scheduled: Int = 0, attended: Int = 0, attendedByPhone: Int = 0, missed: Int = 0, cancelled: Int = 0,
                rescheduled: Int = 0, affectedByPlatformOutage: Int = 0) {
        self.scheduled = scheduled
        self.attended = attended
        self.attendedByPhone = attendedByPhone
        self.missed = missed
        self.cancelled = cancelled
        self.rescheduled = rescheduled
        self.affectedByPlatformOutage = affectedByPlatformOutage
    }

    /// Counts over `sessions`, by their current status.
    public init(sessions: some Sequence<ProgramSession>) {
        self.init()
        for session in sessions {
            switch session.status {
            case .scheduled: scheduled += 1
            case .attended:
                attended += 1
                if session.attendedVia == .phone { attendedByPhone += 1 }
            // A session missed because the IOP's platform failed is the program's, not the
            // participant's: counted under `affectedByPlatformOutage` only.
            case .missed: if !session.wasAffectedByPlatformOutage { missed += 1 }
            case .cancelled: cancelled += 1
            case .rescheduled: rescheduled += 1
            }
            if session.wasAffectedByPlatformOutage { affectedByPlatformOutage += 1 }
        }
    }

    /// Attended over attended plus missed, the rate PCPs ask about; `nil` before any outcome.
    /// Cancelled and rescheduled sessions do not count against the participant.
    public var attendanceRate: Double? {
        let due = attended + missed
        return due == 0 ? nil : Double(attended) / Double(due)
    }
}

/// Attendance at one kind of session over a summary's period, with the reasons for the
/// sessions that did not happen as planned (codes only: staff's notes never leave).
public struct ModalityAttendance: Hashable, Sendable, Codable {
    public var modality: SessionModality
    public var attendance: AttendanceSummary
    /// How often each reason was given for a missed, cancelled or rescheduled session.
    public var reasons: [ReasonCount]
    /// Whether any of the sessions belongs to a Part 2 program (attendance there is itself a
    /// Part 2 record).
    public var containsPart2Data: Bool

    public init(modality: SessionModality, attendance: AttendanceSummary, reasons: [ReasonCount] = [], containsPart2Data: Bool = false) {
        self.modality = modality
        self.attendance = attendance
        self.reasons = reasons
        self.containsPart2Data = containsPart2Data
    }

    public struct ReasonCount: Hashable, Sendable, Codable {
        public var code: SessionStatusReason.Code
        public var count: Int

        public init(code: SessionStatusReason.Code, count: Int) {
            self.code = code
            self.count = count
        }
    }

    /// One entry per modality present in `sessions`, in `SessionModality` order.
    public static func grouping(_ sessions: [ProgramSession]) -> [ModalityAttendance] {
        SessionModality.allCases.compactMap { modality in
            let ofKind = sessions.filter { $0.modality == modality }
            guard !ofKind.isEmpty else { return nil }
            var counts: [SessionStatusReason.Code: Int] = [:]
            for session in ofKind where session.status != .attended && session.status != .scheduled {
                if let code = session.statusReason?.code { counts[code, default: 0] += 1 }
            }
            let reasons = SessionStatusReason.Code.allCases.compactMap { code in counts[code].map { ReasonCount(code: code, count: $0) } }
            return ModalityAttendance(modality: modality, attendance: AttendanceSummary(sessions: ofKind), reasons: reasons,
                                      containsPart2Data: ofKind.contains(where: \.containsPart2Data))
        }
    }
}

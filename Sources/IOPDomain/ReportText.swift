/// The words PCP-facing text uses for the domain's codes: one place, so a summary and a notice
/// never name the same thing two ways.
public enum ReportText {
    public static func modality(_ modality: SessionModality) -> String {
        switch modality {
        case .individual: "individual therapy"
        case .group: "group therapy"
        case .couplesFamily: "couples/family therapy"
        case .psychoeducation: "psychoeducation"
        case .medicationManagement: "medication management"
        }
    }

    public static func channel(_ channel: SessionChannel) -> String {
        switch channel {
        case .video: "video"
        case .phone: "phone"
        }
    }

    public static func reason(_ code: SessionStatusReason.Code) -> String {
        switch code {
        case .platformOutage: "IOP platform outage"
        case .participantConnectivity: "participant's connection failed"
        case .participantRequest: "participant's request"
        case .participantIllness: "participant unwell"
        case .participantHospitalised: "participant in hospital or crisis care"
        case .clinicianUnavailable: "clinician unavailable"
        case .programClosure: "program closed"
        case .noShow: "no show"
        case .other: "other reason"
        }
    }

    public static func goal(_ achievement: GoalAchievement) -> String {
        switch achievement {
        case .inProgress: "in progress"
        case .improving: "improving"
        case .worsening: "worsening"
        case .noChange: "no change"
        case .achieved: "achieved"
        case .notAchieved: "not achieved"
        }
    }

    public static func medicationChange(_ kind: MedicationChange.Kind) -> String {
        switch kind {
        case .started: "started"
        case .doseChanged: "dose changed"
        case .onHold: "on hold"
        case .resumed: "resumed"
        case .stopped: "stopped"
        case .completed: "completed"
        case .cancelled: "cancelled"
        }
    }

    public static func riskFlag(_ flag: RiskFlag) -> String {
        let times = flag.count == 1 ? "" : " (\(flag.count))"
        return switch flag.kind {
        case .crisisNotice: "Crisis notice sent\(times), latest \(ReportDate.day(flag.date))"
        case .consecutiveMissedSessions: "\(flag.count) sessions missed in a row, last on \(ReportDate.day(flag.date))"
        case .hospitalisation: "Session(s) missed for hospital or crisis care\(times), latest \(ReportDate.day(flag.date))"
        case .worseningGoal: "Treatment goal(s) worsening\(times)"
        }
    }

    /// `sertraline 50 MG Oral Tablet (RxNorm 312940): 1 tablet, 1 per day`.
    public static func medication(_ concept: RxNormConcept, _ dose: Dose) -> String {
        let quantity = "\(dose.quantity.value) \(unit(dose.quantity.unit))"
        let frequency = "\(dose.timesPerPeriod) per \(dose.period == .day ? "day" : "week")" + (dose.asNeeded ? " as needed" : "")
        return "\(concept.display) (RxNorm \(concept.code)): \(quantity), \(frequency)"
    }

    /// A UCUM unit as a clinician writes it: `mg` stays, an annotation loses its braces
    /// (`{capsule}` → `capsule`) and the common abbreviations are spelled out (`{tbl}` → `tablet`).
    public static func unit(_ ucum: String) -> String {
        guard ucum.hasPrefix("{"), ucum.hasSuffix("}") else { return ucum }
        let word = String(ucum.dropFirst().dropLast())
        return ["tbl": "tablet", "cap": "capsule", "puff": "puff"][word] ?? word
    }

    /// `2026-11-23 14:00 UTC, group therapy by video`.
    public static func session(_ session: ProgramSession) -> String {
        "\(ReportDate.minute(session.scheduledStart)), \(modality(session.modality)) by \(channel(session.plannedChannel))"
    }
}

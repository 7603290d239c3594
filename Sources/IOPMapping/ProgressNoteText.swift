import Foundation
import IOPDomain

/// The plain text of a progress note, built from a `ProgressSummary` alone: attendance,
/// modalities and frequencies, diagnoses, test results, the permitted summary passages and the
/// current medications (45 CFR 164.501's exclusions from psychotherapy notes). The type has no
/// field for session narrative, so none can appear. Part 2 content ends with the §2.32 notice.
public enum ProgressNoteText {
    public static func render(_ summary: ProgressSummary) -> String {
        var lines = ["IOP progress summary"]
        if let start = summary.period.start, let end = summary.period.end {
            lines.append("Period: \(day(start)) to \(day(end))")
        }
        let a = summary.attendance
        lines.append("Attendance: \(a.attended) attended (\(a.attendedByPhone) by phone), \(a.missed) missed, \(a.cancelled) cancelled, "
                     + "\(a.rescheduled) rescheduled, \(a.scheduled) scheduled; \(a.affectedByPlatformOutage) affected by a platform outage.")
        if !summary.modalities.isEmpty {
            lines.append("Modalities:")
            lines += summary.modalities.map { "- \($0.modality.rawValue): \($0.plannedPerWeek) a week planned, \($0.attended) attended" }
        }
        if !summary.diagnoses.isEmpty {
            lines.append("Diagnoses:")
            lines += summary.diagnoses.map { "- \($0.code)" + ($0.display.map { " \($0)" } ?? "") }
        }
        if !summary.assessments.isEmpty {
            lines.append("Measures:")
            lines += summary.assessments.map { "- \($0.instrument.rawValue.uppercased()) \($0.score) on \(day($0.takenAt))" }
        }
        for section in summary.sections {
            lines.append(heading(section.kind) + ":")
            lines.append(section.text)
        }
        if !summary.medications.isEmpty {
            lines.append("Current medications:")
            lines += summary.medications.map { order in
                "- \(order.medication.display) (RxNorm \(order.medication.code)): \(order.dose.quantity.value) \(order.dose.quantity.unit), "
                    + "\(order.dose.timesPerPeriod) per \(order.dose.period == .day ? "day" : "week")\(order.dose.asNeeded ? " as needed" : "")"
            }
        }
        if summary.containsPart2Data { lines.append(RedisclosureNotice.part2ShortForm) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func heading(_ kind: SummarySection.Kind) -> String {
        switch kind {
        case .diagnosis: "Diagnosis"
        case .functionalStatus: "Functional status"
        case .treatmentPlan: "Treatment plan"
        case .symptoms: "Symptoms"
        case .prognosis: "Prognosis"
        case .progress: "Progress"
        }
    }

    static func day(_ date: Date) -> String { String(FHIRDateCodec.instant(date).prefix(10)) }
}

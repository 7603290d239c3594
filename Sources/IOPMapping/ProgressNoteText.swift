import Foundation
import IOPDomain

/// The text of a progress note, built from a `ProgressSummary` alone, ordered for a busy
/// clinician: what needs action first (risk flags), then attendance, goals, medications and
/// what comes next. Every field is one 45 CFR 164.501 lets leave the program for treatment;
/// the type has no field for session narrative, so none can appear. Part 2 content ends with
/// the §2.32 notice.
public enum ProgressNoteText {
    public static func render(_ summary: ProgressSummary) -> String { document(summary).plainText }

    public static func document(_ summary: ProgressSummary) -> ReportDocument {
        typealias Section = ReportDocument.Section
        var title = "IOP progress summary"
        if let start = summary.period.start, let end = summary.period.end {
            title += ", \(ReportDate.day(start)) to \(ReportDate.day(end))"
        }
        let glance = attendanceLine(summary.attendance)
        var sections = [
            Section(heading: "Needs attention", lines: summary.riskFlags.map(ReportText.riskFlag), isList: true),
            Section(lines: [glance]),
            Section(heading: "By kind of session", lines: summary.attendanceByModality.map(modalityLine), isList: true),
            Section(heading: "Planned each week", lines: summary.modalities.map {
                "\(ReportText.modality($0.modality)): \($0.plannedPerWeek) planned, \($0.attended) attended in the period"
            }, isList: true),
            Section(heading: "Treatment goals", lines: summary.goals.map { goal in
                goal.description + (goal.measure.map { " (\($0))" } ?? "") + ": " + ReportText.goal(goal.achievement)
            }, isList: true),
            Section(heading: "Medication changes", lines: summary.medicationChanges.map {
                "\(ReportDate.day($0.observedAt)) \(ReportText.medicationChange($0.kind)): \(ReportText.medication($0.medication, $0.dose))"
            }, isList: true),
            Section(heading: "Current IOP medications", lines: summary.medications.map { ReportText.medication($0.medication, $0.dose) },
                    isList: true),
            Section(heading: "Next sessions", lines: summary.upcomingSessions.map {
                "\(ReportDate.minute($0.start)), \(ReportText.modality($0.modality)) by \(ReportText.channel($0.channel))"
            }, isList: true),
            Section(heading: "Diagnoses", lines: summary.diagnoses.map { $0.code + ($0.display.map { " \($0)" } ?? "") }, isList: true),
            Section(heading: "Measures", lines: summary.assessments.map {
                "\($0.instrument.rawValue.uppercased()) \($0.score) on \(ReportDate.day($0.takenAt))"
            }, isList: true),
        ]
        sections += summary.sections.map { Section(heading: heading($0.kind), lines: [$0.text]) }
        if summary.containsPart2Data { sections.append(Section(lines: [RedisclosureNotice.part2ShortForm])) }
        return ReportDocument(title: title, sections: sections)
    }

    /// `Attended 2 of 3 sessions due (67%), 1 by phone; 1 cancelled; 1 affected by an IOP
    /// platform outage, not counted against the participant.`
    static func attendanceLine(_ a: AttendanceSummary) -> String {
        var parts: [String] = []
        if let rate = a.attendanceRate {
            parts.append("Attended \(a.attended) of \(a.attended + a.missed) sessions due (\(Int((rate * 100).rounded()))%)"
                         + (a.attendedByPhone > 0 ? ", \(a.attendedByPhone) by phone" : ""))
        } else {
            parts.append("No sessions due in the period")
        }
        if a.missed > 0 { parts.append("\(a.missed) missed") }
        if a.cancelled > 0 { parts.append("\(a.cancelled) cancelled") }
        if a.rescheduled > 0 { parts.append("\(a.rescheduled) rescheduled") }
        if a.affectedByPlatformOutage > 0 {
            parts.append("\(a.affectedByPlatformOutage) affected by an IOP platform outage, not counted against the participant")
        }
        return parts.joined(separator: "; ") + "."
    }

    static func modalityLine(_ entry: ModalityAttendance) -> String {
        let a = entry.attendance
        var parts = ["\(a.attended) attended" + (a.attendedByPhone > 0 ? " (\(a.attendedByPhone) by phone)" : "")]
        if a.missed > 0 { parts.append("\(a.missed) missed") }
        if a.cancelled > 0 { parts.append("\(a.cancelled) cancelled") }
        if a.rescheduled > 0 { parts.append("\(a.rescheduled) rescheduled") }
        if a.scheduled > 0 { parts.append("\(a.scheduled) still booked") }
        var line = ReportText.modality(entry.modality) + ": " + parts.joined(separator: ", ")
        if !entry.reasons.isEmpty {
            line += "; reasons: " + entry.reasons.map { "\(ReportText.reason($0.code)) \($0.count)" }.joined(separator: ", ")
        }
        return line
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
}

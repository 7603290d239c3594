import Foundation

/// The events a PCP hears about, found by comparing a participant's records before and after a
/// change the gateway committed (an API write or an imported file).
///
/// Comparing states rather than reading requests makes the rule the same for every route in:
/// a bundle posted twice changes nothing the second time and so triggers nothing, and a change
/// that arrives as a whole new resource or as an update of a stored one reads alike.
public enum CareUpdateTriggers {
    /// The updates a change from `before` (nil: the participant is new) to `after` causes,
    /// observed at `now`. `medicationChanges` are the changes the caller also keeps (see
    /// `ParticipantRecords.medicationChanges`).
    public static func updates(before: ParticipantRecords?, after: ParticipantRecords, medicationChanges: [MedicationChange],
                               at now: Date) -> [CareUpdate] {
        let updates = allUpdates(before: before, after: after, medicationChanges: medicationChanges, at: now)
        // A participant seen for the first time brings their history: what happened long ago is
        // not news (an old crisis notice must not go out `stat` months later).
        guard before == nil else { return updates }
        return updates.filter { $0.occurredAt >= now.addingTimeInterval(-historyWindow) }
    }

    /// How old an event may be and still be news when the gateway first learns of a participant.
    public static let historyWindow: TimeInterval = 7 * 86_400

    static func allUpdates(before: ParticipantRecords?, after: ParticipantRecords, medicationChanges: [MedicationChange],
                           at now: Date) -> [CareUpdate] {
        var updates: [CareUpdate] = []
        updates += enrolmentChanges(before: before, after: after, at: now)
        updates += missedSessions(before: before, after: after, at: now)
        updates += platformOutage(before: before, after: after, at: now)
        if let notice = medicationNotice(medicationChanges, participant: after.participant.id, at: now) { updates.append(notice) }
        updates += crisisNotices(before: before, after: after)
        return updates
    }

    /// The medication changes between the two states. None for a participant seen for the first
    /// time: a referral's medication list is news to nobody, least of all the PCP who sent it.
    public static func medicationChanges(before: ParticipantRecords?, after: ParticipantRecords, at now: Date) -> [MedicationChange] {
        guard let before else { return [] }
        let previous = Dictionary(before.medicationOrders.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return after.medicationOrders.sorted { $0.id < $1.id }.compactMap { MedicationChange.between(previous[$0.id], $0, at: now) }
    }

    // MARK: - Enrolment

    static func enrolmentChanges(before: ParticipantRecords?, after: ParticipantRecords, at now: Date) -> [CareUpdate] {
        let previous = Dictionary((before?.enrolments ?? []).map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first })
        var updates: [CareUpdate] = []
        for enrolment in after.enrolments.sorted(by: { $0.id < $1.id }) {
            let was = previous[enrolment.id]
            let changedAt = enrolment.history.last?.date ?? now
            switch enrolment.status {
            case .intakeScheduled where was == nil || was == .referred, .active where was == nil || was == .referred:
                var lines = ["The IOP has accepted the referral of \(ReportDate.day(enrolment.referredAt))."]
                if let intake = after.sessionsInOrder.first(where: { $0.status == .scheduled && $0.scheduledStart >= changedAt }) {
                    lines.append("Intake booked: \(ReportText.session(intake)).")
                } else {
                    lines.append("The intake date will follow.")
                }
                updates.append(CareUpdate(trigger: .referralAccepted, participantID: after.participant.id, priority: .routine,
                                          occurredAt: changedAt, key: "referral-accepted:\(enrolment.id.rawValue)",
                                          content: .notice(headline: "IOP referral accepted", lines: lines),
                                          containsPart2Data: enrolment.containsPart2Data))
            case .intakeScheduled where was == .intakeScheduled:
                // Accepted earlier with the date to follow: the intake is booked now.
                let known = Set((before?.sessions ?? []).filter { $0.status == .scheduled }.map(\.id))
                guard !(before?.sessionsInOrder.contains { $0.status == .scheduled && $0.scheduledStart >= changedAt } ?? false),
                      let intake = after.sessionsInOrder.first(where: {
                          $0.status == .scheduled && $0.scheduledStart >= changedAt && !known.contains($0.id)
                      })
                else { continue }
                updates.append(CareUpdate(trigger: .referralAccepted, participantID: after.participant.id, priority: .routine,
                                          occurredAt: now, key: "intake-booked:\(enrolment.id.rawValue):\(intake.id.rawValue)",
                                          content: .notice(headline: "IOP intake booked",
                                                           lines: ["Intake booked: \(ReportText.session(intake))."]),
                                          containsPart2Data: enrolment.containsPart2Data || intake.containsPart2Data))
            case .discharged, .steppedDown:
                guard was != enrolment.status else { continue }
                let discharged = enrolment.status == .discharged
                let sessions = after.sessions.filter { $0.enrolmentID == nil || $0.enrolmentID == enrolment.id }
                let attendance = AttendanceSummary(sessions: sessions)
                var lines = [discharged
                    ? "Discharged from the IOP on \(ReportDate.day(changedAt))."
                    : "Stepped down to a lower level of care on \(ReportDate.day(changedAt))."]
                lines.append("Sessions over the program: \(attendance.attended) attended, \(attendance.missed) missed, "
                             + "\(attendance.cancelled) cancelled, \(attendance.rescheduled) rescheduled.")
                let current = after.medicationOrders.filter(\.status.isCurrent).sorted { $0.id < $1.id }
                lines += current.isEmpty ? ["No current IOP prescriptions."]
                    : ["Current IOP prescriptions:"] + current.map { "- " + ReportText.medication($0.medication, $0.dose) }
                if !discharged, let next = after.sessionsInOrder.first(where: { $0.status == .scheduled && $0.scheduledStart > now }) {
                    lines.append("Next session: \(ReportText.session(next)).")
                }
                let part2 = enrolment.containsPart2Data || sessions.contains(where: \.containsPart2Data)
                    || current.contains(where: \.containsPart2Data)
                updates.append(CareUpdate(trigger: discharged ? .discharged : .steppedDown, participantID: after.participant.id,
                                          priority: discharged ? .urgent : .routine, occurredAt: changedAt,
                                          key: "enrolment:\(enrolment.id.rawValue):\(enrolment.status.rawValue):\(ReportDate.minute(changedAt))",
                                          content: .notice(headline: discharged ? "Discharged from the IOP" : "Stepped down from the IOP",
                                                           lines: lines),
                                          containsPart2Data: part2))
            default:
                continue
            }
        }
        return updates
    }

    // MARK: - Sessions

    /// Sessions whose status changed to `status` (or that are new with it).
    private static func newly(_ status: SessionStatus, before: ParticipantRecords?, after: ParticipantRecords) -> [ProgramSession] {
        let previous = Dictionary((before?.sessions ?? []).map { ($0.id, $0.status) }, uniquingKeysWith: { first, _ in first })
        return after.sessionsInOrder.filter { $0.status == status && previous[$0.id] != status }
    }

    /// Two sessions in a row missed: said once, when the run reaches two.
    static func missedSessions(before: ParticipantRecords?, after: ParticipantRecords, at now: Date) -> [CareUpdate] {
        let ordered = after.sessionsInOrder
        return newly(.missed, before: before, after: after).compactMap { session in
            let run = MissedStreak.ending(at: session, in: ordered)
            guard run.count == 2, let first = run.first else { return nil }
            var lines = run.map { missed in
                "Missed: \(ReportText.session(missed))" + (missed.statusReason.map { " (\(ReportText.reason($0.code)))" } ?? " (no reason given)") + "."
            }
            if let next = ordered.first(where: { $0.status == .scheduled && $0.scheduledStart > session.scheduledStart }) {
                lines.append("Next session: \(ReportText.session(next)).")
            }
            lines.append("The IOP team is reaching out to the participant.")
            return CareUpdate(trigger: .missedSessions, participantID: after.participant.id, priority: .urgent,
                              occurredAt: session.statusChangedAt ?? session.scheduledStart,
                              key: "missed-sessions:\(first.id.rawValue)",
                              content: .notice(headline: "Two IOP sessions missed in a row", lines: lines),
                              containsPart2Data: run.contains(where: \.containsPart2Data))
        }
    }

    /// Sessions moved by the IOP's own platform outage, and sessions held by phone (the back-up
    /// channel) when video was planned: one notice per change.
    static func platformOutage(before: ParticipantRecords?, after: ParticipantRecords, at now: Date) -> [CareUpdate] {
        let previous = Dictionary((before?.sessions ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let byID = Dictionary(after.sessions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [String] = []
        var affected: [ProgramSession] = []
        for session in after.sessionsInOrder where previous[session.id].map({ $0.status != session.status }) ?? true {
            if session.wasAffectedByPlatformOutage {
                let what = switch session.status {
                case .rescheduled:
                    "rescheduled" + (session.rescheduledTo.flatMap { byID[$0] }.map { " to " + ReportDate.minute($0.scheduledStart) } ?? "")
                case .cancelled: "cancelled"
                case .missed: "missed"
                case .attended, .scheduled: "affected"
                }
                lines.append("\(ReportText.session(session)): \(what) because of an IOP platform outage.")
                affected.append(session)
            } else if session.status == .attended, session.plannedChannel == .video, session.attendedVia == .phone {
                lines.append("\(ReportText.session(session)): held by phone, the back-up channel, instead of video.")
                affected.append(session)
            }
        }
        guard let first = affected.first, let last = affected.last else { return [] }
        let outage = affected.contains(where: \.wasAffectedByPlatformOutage)
        if outage { lines.append("Sessions the IOP's platform prevented are not counted against the participant.") }
        let occurred = affected.map { $0.statusChangedAt ?? $0.scheduledStart }.max() ?? now
        return [CareUpdate(trigger: .platformOutage, participantID: after.participant.id, priority: .routine, occurredAt: occurred,
                           key: "platform-outage:\(first.id.rawValue):\(last.id.rawValue):\(affected.count):\(ReportDate.second(occurred))",
                           content: .notice(headline: outage ? "IOP sessions moved by a platform outage" : "IOP sessions held by phone",
                                            lines: lines),
                           containsPart2Data: affected.contains(where: \.containsPart2Data))]
    }

    // MARK: - Medications and messages

    static func medicationNotice(_ changes: [MedicationChange], participant: Participant.ID, at now: Date) -> CareUpdate? {
        guard !changes.isEmpty else { return nil }
        let lines = changes.map { "\(ReportText.medicationChange($0.kind).capitalizedFirst): \(ReportText.medication($0.medication, $0.dose))." }
        // When it was seen is part of the key: the same change can happen again (held, resumed,
        // held) and must be news each time; the same state posted twice is no change at all.
        let key = "medication:" + changes.map { "\($0.orderID.rawValue)/\($0.kind.rawValue)/\($0.dose.quantity.value)\($0.dose.quantity.unit)x\($0.dose.timesPerPeriod)\($0.dose.period.rawValue)" }
            .joined(separator: ",") + "@" + ReportDate.second(now)
        return CareUpdate(trigger: .medicationChange, participantID: participant, priority: .routine, occurredAt: now, key: key,
                          content: .notice(headline: "IOP medication change", lines: lines),
                          containsPart2Data: changes.contains(where: \.containsPart2Data))
    }

    /// A clinician's crisis notice goes out `stat`, in the clinician's words: only one the
    /// program wrote to the participant's primary care (a crisis message among staff, or one the
    /// PCP sent, stays where it was written).
    static func crisisNotices(before: ParticipantRecords?, after: ParticipantRecords) -> [CareUpdate] {
        let known = Set((before?.careMessages ?? []).map(\.id))
        return after.careMessages.filter { message in
            message.category == .crisisNotice && !known.contains(message.id) && message.sender.practiceID == nil
                && message.recipients.contains { $0.practiceID != nil && $0.practiceID == after.participant.primaryCare?.practiceID }
        }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
            .map { message in
                CareUpdate(trigger: .crisisNotice, participantID: after.participant.id, priority: .stat, occurredAt: message.createdAt,
                           key: "crisis:\(message.id.rawValue)",
                           content: .notice(headline: "IOP crisis notice", lines: [message.text]),
                           containsPart2Data: message.containsPart2Data)
            }
    }
}

extension String {
    /// The text with its first character upper-cased.
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// Appointment → one ProgramSession per Patient participant.
extension InboundRun {
    func mapAppointment(_ appointment: Appointment, at position: Int) {
        var warnings: [Issue] = []
        let statusCode = appointment.status.value ?? ""
        if statusCode == "entered-in-error" {
            verdicts[position] = .notForIOP(reason: "An Appointment entered in error is stored as received and not mapped")
            return
        }
        var patients: [Participant.ID] = []
        var facilitator: Clinician?
        for participant in appointment.participant {
            if let id = self.participant(for: participant.actor, from: position) {
                if !patients.contains(id) { patients.append(id) }
            } else if facilitator == nil, let clinician = clinician(for: participant.actor, from: position) {
                facilitator = clinician
            }
        }
        guard !patients.isEmpty else {
            refuse(position, "participant", .required, "The session has no participant who is a Patient in the input")
            return
        }
        guard let modality = appointment.serviceType.lazy.compactMap({ $0.code(in: IOPCanonical.CodeSystem.sessionKind) })
            .first.flatMap(SessionModality.init(rawValue:)) else {
            refuse(position, "serviceType", .codeInvalid, "The session has no session kind from the IOP session-kind code system")
            return
        }
        guard let start = date(appointment.start?.value) else {
            refuse(position, "start", .required, "The session has no start time")
            return
        }
        let minutes: Int
        if let end = date(appointment.end?.value) {
            minutes = Int((end.timeIntervalSince(start) / 60).rounded())
        } else if let duration = appointment.minutesDuration?.int {
            minutes = duration
        } else {
            refuse(position, "end", .required, "The session has neither an end time nor a duration")
            return
        }
        var channel = SessionChannel.video
        if case .code(let code)? = appointment.extension.value(of: IOPCanonical.Extension.sessionChannel),
           let value = code.value.flatMap(SessionChannel.init(rawValue:)) {
            channel = value
        } else {
            warnings.append(warning(position, "extension", "The session states no channel; video is assumed"))
        }
        let status: SessionStatus
        var reason: SessionStatusReason?
        var rescheduledTo: ProgramSession.ID?
        var reasonConcept = appointment.cancelationReason
        if reasonConcept == nil, case .codeableConcept(let concept)? = appointment.extension.value(of: IOPCanonical.Extension.missedReason) {
            reasonConcept = concept
        }
        let outcome = reasonConcept?.code(in: IOPCanonical.CodeSystem.sessionOutcome)
        switch statusCode {
        case "booked", "pending", "proposed", "arrived", "checked-in", "waitlist": status = .scheduled
        case "fulfilled": status = .attended
        case "noshow": status = .missed
        case "cancelled": status = outcome == "rescheduled" ? .rescheduled : .cancelled
        default:
            refuse(position, "status", .codeInvalid, "The session status is not one the IOP can act on")
            return
        }
        if status != .scheduled, status != .attended, let reasonConcept {
            reason = Self.statusReason(reasonConcept)
        }
        if status.requiresReason, reason == nil {
            reason = SessionStatusReason(.other)
            warnings.append(warning(position, "cancelationReason", "The cancelled session gives no reason; 'other' is recorded"))
        }
        let replacement = status == .rescheduled
            ? appointment.supportingInformation.lazy.compactMap({ self.referencedEntry($0, from: position, type: "Appointment") }).first
            : nil
        let groupMeetingID = appointment.identifier.first { $0.system?.value == IOPCanonical.IdentifierSystem.groupMeeting }?.value?.value
            ?? (patients.count > 1 ? (recordID("group-meeting", at: position) as EntityID<ProgramSession>).rawValue : nil)
        let enrolmentID = enrolmentID(for: appointment.basedOn + appointment.supportingInformation, from: position)
        let part2 = input.entries[position].resource?.isLabelledPart2 ?? false
        var sessions: [ProgramSession] = []
        for participantID in patients {
            // The planned channel is not in R4: a phone session of a video participant that
            // was attended is a fall-back from video (see MappingLimits).
            rescheduledTo = replacement.map { (position: Int) -> ProgramSession.ID in recordID("session", at: position, extra: patients.count > 1 ? [participantID.rawValue] : []) }
            var planned = channel
            if status == .attended, channel == .phone, participantRecord(participantID)?.connectionMode == .video {
                planned = .video
            }
            let id: ProgramSession.ID = patients.count > 1
                ? recordID("session", at: position, extra: [participantID.rawValue])
                : recordID("session", at: position)
            do throws(DomainError) {
                sessions.append(try ProgramSession(
                    restoring: id, participantID: participantID, enrolmentID: enrolmentID, modality: modality,
                    plannedChannel: planned, scheduledStart: start, durationMinutes: minutes, facilitator: facilitator,
                    groupMeetingID: groupMeetingID, containsPart2Data: part2, status: status, statusReason: reason,
                    statusChangedAt: nil, attendedVia: status == .attended ? channel : nil, rescheduledTo: rescheduledTo))
            } catch {
                refuse(position, nil, .invalid, "The session breaks a domain rule: \(error.description)")
                return
            }
        }
        records.sessions += sessions
        verdicts[position] = .mapped(warnings: warnings)
    }

    /// Our reason code when present; else a platform outage recognised from the text; else
    /// `other`. The text is kept as the note.
    static func statusReason(_ concept: CodeableConcept) -> SessionStatusReason {
        if let code = concept.code(in: IOPCanonical.CodeSystem.sessionStatusReason), let value = SessionStatusReason.Code(rawValue: code) {
            return SessionStatusReason(value, note: concept.text?.value)
        }
        let text = (concept.text?.value ?? concept.coding.compactMap(\.display?.value).joined(separator: " ")).lowercased()
        let code: SessionStatusReason.Code =
            text.contains("outage") || (text.contains("platform") && (text.contains("down") || text.contains("fail")))
            ? .platformOutage
            : concept.coding.contains { $0.code?.value == "pat" || $0.code?.value?.hasPrefix("pat-") == true } ? .participantRequest
            : concept.coding.contains { $0.code?.value == "prov" || $0.code?.value == "prov-pers" } ? .clinicianUnavailable
            : concept.coding.contains { $0.code?.value == "oth-weath" } ? .programClosure
            : .other
        return SessionStatusReason(code, note: concept.text?.value)
    }
}

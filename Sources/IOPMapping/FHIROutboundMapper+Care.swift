import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

extension FHIROutboundMapper {
    public func appointment(_ session: ProgramSession) -> Appointment {
        var context = OutboundContext()
        let status = switch session.status {
        case .scheduled: "booked"
        case .attended: "fulfilled"
        case .missed: "noshow"
        case .cancelled, .rescheduled: "cancelled"
        }
        let channel = session.attendedVia ?? session.plannedChannel
        var appointment = Appointment(
            id: FHIRId(session.id.rawValue),
            meta: Outbound.meta(profile: IOPCanonical.Profile.programSession, restricted: session.containsPart2Data, part2: session.containsPart2Data),
            text: Outbound.narrative(["\(session.modality.rawValue) session by \(channel.rawValue), \(session.durationMinutes) minutes: \(session.status.rawValue)."]),
            status: FHIRCode(status), participant: [])
        appointment.extension = [Extension(url: IOPCanonical.Extension.sessionChannel, value: .code(FHIRCode(channel.rawValue)))]
        if let meeting = session.groupMeetingID {
            appointment.identifier = [Identifier(system: FHIRUri(IOPCanonical.IdentifierSystem.groupMeeting), value: FHIRString(meeting))]
        }
        if let reason = session.statusReason {
            var coding = [Outbound.coding(IOPCanonical.CodeSystem.sessionStatusReason, reason.code.rawValue)]
            if session.status == .rescheduled { coding.append(Outbound.coding(IOPCanonical.CodeSystem.sessionOutcome, "rescheduled")) }
            let concept = CodeableConcept(coding: coding, text: reason.note.map { FHIRString($0) })
            if session.status == .missed {
                appointment.extension.append(Extension(url: IOPCanonical.Extension.missedReason, value: .codeableConcept(concept)))
            } else {
                appointment.cancelationReason = concept
            }
        }
        appointment.serviceType = [Outbound.concept(IOPCanonical.CodeSystem.sessionKind, session.modality.rawValue)]
        appointment.start = Outbound.instant(session.scheduledStart)
        appointment.end = Outbound.instant(session.scheduledEnd)
        if let replacement = session.rescheduledTo {
            appointment.supportingInformation = [Outbound.reference("Appointment", replacement.rawValue)]
        }
        if let enrolment = session.enrolmentID { appointment.basedOn = [Outbound.reference("ServiceRequest", enrolment.rawValue)] }
        var patient = Outbound.patientReference(session.participantID)
        patient.type = FHIRUri("Patient")
        appointment.participant = [Appointment.Participant(actor: patient, status: FHIRCode("accepted"))]
        if let facilitator = session.facilitator {
            appointment.participant.append(Appointment.Participant(actor: context.reference(to: facilitator), status: FHIRCode("accepted")))
        }
        appointment.contained = context.contained
        return appointment
    }

    public func carePlan(_ plan: TreatmentPlan) -> CarePlan {
        var context = OutboundContext()
        var carePlan = CarePlan(
            id: FHIRId(plan.id.rawValue),
            meta: Outbound.meta(profile: IOPCanonical.Profile.treatmentPlan, restricted: plan.containsPart2Data, part2: plan.containsPart2Data),
            text: Outbound.narrative(["IOP treatment plan, \(plan.status.rawValue): \(plan.sessionsPerWeek) sessions a week, "
                                      + "\(plan.goals.count) goals, \(plan.activities.count) activities."]),
            status: FHIRCode(plan.status.rawValue), intent: FHIRCode("plan"),
            subject: Outbound.patientReference(plan.participantID))
        carePlan.extension = [Extension(url: IOPCanonical.Extension.sessionsPerWeek, value: .positiveInt(FHIRPositiveInt(plan.sessionsPerWeek)))]
        carePlan.category = [Outbound.concept(IOPCanonical.CodeSystem.carePlanCategory, IOPCanonical.treatmentPlanCategoryCode)]
        carePlan.period = Outbound.period(plan.period)
        carePlan.created = Outbound.dateTime(plan.createdAt)
        if let author = plan.author { carePlan.author = context.reference(to: author) }
        if let enrolment = plan.enrolmentID { carePlan.supportingInfo = [Outbound.reference("ServiceRequest", enrolment.rawValue)] }
        for (index, goal) in plan.goals.enumerated() {
            let id = "g\(index + 1)"
            var children = [
                Outbound.primitive("id", id),
                Outbound.primitive("lifecycleStatus", "active"),
                Outbound.concept(Terminology.goalAchievement, goal.achievement.rawValue).element(named: "achievementStatus", form: []),
                CodeableConcept(text: FHIRString(goal.description)).element(named: "description", form: []),
                Outbound.patientReference(plan.participantID).element(named: "subject", form: []),
            ]
            if let measure = goal.measure {
                children.append(FHIRElement(name: "target", children: [
                    CodeableConcept(text: FHIRString(measure)).element(named: "measure", form: []),
                ], form: [.list]))
            }
            context.contained.append(.other(FHIRElement(name: "Goal", resourceType: "Goal", children: children)))
            carePlan.goal.append(Reference(reference: FHIRString("#" + id)))
        }
        carePlan.activity = plan.activities.map { activity in
            var repeats = Timing.Repeat()
            repeats.frequency = FHIRPositiveInt(activity.sessionsPerWeek)
            repeats.period = FHIRDecimal("1")
            repeats.periodUnit = FHIRCode("wk")
            repeats.duration = FHIRDecimal(String(activity.minutesPerSession))
            repeats.durationUnit = FHIRCode("min")
            var detail = CarePlan.Activity.Detail(status: FHIRCode("scheduled"))
            detail.kind = FHIRCode("Appointment")
            detail.code = Outbound.concept(IOPCanonical.CodeSystem.sessionKind, activity.modality.rawValue)
            detail.scheduled = .timing(Timing(repeat: repeats))
            detail.description = activity.detail.map { FHIRString($0) }
            return CarePlan.Activity(detail: detail)
        }
        carePlan.contained = context.contained
        return carePlan
    }

    public func medicationRequest(_ order: MedicationOrder) -> MedicationRequest {
        var context = OutboundContext()
        let medication = CodeableConcept(coding: [Outbound.coding(Terminology.rxNorm, order.medication.code, order.medication.display)])
        var request = MedicationRequest(
            id: FHIRId(order.id.rawValue),
            meta: Outbound.meta(profile: IOPCanonical.Profile.medicationOrder, restricted: order.containsPart2Data, part2: order.containsPart2Data),
            text: Outbound.narrative(["\(order.medication.display) (RxNorm \(order.medication.code)): \(order.status.rawValue)."]),
            status: FHIRCode(order.status.rawValue), intent: FHIRCode("order"), medication: .codeableConcept(medication),
            subject: Outbound.patientReference(order.participantID))
        request.authoredOn = Outbound.dateTime(order.authoredOn)
        request.requester = context.reference(to: order.prescriber)
        if let reason = order.reasonText { request.reasonCode = [CodeableConcept(text: FHIRString(reason))] }
        var repeats = Timing.Repeat()
        repeats.frequency = FHIRPositiveInt(order.dose.timesPerPeriod)
        repeats.period = FHIRDecimal("1")
        repeats.periodUnit = FHIRCode(order.dose.period.rawValue)
        var dosage = Dosage(timing: Timing(repeat: repeats))
        dosage.patientInstruction = order.dose.instructions.map { FHIRString($0) }
        dosage.asNeeded = .boolean(FHIRBoolean(order.dose.asNeeded))
        let quantity = Quantity(value: FHIRDecimal(order.dose.quantity.value), unit: FHIRString(order.dose.quantity.unit),
                                system: FHIRUri(Terminology.ucum), code: FHIRCode(order.dose.quantity.unit))
        dosage.doseAndRate = [Dosage.DoseAndRate(dose: .quantity(quantity))]
        request.dosageInstruction = [dosage]
        request.contained = context.contained
        return request
    }
}

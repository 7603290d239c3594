import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// IOP CarePlan (profile or category `iop-treatment-plan`) → TreatmentPlan.
extension InboundRun {
    func mapTreatmentPlan(_ plan: CarePlan, at position: Int) {
        var warnings: [Issue] = []
        guard let participantID = participant(for: plan.subject, from: position) else {
            unplaced(position, "subject", "The treatment plan's subject is not a Patient in the input")
            return
        }
        guard let status = TreatmentPlanStatus(rawValue: plan.status.value ?? "") else {
            verdicts[position] = .notForIOP(reason: "A treatment plan with status '\(plan.status.value ?? "")' is stored as received and not mapped")
            return
        }
        guard let start = date(plan.period?.start?.value) else {
            refuse(position, "period.start", .required, "The treatment plan has no start date")
            return
        }
        let end = date(plan.period?.end?.value)
        guard let period = try? DatePeriod(start: start, end: end) else {
            refuse(position, "period", .invalid, "The plan period ends before it starts")
            return
        }
        var sessionsPerWeek: Int?
        if case .positiveInt(let value)? = plan.extension.value(of: IOPCanonical.Extension.sessionsPerWeek) {
            sessionsPerWeek = value.int
        }
        var activities: [TreatmentActivity] = []
        for (index, activity) in plan.activity.enumerated() {
            guard let detail = activity.detail,
                  let modality = detail.code?.code(in: IOPCanonical.CodeSystem.sessionKind).flatMap(SessionModality.init(rawValue:)),
                  case .timing(let timing)? = detail.scheduled, let frequency = timing.repeat?.frequency?.int,
                  timing.repeat?.periodUnit?.value == "wk", timing.repeat?.period?.value.flatMap(Double.init) == 1,
                  let minutes = timing.repeat?.duration?.double, timing.repeat?.durationUnit?.value == "min",
                  let value = try? TreatmentActivity(modality: modality, sessionsPerWeek: frequency, minutesPerSession: Int(minutes),
                                                     detail: detail.description?.value)
            else {
                warnings.append(warning(position, "activity[\(index)]",
                                        "Only activities with a session kind and a weekly frequency and duration are carried"))
                continue
            }
            activities.append(value)
        }
        if sessionsPerWeek == nil {
            let total = activities.reduce(0) { $0 + $1.sessionsPerWeek }
            if TreatmentPlan.sessionsPerWeekRange.contains(total) {
                sessionsPerWeek = total
                warnings.append(warning(position, "extension", "The plan states no sessions per week; the activities' sum is used"))
            }
        }
        guard let perWeek = sessionsPerWeek, TreatmentPlan.sessionsPerWeekRange.contains(perWeek) else {
            refuse(position, "extension", .required, "The treatment plan needs sessions per week between 1 and 21 (iop-sessions-per-week)")
            return
        }
        var goals: [TreatmentGoal] = []
        for (index, reference) in plan.goal.enumerated() {
            guard let target = input.resolve(reference, from: position), case .other(let element)? = input.resource(at: target),
                  element.resourceType == "Goal", let goal = Self.treatmentGoal(element) else {
                warnings.append(warning(position, "goal[\(index)]", "The goal does not resolve to a Goal with a description"))
                continue
            }
            goals.append(goal)
        }
        let author = plan.author.flatMap { clinician(for: $0, from: position) }
        guard let createdAt = date(plan.created?.value) ?? date(plan.period?.start?.value) else { return }
        if plan.created == nil { warnings.append(warning(position, "created", "The plan has no creation date; its start is used")) }
        let enrolmentID = enrolmentID(for: plan.supportingInfo + plan.basedOn, from: position)
        do throws(DomainError) {
            var record = try TreatmentPlan(id: recordID("treatment-plan", at: position), participantID: participantID,
                                           enrolmentID: enrolmentID, period: period, sessionsPerWeek: perWeek, goals: goals,
                                           activities: activities, author: author, createdAt: createdAt,
                                           containsPart2Data: input.entries[position].resource?.isLabelledPart2 ?? false)
            try Self.walk(&record, to: status)
            records.treatmentPlans.append(record)
            verdicts[position] = .mapped(warnings: warnings)
        } catch {
            refuse(position, nil, .invalid, "The treatment plan breaks a domain rule: \(error.description)")
        }
    }

    /// Reaches `status` from `.draft` by legal steps (the plan's history is not in FHIR).
    static func walk(_ plan: inout TreatmentPlan, to status: TreatmentPlanStatus) throws(DomainError) {
        switch status {
        case .draft: break
        case .active: try plan.transition(to: .active)
        case .onHold: try plan.transition(to: .active); try plan.transition(to: .onHold)
        case .completed: try plan.transition(to: .active); try plan.transition(to: .completed)
        case .revoked: try plan.transition(to: .revoked)
        }
    }

    static func treatmentGoal(_ element: FHIRElement) -> TreatmentGoal? {
        guard let descriptionNode = element.child("description"),
              let description = (try? CodeableConcept(element: descriptionNode))?.readableText else { return nil }
        var achievement = GoalAchievement.inProgress
        if let node = element.child("achievementStatus"), let concept = try? CodeableConcept(element: node),
           let code = concept.code(in: Terminology.goalAchievement), let value = GoalAchievement(rawValue: code) {
            achievement = value
        }
        let measure = element.child("target")?.child("measure").flatMap { try? CodeableConcept(element: $0) }?.readableText
        return TreatmentGoal(description: description, measure: measure, achievement: achievement)
    }
}

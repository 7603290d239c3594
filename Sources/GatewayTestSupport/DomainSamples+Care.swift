import Foundation
import IOPDomain

private typealias Words = DomainSamplesVocabulary

extension DomainSamples {
    /// An enrolment that has walked a random legal path through the lifecycle (every status is
    /// reachable, including a step down and back up), with dates that never go back (some
    /// equal) and a reason on every decline.
    public mutating func enrolment(for participantID: Participant.ID, referredBy provider: PrimaryCareProvider,
                                   referredAt: Date? = nil, part2Program: Bool = false) -> Enrolment {
        let start = referredAt ?? date()
        let identifiers = chance(75)
            ? (0..<int(in: 1...2)).map { _ in BusinessIdentifier(system: "https://pcp.example.org/fhir/sid/referral", value: "REF-" + digits(6)) }
            : []
        var enrolment = Enrolment(id: id(), participantID: participantID, referralIdentifiers: identifiers,
                                  referringProvider: provider, referralReason: chance(80) ? pick(Words.referralReasons) : nil,
                                  containsPart2Data: part2Program && chance(60), referredAt: start)
        var when = start
        while !enrolment.status.isFinal, chance(78) {
            let next = pick(EnrolmentStatus.allCases.filter { enrolment.canTransition(to: $0) })
            when = chance(10) ? when : when.addingTimeInterval(TimeInterval(int(in: 3_600...(21 * 86_400))))
            let reason: String? = next.requiresReason || chance(25)
                ? pick(["Participant chose a program closer to work.", "Needs a higher level of care (residential).",
                        "Completed program goals.", "Insurance authorisation ended.", "Relapse; stepped back up."])
                : nil
            let at = when
            Self.valid { () throws(DomainError) in try enrolment.transition(to: next, at: at, reason: reason) }
        }
        return enrolment
    }

    /// A reason for a session outcome, platform outages well represented.
    public mutating func sessionStatusReason(outagePercent: Int = 35) -> SessionStatusReason {
        let code = chance(outagePercent) ? .platformOutage : pick(SessionStatusReason.Code.allCases)
        return SessionStatusReason(code, note: pick(Words.statusNotes))
    }

    /// A session with a sampled outcome: attended (by video or the phone back-up), missed,
    /// missed then corrected to attended, cancelled or rescheduled (often for a platform
    /// outage), or still scheduled. A rescheduled session's replacement is returned too, first.
    /// In a Part 2 program about half the sessions are flagged as Part 2 records.
    public mutating func sessions(for participant: Participant, enrolmentID: Enrolment.ID?, startingAt start: Date,
                                  part2Program: Bool = false) -> [ProgramSession] {
        let modality = pick(SessionModality.allCases)
        let planned: SessionChannel = participant.connectionMode == .phoneOnly ? .phone : .video
        let duration = modality == .medicationManagement ? pick([20, 30]) : pick([50, 60, 90, 180])
        let group = modality == .group || modality == .psychoeducation ? "grp-" + digits(5) : nil
        let facilitator = chance(85) ? clinician() : nil
        let sessionID: ProgramSession.ID = id()
        let part2 = part2Program && chance(50)
        var session = Self.valid { () throws(DomainError) in
            try ProgramSession(id: sessionID, participantID: participant.id, enrolmentID: enrolmentID, modality: modality,
                               plannedChannel: planned, scheduledStart: start, durationMinutes: duration,
                               facilitator: facilitator, groupMeetingID: group, containsPart2Data: part2)
        }
        let during = start.addingTimeInterval(TimeInterval(int(in: 0...(duration * 60))))
        switch int(in: 0...99) {
        case 0..<45:
            let channel: SessionChannel? = planned == .phone ? .phone : (chance(20) ? .phone : (chance(50) ? .video : nil))
            Self.valid { () throws(DomainError) in try session.markAttended(at: during, via: channel) }
        case 45..<57:
            let reason: SessionStatusReason? = chance(50) ? sessionStatusReason(outagePercent: 20) : nil
            Self.valid { () throws(DomainError) in try session.markMissed(at: during, reason: reason) }
        case 57..<62:
            Self.valid { () throws(DomainError) in try session.markMissed(at: during) }
            let later = during.addingTimeInterval(TimeInterval(int(in: 600...86_400)))
            Self.valid { () throws(DomainError) in try session.markAttended(at: later, via: .phone) }
        case 62..<80:
            // Cancelled ahead of time, or mid-session when the platform went down.
            let reason = sessionStatusReason()
            let at = reason.isPlatformOutage && chance(50) ? during : start.addingTimeInterval(-TimeInterval(int(in: 60...172_800)))
            Self.valid { () throws(DomainError) in try session.cancel(at: at, reason: reason) }
        case 80..<90:
            let reason = sessionStatusReason(outagePercent: 30)
            let at = start.addingTimeInterval(-TimeInterval(int(in: 60...172_800)))
            let newStart = start.addingTimeInterval(TimeInterval(int(in: 1...7) * 86_400))
            let newID: ProgramSession.ID = id()
            let replacement = Self.valid { () throws(DomainError) in
                try session.reschedule(to: newStart, newID: newID, at: at, reason: reason)
            }
            return [replacement, session]
        default:
            break
        }
        return [session]
    }

    /// A treatment plan that has walked a legal status path.
    public mutating func treatmentPlan(for participantID: Participant.ID, enrolmentID: Enrolment.ID?, startingAt start: Date,
                                       part2: Bool = false) -> TreatmentPlan {
        let end: Date? = chance(60) ? start.addingTimeInterval(TimeInterval(int(in: 28...120) * 86_400)) : nil
        let period = Self.valid { () throws(DomainError) in try DatePeriod(start: start, end: end) }
        let modalities = some(SessionModality.allCases, count: 1...4)
        let activities = modalities.map { modality in
            let perWeek = int(in: 1...5), minutes = pick([30, 50, 60, 90, 180])
            let detail = pick(Words.activityDetails)
            return Self.valid { () throws(DomainError) in
                try TreatmentActivity(modality: modality, sessionsPerWeek: perWeek, minutesPerSession: minutes, detail: detail)
            }
        }
        let goals = some(Words.goals, count: 1...4).map { text, measure in
            TreatmentGoal(description: text, measure: measure, achievement: pick(GoalAchievement.allCases))
        }
        let perWeek = chance(10) ? pick([1, 21]) : int(in: 3...5)
        let author = chance(80) ? clinician() : nil
        let planID: TreatmentPlan.ID = id()
        var plan = Self.valid { () throws(DomainError) in
            try TreatmentPlan(id: planID, participantID: participantID, enrolmentID: enrolmentID, period: period,
                              sessionsPerWeek: perWeek, goals: goals, activities: activities, author: author,
                              createdAt: start, containsPart2Data: part2)
        }
        while !plan.status.legalSuccessors.isEmpty, chance(70) {
            let next = pick(TreatmentPlanStatus.allCases.filter { plan.status.legalSuccessors.contains($0) })
            Self.valid { () throws(DomainError) in try plan.transition(to: next) }
        }
        return plan
    }

    /// A medication order; substance-use treatment is flagged as Part 2 data when `part2Program`.
    public mutating func medicationOrder(for participantID: Participant.ID, authoredOn: Date, part2Program: Bool = false) -> MedicationOrder {
        let (code, display, value, unit, times, asNeeded, forSUD) = pick(Words.medications)
        let concept = Self.valid { () throws(DomainError) in try RxNormConcept(code: code, display: display) }
        let instructions = chance(40) ? pick(["Take with food.", "Take at bedtime.", "Dissolve under the tongue.", "Do not crush."]) : nil
        let dose = Self.valid { () throws(DomainError) in
            try Dose(quantity: DoseQuantity(value: value, unit: unit), timesPerPeriod: times, period: .day, asNeeded: asNeeded,
                     instructions: instructions)
        }
        var order = MedicationOrder(id: id(), participantID: participantID, medication: concept, dose: dose,
                                    prescriber: clinician(), status: chance(15) ? .draft : .active, authoredOn: authoredOn,
                                    reasonText: chance(60) ? pick(Words.diagnoses).1 : nil,
                                    containsPart2Data: forSUD && part2Program)
        while !order.status.legalSuccessors.isEmpty, chance(35) {
            let next = pick(MedicationOrderStatus.allCases.filter { order.status.legalSuccessors.contains($0) })
            Self.valid { () throws(DomainError) in try order.transition(to: next) }
        }
        return order
    }
}

import Foundation
import GatewayStore
import IOPDomain
import PCPUpdates

/// One participant's program that fires every trigger and a scheduled summary, with distinctive
/// text planted in every free-text field staff write (session reason notes, enrolment reasons,
/// prescription reasons and instructions, activity details, internal messages, a crisis message
/// among staff).
enum EveryTriggerScenario {
    static let planted = "ZX-PLANTED-SESSION-NOTE"

    /// The outbox after the scenario, for a practice taking `profile`.
    static func run(profile: DeliveryProfile) throws -> (UpdateFixture, [OutboundMessage]) {
        let f = try UpdateFixture(profile: profile)
        func reason(_ code: SessionStatusReason.Code) -> SessionStatusReason { SessionStatusReason(code, note: planted + " " + code.rawValue) }
        var enrolment = Enrolment(id: "enrolment-1", participantID: f.participant.id, referringProvider: PrimaryCareProvider(practiceID: f.practice.id),
                                  referralReason: planted + " referral", referredAt: f.t0)
        try enrolment.transition(to: .intakeScheduled, at: f.at(days: 1), reason: planted + " intake")
        try f.commit {
            $0.enrolments = [enrolment]
            $0.sessions = [try f.session("intake", day: 2, modality: .individual)]
            $0.consents = [try f.consent(part2: true)]
        }
        try enrolment.transition(to: .active, at: f.at(days: 2), reason: planted + " active")
        var plan = try TreatmentPlan(id: "plan-1", participantID: f.participant.id, enrolmentID: "enrolment-1", period: .starting(f.at(days: 2)),
                                     sessionsPerWeek: 3, goals: [TreatmentGoal(description: "Sleep through the night", achievement: .worsening)],
                                     activities: [try TreatmentActivity(modality: .group, sessionsPerWeek: 3, minutesPerSession: 90, detail: planted + " activity")],
                                     author: f.clinician, createdAt: f.at(days: 2))
        try plan.transition(to: .active)
        var moved = try f.session("g1", day: 3)
        let replacement = try moved.reschedule(to: f.at(days: 3, hours: 20), newID: "g1b", at: f.at(days: 3, hours: 12), reason: reason(.platformOutage))
        var order = try f.order(part2: true)
        order.reasonText = planted + " prescription"
        order.dose.instructions = planted + " instructions"
        try f.commit {
            $0.enrolments = [enrolment]
            $0.treatmentPlans = [plan]
            $0.sessions = [
                try f.session("intake", day: 2, modality: .individual) { try $0.markAttended(at: f.at(days: 2, hours: 17)) },
                moved, replacement,
                try f.session("g2", day: 4) { try $0.markAttended(at: f.at(days: 4, hours: 17), via: .phone) },
                try f.session("g3", day: 5) { try $0.markMissed(at: f.at(days: 5, hours: 17), reason: reason(.participantHospitalised)) },
                try f.session("g4", day: 6) { try $0.markMissed(at: f.at(days: 6, hours: 17), reason: reason(.noShow)) },
                try f.session("g5", day: 20),
            ]
            $0.careMessages = [
                try CareMessage(id: "internal-1", participantID: f.participant.id, sender: .iopClinician(f.clinician),
                                recipients: [.program], category: .administrative, text: planted + " internal message", createdAt: f.at(days: 5)),
                try CareMessage(id: "internal-crisis", participantID: f.participant.id, sender: .iopClinician(f.clinician),
                                recipients: [.program], category: .crisisNotice, text: planted + " staff crisis huddle", createdAt: f.at(days: 5)),
                try CareMessage(id: "crisis-1", participantID: f.participant.id, sender: .iopClinician(f.clinician),
                                recipients: [.primaryCare(PrimaryCareProvider(practiceID: f.practice.id))], category: .crisisNotice,
                                text: "Crisis plan activated; please review medications today.", createdAt: f.at(days: 6)),
            ]
        }
        try f.commit { $0.medicationOrders = [order] }
        try SummaryScheduler(store: f.store).enqueueDue(at: f.at(days: 9, hours: 1))
        try enrolment.transition(to: .steppedDown, at: f.at(days: 12), reason: planted + " step down")
        try f.commit { $0.enrolments = [enrolment] }
        try enrolment.transition(to: .discharged, at: f.at(days: 13), reason: planted + " discharge")
        try f.commit { $0.enrolments = [enrolment] }
        return (f, try f.messages())
    }
}

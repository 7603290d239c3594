import Foundation
import GatewayStore
import IOPDomain
import IOPMapping
import PCPUpdates
import Testing

@Suite("Scheduled progress summaries")
struct SummaryTests {
    /// Active from day 2; a week of sessions of three kinds, an outage, a medication change and
    /// a worsening goal.
    func busyWeek(_ f: UpdateFixture) throws {
        let outage = SessionStatusReason(.platformOutage, note: "PLANTED-SUMMARY-NOTE")
        var plan = try TreatmentPlan(id: "plan-1", participantID: f.participant.id, enrolmentID: "enrolment-1",
                                     period: .starting(f.at(days: 2)), sessionsPerWeek: 4,
                                     goals: [TreatmentGoal(description: "Reduce depressive symptoms", measure: "PHQ-9 below 10", achievement: .improving),
                                             TreatmentGoal(description: "Return to work part-time", achievement: .worsening)],
                                     activities: [try TreatmentActivity(modality: .group, sessionsPerWeek: 3, minutesPerSession: 90),
                                                  try TreatmentActivity(modality: .individual, sessionsPerWeek: 1, minutesPerSession: 50)],
                                     author: f.clinician, createdAt: f.at(days: 2))
        try plan.transition(to: .active)
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.treatmentPlans = [plan]
            $0.sessions = [
                try f.session("g1", day: 3) { try $0.markAttended(at: f.at(days: 3, hours: 17)) },
                try f.session("g2", day: 4) { try $0.markAttended(at: f.at(days: 4, hours: 17), via: .phone) },
                try f.session("g3", day: 5) { try $0.cancel(at: f.at(days: 5, hours: 14), reason: outage) },
                try f.session("i1", day: 6, modality: .individual) { try $0.markMissed(at: f.at(days: 6, hours: 17), reason: SessionStatusReason(.noShow)) },
                try f.session("next", day: 20, modality: .individual),
            ]
        }
        try f.commit { $0.medicationOrders = [try f.order()] }
    }

    @Test("the weekly summary reports attendance by kind, goals, medication changes, next sessions and risk flags")
    func weeklySummary() throws {
        let f = try UpdateFixture()
        try busyWeek(f)
        let before = try f.messages().count
        let scheduler = SummaryScheduler(store: f.store)
        #expect(try scheduler.enqueueDue(at: f.at(days: 8)) == 0, "the first week has not ended")
        #expect(try scheduler.enqueueDue(at: f.at(days: 9, hours: 1)) == 1)
        #expect(try scheduler.enqueueDue(at: f.at(days: 9, hours: 2)) == 0, "one summary per period")
        let summary = try #require(try f.messages().dropFirst(before).first)
        let resource = try UpdateFixture.resource(summary)
        #expect(resource["resourceType"] as? String == "DocumentReference")
        let text = try UpdateFixture.text(summary)
        #expect(text.hasPrefix("IOP progress summary, \(ReportDate.day(f.at(days: 2))) to \(ReportDate.day(f.at(days: 9)))"))
        #expect(text.contains("Treatment goal(s) worsening"))
        #expect(text.contains("Attended 2 of 3 sessions due (67%), 1 by phone; 1 missed; 1 cancelled; 1 affected by an IOP platform outage, not counted against the participant."))
        #expect(text.contains("- group therapy: 2 attended (1 by phone), 1 cancelled; reasons: IOP platform outage 1"))
        #expect(text.contains("- individual therapy: 0 attended, 1 missed; reasons: no show 1"))
        #expect(text.contains("- Reduce depressive symptoms (PHQ-9 below 10): improving"))
        #expect(text.contains("- \(ReportDate.minute(f.at(days: 20, hours: 15))), individual therapy by video"))
        #expect(!(try UpdateFixture.readableText(summary)).contains("PLANTED-SUMMARY-NOTE"))
        #expect(!text.contains(RedisclosureNotice.part2ShortForm))
        // The prescription was started "now" (day 14 of the fixture): the second week reports it.
        #expect(try scheduler.enqueueDue(at: f.at(days: 16, hours: 1)) == 1, "the next week")
        let second = try UpdateFixture.text(try #require(try f.messages().last))
        #expect(second.contains("Medication changes:\n- \(ReportDate.day(Date())) started: sertraline 50 MG Oral Tablet (RxNorm 312940): 50 mg, 1 per day"))
        #expect(second.contains("No sessions due in the period."))
    }

    @Test("a participant's own interval is kept")
    func ownInterval() throws {
        let f = try UpdateFixture()
        try busyWeek(f)
        try f.store.write { transaction in
            _ = try transaction.upsertDomainRow(kind: DomainRowKind.summarySchedule, key: f.participant.id.rawValue,
                                                participantKey: f.participant.id.rawValue,
                                                json: try DomainRowCoding.encoder().encode(SummarySchedule(everyDays: 14)))
        }
        let scheduler = SummaryScheduler(store: f.store)
        #expect(try scheduler.enqueueDue(at: f.at(days: 9, hours: 1)) == 0)
        #expect(try scheduler.enqueueDue(at: f.at(days: 16, hours: 1)) == 1)
    }

    @Test("weeks missed while nothing ran are each reported, without overlap")
    func catchUp() throws {
        let f = try UpdateFixture()
        try busyWeek(f)
        let before = try f.messages().count
        let scheduler = SummaryScheduler(store: f.store)
        #expect(try scheduler.enqueueDue(at: f.at(days: 16, hours: 1)) == 2, "weeks 1 and 2 at once")
        let titles = try f.messages().dropFirst(before).map { try UpdateFixture.text($0).split(separator: "\n").first.map(String.init) ?? "" }
        #expect(Set(titles) == ["IOP progress summary, \(ReportDate.day(f.at(days: 2))) to \(ReportDate.day(f.at(days: 9)))",
                           "IOP progress summary, \(ReportDate.day(f.at(days: 9))) to \(ReportDate.day(f.at(days: 16)))"])
        #expect(try scheduler.enqueueDue(at: f.at(days: 16, hours: 2)) == 0)
    }
}


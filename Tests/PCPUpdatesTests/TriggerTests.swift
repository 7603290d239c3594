import Foundation
import GatewayIntake
import GatewayStore
import IOPMapping
import IOPDomain
import PCPUpdates
import Testing

/// Each trigger, through `DomainCommit` into the outbox, asserting what the PCP would read.
@Suite("PCP update triggers")
struct TriggerTests {
    @Test("a referral accepted with its intake booked is announced once, with the intake's time")
    func referralAccepted() throws {
        let f = try UpdateFixture()
        try f.commit { $0.enrolments = [try f.enrolment()] }
        #expect(try f.messages().isEmpty, "a referral received is not yet news")
        let intake = try f.session("intake", day: 20, modality: .individual)
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1)])]
            $0.sessions = [intake]
        }
        let messages = try f.messages()
        try #require(messages.count == 1)
        let text = try UpdateFixture.text(messages[0])
        #expect(text.contains("IOP referral accepted"))
        #expect(text.contains("Intake booked: \(ReportDate.minute(intake.scheduledStart)), individual therapy by video."))
        #expect(messages[0].endpointKey == "practice-cedar")
        #expect(try UpdateFixture.resource(messages[0])["resourceType"] as? String == "Communication")
        // The same state posted again, and the step to active, say nothing new.
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.sessions = [intake]
        }
        #expect(try f.messages().count == 1)
    }

    @Test("discharge and step-down tell the PCP the totals and the current prescriptions")
    func dischargeAndStepDown() throws {
        let f = try UpdateFixture()
        let sessions = [
            try f.session("s1", day: 3) { try $0.markAttended(at: f.at(days: 3, hours: 17)) },
            try f.session("s2", day: 4) { try $0.markMissed(at: f.at(days: 4, hours: 17)) },
            try f.session("s3", day: 30),
        ]
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.sessions = sessions
            $0.medicationOrders = [try f.order()]
        }
        let before = try f.messages().count
        try f.commit { $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2), (.steppedDown, 10)])] }
        let stepDown = try f.messages().dropFirst(before)
        try #require(stepDown.count == 1)
        let stepText = try UpdateFixture.text(stepDown.first!)
        #expect(stepText.contains("Stepped down to a lower level of care on \(ReportDate.day(f.at(days: 10)))."))
        #expect(stepText.contains("Sessions over the program: 1 attended, 1 missed, 0 cancelled, 0 rescheduled."))
        #expect(stepText.contains("- sertraline 50 MG Oral Tablet (RxNorm 312940): 50 mg, 1 per day"))
        #expect(stepText.contains("Next session: \(ReportDate.minute(sessions[2].scheduledStart))"))
        #expect(stepDown.first!.priority == .routine)

        try f.commit { $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2), (.steppedDown, 10), (.discharged, 12)])] }
        let discharge = try f.messages().dropFirst(before + 1)
        try #require(discharge.count == 1)
        #expect(try UpdateFixture.text(discharge.first!).contains("Discharged from the IOP on \(ReportDate.day(f.at(days: 12)))."))
        #expect(discharge.first!.priority == .urgent, "the PCP takes the care back: not routine")
    }

    @Test("two sessions missed in a row are reported once, with dates and reason codes only")
    func twoMissedInARow() throws {
        let f = try UpdateFixture()
        let note = SessionStatusReason(.participantIllness, note: "PLANTED-NOTE flu, stayed in bed")
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.sessions = [
                try f.session("a", day: 3) { try $0.markMissed(at: f.at(days: 3, hours: 17)) },
                try f.session("b", day: 4) { try $0.markAttended(at: f.at(days: 4, hours: 17)) },
                try f.session("c", day: 5, modality: .individual) { try $0.markMissed(at: f.at(days: 5, hours: 17), reason: note) },
                try f.session("e", day: 30),
            ]
        }
        let baseline = try f.messages().count
        try f.commit {
            $0.sessions = [try f.session("d", day: 6) { try $0.markMissed(at: f.at(days: 6, hours: 17)) }]
        }
        let notices = try f.messages().dropFirst(baseline)
        try #require(notices.count == 1)
        let text = try UpdateFixture.text(notices.first!)
        #expect(text.contains("Two IOP sessions missed in a row"))
        #expect(text.contains("Missed: \(ReportDate.minute(f.at(days: 5, hours: 15))), individual therapy by video (participant unwell)."))
        #expect(text.contains("Missed: \(ReportDate.minute(f.at(days: 6, hours: 15))), group therapy by video (no reason given)."))
        #expect(text.contains("Next session: \(ReportDate.minute(f.at(days: 30, hours: 15)))"))
        #expect(!text.contains("PLANTED-NOTE"), "staff's notes never leave")
        #expect(notices.first!.priority == .urgent)
        // The first miss (a, then attended b) started no run of two.
        #expect(!text.contains(ReportDate.minute(f.at(days: 3, hours: 15))))
    }

    @Test("a medication started, changed and stopped is announced each time, Part 2 with the notice")
    func medicationChanges() throws {
        let f = try UpdateFixture()
        try f.commit { $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])] }
        let baseline = try f.messages().count
        try f.commit { $0.medicationOrders = [try f.order()] }
        try f.commit { $0.medicationOrders = [try f.order(milligrams: "100")] }
        try f.commit { $0.medicationOrders = [try f.order(milligrams: "100", status: .stopped)] }
        try f.commit { $0.medicationOrders = [try f.order(milligrams: "100", status: .stopped)] }
        try f.commit { $0.medicationOrders = [try f.order("order-2", milligrams: "8", part2: true)] }
        let notices = try f.messages().dropFirst(baseline).map(UpdateFixture.text)
        try #require(notices.count == 4)
        #expect(notices[0].contains("Started: sertraline 50 MG Oral Tablet (RxNorm 312940): 50 mg, 1 per day."))
        #expect(notices[1].contains("Dose changed: sertraline 50 MG Oral Tablet (RxNorm 312940): 100 mg, 1 per day."))
        #expect(notices[2].contains("Stopped: sertraline"))
        #expect(notices[3].contains("Started: buprenorphine"))
        #expect(notices[3].contains(RedisclosureNotice.part2ShortForm))
        #expect(!notices[0].contains(RedisclosureNotice.part2ShortForm))
        let security = try UpdateFixture.resource(f.messages().last!)["meta"].flatMap { ($0 as? [String: Any])?["security"] as? [[String: Any]] }
        let codes = Set((security ?? []).compactMap { $0["code"] as? String })
        #expect(codes.isSuperset(of: ["R", "PSY", "ETH", "42CFRPart2", "NORDSCLCD"]))
    }

    @Test("sessions moved by a platform outage, and one held by phone, are explained; the outage note is not sent")
    func platformOutage() throws {
        let f = try UpdateFixture()
        let outage = SessionStatusReason(.platformOutage, note: "PLANTED-OUTAGE vendor ticket 4411")
        var moved = try f.session("m1", day: 3)
        let replacement = try moved.reschedule(to: f.at(days: 3, hours: 20), newID: "m1b", at: f.at(days: 3, hours: 14), reason: outage)
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.sessions = [try f.session("m1", day: 3), try f.session("m2", day: 4, modality: .individual)]
        }
        let baseline = try f.messages().count
        try f.commit {
            $0.sessions = [moved, replacement,
                           try f.session("m2", day: 4, modality: .individual) { try $0.markAttended(at: f.at(days: 4, hours: 16), via: .phone) }]
        }
        let notices = try f.messages().dropFirst(baseline)
        try #require(notices.count == 1)
        let text = try UpdateFixture.text(notices.first!)
        #expect(text.contains("\(ReportDate.minute(f.at(days: 3, hours: 15))), group therapy by video: rescheduled to \(ReportDate.minute(f.at(days: 3, hours: 20))) because of an IOP platform outage."))
        #expect(text.contains("individual therapy by video: held by phone, the back-up channel, instead of video."))
        #expect(!(try UpdateFixture.readableText(notices.first!)).contains("PLANTED-OUTAGE"))
    }

    @Test("a crisis notice goes out stat, first in the queue, in the clinician's words")
    func crisisNotice() throws {
        let f = try UpdateFixture()
        try f.commit { $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])] }
        try f.commit {
            $0.careMessages = [try CareMessage(id: "crisis-1", participantID: f.participant.id, sender: .iopClinician(f.clinician),
                                               recipients: [.primaryCare(PrimaryCareProvider(practiceID: f.practice.id))],
                                               category: .crisisNotice, text: "Safety plan updated after disclosure of passive suicidal ideation; please see today.",
                                               createdAt: f.at(days: 5))]
        }
        let notice = try #require(try f.messages().last)
        #expect(notice.priority == .crisis)
        let resource = try UpdateFixture.resource(notice)
        #expect(resource["priority"] as? String == "stat")
        #expect(try UpdateFixture.text(notice).contains("Safety plan updated"))
    }

    @Test("a practice that takes only DocumentReferences gets notices as progress notes, text and XHTML")
    func noteOnlyPractice() throws {
        let f = try UpdateFixture(profile: .documentReferenceOnly)
        try f.commit { $0.enrolments = [try f.enrolment([(.intakeScheduled, 1)])] }
        let message = try #require(try f.messages().first)
        let resource = try UpdateFixture.resource(message)
        #expect(resource["resourceType"] as? String == "DocumentReference")
        let types = (resource["content"] as? [[String: Any]] ?? []).compactMap { ($0["attachment"] as? [String: Any])?["contentType"] as? String }
        #expect(types == ["text/plain; charset=utf-8", "application/xhtml+xml"])
        #expect(try UpdateFixture.text(message).contains("IOP referral accepted"))
    }

    @Test("no practice on record: nothing is queued, and the audit says why")
    func noPractice() throws {
        let f = try UpdateFixture(known: false)
        var participant = f.participant
        participant.primaryCare = nil
        var records = DomainRecords()
        records.participants = [participant]
        records.enrolments = [try f.enrolment([(.intakeScheduled, 13.5)])]
        try f.store.write { transaction in try DomainCommit.write(records, in: transaction) }
        #expect(try f.messages().isEmpty)
        let audit = try f.store.read { try $0.auditEvents(in: TimeRange(), afterSequence: nil, limit: 100) }
        #expect(audit.contains { $0.action == "queue-update" && $0.outcome == "not-routed" })
    }

    func crisis(_ f: UpdateFixture, id: String, day: Double, sender: CareParty? = nil, to recipients: [CareParty]? = nil) throws -> CareMessage {
        try CareMessage(id: CareMessage.ID(id), participantID: f.participant.id, sender: sender ?? .iopClinician(f.clinician),
                        recipients: recipients ?? [.primaryCare(PrimaryCareProvider(practiceID: f.practice.id))], category: .crisisNotice,
                        text: "Crisis plan activated.", createdAt: f.at(days: day))
    }

    @Test("a crisis message among staff, or one from the PCP, is not sent to the PCP")
    func crisisOnlyWhenWrittenForThePCP() throws {
        let f = try UpdateFixture()
        try f.commit {
            $0.careMessages = [
                try crisis(f, id: "internal", day: 13, to: [.program]),
                try crisis(f, id: "to-clinician", day: 13, to: [.iopClinician(f.clinician)]),
                try crisis(f, id: "from-pcp", day: 13, sender: .primaryCare(PrimaryCareProvider(practiceID: f.practice.id)), to: [.program]),
                try crisis(f, id: "other-practice", day: 13, to: [.primaryCare(PrimaryCareProvider(practiceID: "practice-harbor"))]),
            ]
        }
        #expect(try f.messages().isEmpty)
    }

    @Test("a participant seen for the first time brings only the last week's news")
    func firstSeenHistory() throws {
        let f = try UpdateFixture(known: false)
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.careMessages = [try crisis(f, id: "old", day: 3), try crisis(f, id: "recent", day: 12)]
        }
        let sent = try f.messages().map(UpdateFixture.text)
        #expect(sent.count == 1, "only the crisis notice of day 12: \(sent)")
    }

    @Test("an intake booked after the referral was accepted is its own notice")
    func intakeBookedLater() throws {
        let f = try UpdateFixture()
        try f.commit { $0.enrolments = [try f.enrolment([(.intakeScheduled, 1)])] }
        #expect(try UpdateFixture.text(try #require(try f.messages().last)).contains("The intake date will follow."))
        let intake = try f.session("intake", day: 16, modality: .individual)
        try f.commit { $0.sessions = [intake] }
        let notice = try UpdateFixture.text(try #require(try f.messages().last))
        #expect(notice.hasPrefix("IOP intake booked"))
        #expect(notice.contains("Intake booked: \(ReportDate.minute(intake.scheduledStart)), individual therapy by video."))
        try f.commit { $0.sessions = [intake, try f.session("group-1", day: 17)] }
        #expect(try f.messages().count == 2, "later sessions are not intakes")
    }

    @Test("a medication held, resumed and held again is news each time")
    func repeatedMedicationChanges() throws {
        let f = try UpdateFixture()
        try f.commit { $0.medicationOrders = [try f.order()] }
        for status: MedicationOrderStatus in [.onHold, .active, .onHold] {
            Thread.sleep(forTimeInterval: 1.05)  // keys tell changes apart by the second they were seen
            try f.commit { $0.medicationOrders = [try f.order(status: status)] }
        }
        let texts = try f.messages().map(UpdateFixture.text)
        #expect(texts.count == 4)
        #expect(texts.filter { $0.contains("On hold: sertraline") }.count == 2)
        #expect(texts.contains { $0.contains("Resumed: sertraline") })
    }

    @Test("a session missed in a platform outage is not the participant's: no run of two with a no-show")
    func outageMissNotCounted() throws {
        let f = try UpdateFixture()
        let outage = SessionStatusReason(.platformOutage)
        try f.commit {
            $0.sessions = [
                try f.session("a", day: 3) { try $0.markMissed(at: f.at(days: 3, hours: 17), reason: outage) },
                try f.session("b", day: 4) { try $0.markMissed(at: f.at(days: 4, hours: 17)) },
            ]
        }
        #expect(try f.messages().map(UpdateFixture.text).allSatisfy { !$0.contains("missed in a row") })
    }
}


import Foundation
import GatewayTestSupport
import IOPDomain
import Testing

@Suite("Re-disclosure notice of 42 CFR §2.32")
struct RedisclosureNoticeTests {
    @Test func shortFormIsVerbatim() {
        #expect(RedisclosureNotice.part2ShortForm == "42 CFR part 2 prohibits unauthorized disclosure of these records.")
    }

    @Test func presentExactlyWhenPart2DataIsCarried() {
        #expect(Fixture.disclosure(part2: true).redisclosureNotice == RedisclosureNotice.part2ShortForm)
        #expect(Fixture.disclosure(part2: false).redisclosureNotice == nil)
    }

    @Test func summariesDerivePart2FromTheirContent() throws {
        var summary = try ProgressSummary(
            id: "summary-1", participantID: Fixture.participantID,
            period: DatePeriod(start: Fixture.t0, end: Fixture.at(days: 14)), authoredAt: Fixture.at(days: 14),
            author: Fixture.clinician, attendance: AttendanceSummary(),
            diagnoses: [Diagnosis(code: "F33.1", display: "Major depressive disorder, recurrent, moderate")])
        #expect(!summary.containsPart2Data && summary.disclosure(to: Fixture.pcpID).redisclosureNotice == nil)
        summary.diagnoses.append(try Diagnosis(code: "F11.20", isPart2Record: true))
        #expect(summary.containsPart2Data)
        #expect(summary.disclosure(to: Fixture.pcpID).redisclosureNotice == RedisclosureNotice.part2ShortForm)
    }

    @Test func part2ProgramSessionsCarryTheNotice() throws {
        let session = try ProgramSession(id: "s", participantID: Fixture.participantID, modality: .group,
                                         scheduledStart: Fixture.t0, durationMinutes: 60, containsPart2Data: true)
        #expect(session.disclosure(to: Fixture.pcpID).redisclosureNotice == RedisclosureNotice.part2ShortForm)
        #expect(try Fixture.consent().permits(session.disclosure(to: Fixture.pcpID), at: Fixture.at(days: 1))
            == .denied(.part2NotCovered))
    }

    @Test("every permitted Part 2 disclosure among the samples carries the notice", arguments: 0..<200)
    func samples(seed: UInt64) {
        let file = DomainSamples.caseFile(seed: seed)
        var items: [any Disclosable] = file.sessions + file.medicationOrders + file.messages + [file.enrolment]
        if let plan = file.treatmentPlan { items.append(plan) }
        if let summary = file.progressSummary { items.append(summary) }
        for item in items {
            for practice in file.practices {
                let disclosure = item.disclosure(to: practice.id)
                let decision = file.consents.decision(for: disclosure, at: file.now)
                if decision.isPermitted {
                    #expect(decision.redisclosureNotice == (item.containsPart2Data ? RedisclosureNotice.part2ShortForm : nil))
                }
                if item.containsPart2Data, decision.isPermitted {
                    #expect(file.consents.contains { $0.coversPart2Records })
                }
            }
        }
    }
}

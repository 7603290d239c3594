import Foundation
import IOPDomain
import Testing

@Suite("Enrolment lifecycle")
struct EnrolmentLifecycleTests {
    /// The table from the issue, written out independently of `legalSuccessors`.
    static let legal: Set<[EnrolmentStatus]> = [
        [.referred, .intakeScheduled], [.referred, .declined],
        [.intakeScheduled, .active], [.intakeScheduled, .declined],
        [.active, .steppedDown], [.active, .discharged],
        [.steppedDown, .active], [.steppedDown, .discharged],
    ]

    /// A path of legal steps from `.referred` to each status, to put an enrolment there.
    static let pathTo: [EnrolmentStatus: [EnrolmentStatus]] = [
        .referred: [], .intakeScheduled: [.intakeScheduled], .declined: [.declined],
        .active: [.intakeScheduled, .active], .steppedDown: [.intakeScheduled, .active, .steppedDown],
        .discharged: [.intakeScheduled, .active, .discharged],
    ]

    static func enrolment(in status: EnrolmentStatus) throws -> Enrolment {
        var enrolment = Fixture.enrolment()
        for (index, step) in try #require(pathTo[status]).enumerated() {
            try enrolment.transition(to: step, at: Fixture.at(days: Double(index + 1)), reason: "step \(index)")
        }
        return enrolment
    }

    static var allPairs: [(EnrolmentStatus, EnrolmentStatus)] {
        EnrolmentStatus.allCases.flatMap { from in EnrolmentStatus.allCases.map { (from, $0) } }
    }

    @Test("every transition is legal exactly when the table says so", arguments: allPairs)
    func transition(from: EnrolmentStatus, to: EnrolmentStatus) throws {
        var enrolment = try Self.enrolment(in: from)
        #expect(enrolment.status == from)
        #expect(enrolment.canTransition(to: to) == Self.legal.contains([from, to]))
        let before = enrolment
        let when = Fixture.at(days: 30)
        if Self.legal.contains([from, to]) {
            try enrolment.transition(to: to, at: when, reason: "Participant chose another program")
            #expect(enrolment.status == to)
            #expect(enrolment.history.last == EnrolmentStatusChange(status: to, date: when, reason: "Participant chose another program"))
            #expect(enrolment.date(of: to) == when)
        } else {
            #expect(throws: DomainError.illegalEnrolmentTransition(from: from, to: to)) {
                try enrolment.transition(to: to, at: when, reason: "x")
            }
            #expect(enrolment == before, "a refused transition changes nothing")
        }
    }

    @Test func finalStatusesAllowNothing() {
        #expect(EnrolmentStatus.discharged.isFinal && EnrolmentStatus.declined.isFinal)
        #expect(EnrolmentStatus.allCases.filter(\.isFinal) == [.discharged, .declined])
    }

    @Test func datesAreRecordedAndNeverGoBack() throws {
        var enrolment = Fixture.enrolment()
        #expect(enrolment.referredAt == Fixture.t0)
        try enrolment.transition(to: .intakeScheduled, at: Fixture.t0)  // same instant is fine
        try enrolment.transition(to: .active, at: Fixture.at(days: 7))
        #expect(throws: DomainError.changeDatedBeforePrevious(.enrolmentHistory)) {
            try enrolment.transition(to: .steppedDown, at: Fixture.at(days: 6))
        }
        try enrolment.transition(to: .steppedDown, at: Fixture.at(days: 28))
        try enrolment.transition(to: .active, at: Fixture.at(days: 35), reason: "Relapse")
        try enrolment.transition(to: .discharged, at: Fixture.at(days: 60))
        #expect(enrolment.history.map(\.status) == [.referred, .intakeScheduled, .active, .steppedDown, .active, .discharged])
        #expect(enrolment.date(of: .active) == Fixture.at(days: 35), "the latest entry into a status")
        #expect(enrolment.date(of: .declined) == nil)
    }

    @Test func decliningNeedsAReason() throws {
        var enrolment = Fixture.enrolment()
        #expect(throws: DomainError.reasonRequired(.enrolmentReason)) {
            try enrolment.transition(to: .declined, at: Fixture.at(days: 1))
        }
        #expect(throws: DomainError.reasonRequired(.enrolmentReason)) {
            try enrolment.transition(to: .declined, at: Fixture.at(days: 1), reason: "  \n")
        }
        try enrolment.transition(to: .declined, at: Fixture.at(days: 1), reason: "Needs residential care")
        #expect(enrolment.status == .declined)
    }

    @Test func restoringReplaysTheHistory() throws {
        let good = try Self.enrolment(in: .discharged)
        let restored = try Enrolment(id: good.id, participantID: good.participantID, referringProvider: good.referringProvider,
                                     history: good.history)
        #expect(restored == good)

        #expect(throws: DomainError.missingValue(.enrolmentHistory)) {
            try Enrolment(id: "e", participantID: "p", referringProvider: Fixture.provider, history: [])
        }
        #expect(throws: DomainError.illegalEnrolmentTransition(from: .referred, to: .active)) {
            try Enrolment(id: "e", participantID: "p", referringProvider: Fixture.provider,
                          history: [EnrolmentStatusChange(status: .active, date: Fixture.t0)])
        }
        #expect(throws: DomainError.illegalEnrolmentTransition(from: .referred, to: .active)) {
            try Enrolment(id: "e", participantID: "p", referringProvider: Fixture.provider,
                          history: [.init(status: .referred, date: Fixture.t0), .init(status: .active, date: Fixture.at(days: 1))])
        }
    }

    @Test func decodingRejectsAnImpossibleHistory() throws {
        let enrolment = try Self.enrolment(in: .active)
        var json = try #require(String(data: JSONEncoder().encode(enrolment), encoding: .utf8))
        #expect(json.contains("\"status\":\"active\""), "the current status is written for the store")
        json = json.replacingOccurrences(of: "\"intake-scheduled\"", with: "\"discharged\"")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Enrolment.self, from: Data(json.utf8)) }
    }
}

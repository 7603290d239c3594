import Foundation
import IOPDomain
import Testing

@Suite("Session status rules")
struct SessionRuleTests {
    static var allPairs: [(SessionStatus, SessionStatus)] {
        SessionStatus.allCases.flatMap { from in SessionStatus.allCases.map { (from, $0) } }
    }

    static let legal: Set<[SessionStatus]> = [
        [.scheduled, .attended], [.scheduled, .missed], [.scheduled, .cancelled], [.scheduled, .rescheduled],
        [.missed, .attended],
    ]

    static func session(in status: SessionStatus) throws -> ProgramSession {
        var session = try Fixture.session()
        let after = session.scheduledStart.addingTimeInterval(600)
        switch status {
        case .scheduled: break
        case .attended: try session.markAttended(at: after)
        case .missed: try session.markMissed(at: after)
        case .cancelled: try session.cancel(at: after, reason: Fixture.outage)
        case .rescheduled: _ = try session.reschedule(to: Fixture.at(days: 3), newID: "s2", at: after, reason: Fixture.outage)
        }
        return session
    }

    @Test("transitions follow the table", arguments: allPairs)
    func transition(from: SessionStatus, to: SessionStatus) throws {
        var session = try Self.session(in: from)
        let later = session.scheduledStart.addingTimeInterval(3_600)
        let reason = SessionStatusReason(.participantRequest)
        if Self.legal.contains([from, to]) {
            try session.transition(to: to, at: later, reason: reason)
            #expect(session.status == to)
            #expect(session.statusChangedAt == later)
        } else {
            let before = session
            #expect(throws: DomainError.illegalSessionTransition(from: from, to: to)) {
                try session.transition(to: to, at: later, reason: reason)
            }
            #expect(session == before)
        }
    }

    @Test("attended and missed only once the session has started", arguments: [SessionStatus.attended, .missed])
    func notBeforeStart(status: SessionStatus) throws {
        var session = try Fixture.session()
        #expect(throws: DomainError.sessionNotStartedYet(status)) {
            try session.transition(to: status, at: session.scheduledStart.addingTimeInterval(-1))
        }
        try session.transition(to: status, at: session.scheduledStart)  // the start itself counts
        #expect(session.status == status)
    }

    @Test("cancelled and rescheduled need a reason", arguments: [SessionStatus.cancelled, .rescheduled])
    func reasonRequired(status: SessionStatus) throws {
        var session = try Fixture.session()
        #expect(throws: DomainError.reasonRequired(.sessionStatusReason)) {
            try session.transition(to: status, at: Fixture.t0)
        }
        try session.transition(to: status, at: Fixture.t0, reason: SessionStatusReason(.clinicianUnavailable))
        #expect(session.statusReason?.code == .clinicianUnavailable)
    }

    @Test func cancellingIsAllowedBeforeAndDuringTheSession() throws {
        var early = try Fixture.session()
        try early.cancel(at: early.scheduledStart.addingTimeInterval(-86_400), reason: SessionStatusReason(.programClosure))
        var midway = try Fixture.session()
        try midway.cancel(at: midway.scheduledStart.addingTimeInterval(1_800), reason: Fixture.outage)
        #expect(midway.wasAffectedByPlatformOutage && !early.wasAffectedByPlatformOutage)
    }

    @Test func platformOutagesAreCountedApart() throws {
        var sessions = try (0..<6).map { index in
            try ProgramSession(id: .init("s\(index)"), participantID: Fixture.participantID, modality: .group,
                               scheduledStart: Fixture.at(days: Double(index)), durationMinutes: 60)
        }
        let during = { (session: ProgramSession) in session.scheduledStart.addingTimeInterval(300) }
        try sessions[0].cancel(at: during(sessions[0]), reason: Fixture.outage)
        try sessions[1].cancel(at: during(sessions[1]), reason: SessionStatusReason(.participantConnectivity))
        _ = try sessions[2].reschedule(to: Fixture.at(days: 9), newID: "s9", at: during(sessions[2]), reason: Fixture.outage)
        try sessions[3].markMissed(at: during(sessions[3]), reason: Fixture.outage)
        try sessions[4].markAttended(at: during(sessions[4]), via: .phone)
        let summary = AttendanceSummary(sessions: sessions)
        // The session missed in the outage is not the participant's absence: it is not "missed".
        #expect(summary == AttendanceSummary(scheduled: 1, attended: 1, attendedByPhone: 1, missed: 0, cancelled: 2,
                                             rescheduled: 1, affectedByPlatformOutage: 3))
        #expect(summary.attendanceRate == 1.0)
        #expect(SessionStatusReason.Code.allCases.filter { SessionStatusReason($0).isPlatformOutage } == [.platformOutage])
    }

    @Test func attendedRecordsTheChannel() throws {
        var byDefault = try Fixture.session(channel: .phone)
        try byDefault.markAttended(at: byDefault.scheduledStart)
        #expect(byDefault.attendedVia == .phone, "defaults to the planned channel")
        var backup = try Fixture.session()
        try backup.markAttended(at: backup.scheduledStart.addingTimeInterval(60), via: .phone)
        #expect(backup.attendedVia == .phone && backup.statusReason == nil)
    }

    @Test func missedCanBeCorrectedToAttended() throws {
        var session = try Fixture.session()
        try session.markMissed(at: session.scheduledStart.addingTimeInterval(900), reason: SessionStatusReason(.noShow))
        #expect(throws: DomainError.changeDatedBeforePrevious(.sessionStatus)) {
            try session.markAttended(at: session.scheduledStart.addingTimeInterval(600))
        }
        try session.markAttended(at: session.scheduledStart.addingTimeInterval(1_200))
        #expect(session.status == .attended && session.statusReason == nil)
    }

    @Test func reschedulingReturnsTheReplacement() throws {
        var session = try Fixture.session()
        let replacement = try session.reschedule(to: Fixture.at(days: 4, hours: 13), newID: "session-2", at: Fixture.t0,
                                                 reason: Fixture.outage)
        #expect(session.status == .rescheduled && session.rescheduledTo == "session-2")
        #expect(replacement.status == .scheduled && replacement.id == "session-2")
        #expect(replacement.scheduledStart == Fixture.at(days: 4, hours: 13) && replacement.modality == session.modality)
    }

    @Test func durationMustBeSensible() {
        for minutes in [0, -5, 481] {
            #expect(throws: DomainError.invalidValue(.sessionDuration)) {
                try ProgramSession(id: "s", participantID: "p", modality: .individual, scheduledStart: Fixture.t0,
                                   durationMinutes: minutes)
            }
        }
    }

    @Test func restoringChecksTheRules() throws {
        #expect(throws: DomainError.reasonRequired(.sessionStatusReason)) {
            try ProgramSession(restoring: "s", participantID: "p", modality: .group, scheduledStart: Fixture.t0,
                               durationMinutes: 60, status: .cancelled)
        }
        #expect(throws: DomainError.sessionNotStartedYet(.attended)) {
            try ProgramSession(restoring: "s", participantID: "p", modality: .group, scheduledStart: Fixture.t0,
                               durationMinutes: 60, status: .attended, statusChangedAt: Fixture.at(minutes: -1))
        }
        #expect(throws: DomainError.invalidValue(.sessionStatus)) {
            try ProgramSession(restoring: "s", participantID: "p", modality: .group, scheduledStart: Fixture.t0,
                               durationMinutes: 60, status: .scheduled, statusReason: Fixture.outage)
        }
        // Without a change date the date rules cannot apply; the rest still do.
        let restored = try ProgramSession(restoring: "s", participantID: "p", modality: .group, scheduledStart: Fixture.t0,
                                          durationMinutes: 60, status: .missed)
        #expect(restored.status == .missed && restored.statusChangedAt == nil)
    }

    @Test func decodingRejectsACancellationWithoutReason() throws {
        var session = try Fixture.session()
        try session.cancel(at: Fixture.t0, reason: Fixture.outage)
        let object = try #require(JSONSerialization.jsonObject(with: JSONEncoder().encode(session)) as? [String: Any])
        var broken = object
        broken["statusReason"] = nil
        let data = try JSONSerialization.data(withJSONObject: broken)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ProgramSession.self, from: data) }
        #expect(try JSONDecoder().decode(ProgramSession.self, from: JSONSerialization.data(withJSONObject: object)) == session)
    }
}

import Foundation
import GatewayStore
import IOPDomain
import Outbound
import PCPUpdates
import Testing
import IOPMapping

/// The consent gate at send time, through a real worker to a real receiver on loopback: what
/// the receiver holds is exactly what left.
@Suite("Consent gate and disclosure log")
struct ConsentGateTests {
    static func worker(_ f: UpdateFixture, _ receiver: RecordingReceiver, recheckAfter: Duration = .seconds(3600)) throws -> EndpointWorker {
        var policy = DeliveryPolicy()
        policy.attemptDeadline = .seconds(5)
        let route = EndpointRoute(target: try EndpointTarget(baseURL: receiver.baseURL, deliveryProfile: .conditionalCreate), profile: .rest)
        return EndpointWorker(endpoint: OutboundEndpoint(key: "practice-cedar", primary: route), store: f.store, policy: policy,
                              gate: ConsentGate(store: f.store, recheckAfter: recheckAfter))
    }

    /// Passes until one claims nothing (a participant's messages go one at a time, in order), at
    /// most `passes`.
    static func drain(_ worker: EndpointWorker, passes: Int = 6) async throws -> DeliveryPassReport {
        var total = DeliveryPassReport()
        for _ in 0..<passes {
            let report = try await worker.runOnce()
            total.delivered += report.delivered
            total.held += report.held
            if report.claimed == 0 { break }
        }
        return total
    }

    /// An active participant whose sertraline is then started: one medication notice queued.
    static func queueNotice(_ f: UpdateFixture, consents: [DisclosureConsent], part2: Bool = false) throws {
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.sessions = [try f.session("intake", day: 20)]
            $0.consents = consents
        }
        try f.commit { $0.medicationOrders = [try f.order(part2: part2)] }
    }

    @Test("no consent on record: nothing leaves, the message is held and the hold audited")
    func noConsent() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        try Self.queueNotice(f, consents: [])
        let report = try await Self.drain(Self.worker(f, receiver))
        #expect(report.held == 1 && report.delivered == 0)
        #expect(receiver.received.isEmpty)
        // The first is held and asked again later (not spun on); the second waits behind it, in order.
        let waiting = try f.messages()
        #expect(waiting.allSatisfy { $0.status == .pending })
        #expect((waiting.first?.lastError ?? "").contains("no-consent-on-record"))
        #expect((waiting.first?.nextAttemptAt ?? .now()) > StoreTimestamp.now().adding(.seconds(1800)))
        let audit = try f.store.read { try $0.auditEvents(in: TimeRange(), afterSequence: nil, limit: 1000) }
        #expect(audit.filter { $0.action == "disclose" && $0.outcome == "held" }.count == 1)
        #expect(try f.store.read { try DisclosureLog.disclosures(of: f.participant.id, from: $0) }.isEmpty)
    }

    @Test("a permitting consent: sent, and logged with what, to whom, when and under which consent")
    func permitted() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        try Self.queueNotice(f, consents: [try f.consent()])
        let report = try await Self.drain(Self.worker(f, receiver))
        #expect(report.delivered == 2)
        #expect(receiver.received.count == 2)
        let log = try f.store.read { try DisclosureLog.disclosures(of: f.participant.id, from: $0) }
        #expect(log.map(\.trigger) == [.referralAccepted, .medicationChange])
        #expect(log.allSatisfy { $0.consentID == "consent-1" && $0.recipient == "practice-cedar" && $0.remoteID != nil })
        #expect(log.map(\.category) == [.administrative, .medications])
    }

    @Test("a consent that leaves out a category: that news is cancelled at once, and what follows it still flows")
    func categoryNotCovered() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        // The medication notice is queued first, then the crisis-free referral notice behind it.
        try f.commit {
            $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2)])]
            $0.consents = [try f.consent(categories: [.administrative, .progressSummary])]
        }
        try f.commit { $0.medicationOrders = [try f.order()] }
        try f.commit { $0.enrolments = [try f.enrolment([(.intakeScheduled, 1), (.active, 2), (.steppedDown, 10)])] }
        let report = try await Self.drain(Self.worker(f, receiver))
        #expect(report.delivered == 2 && report.held == 1)
        #expect(receiver.received.count == 2, "the referral and step-down notices were not kept behind the medication notice")
        let withheld = try #require(try f.store.read { try DisclosureLog.withheld(of: f.participant.id, from: $0) }.first)
        #expect(withheld.intent.trigger == .medicationChange)
        #expect(withheld.status == .deadLetter)
        #expect(withheld.reason?.contains("category-not-covered") == true)
    }

    @Test("no consent on record holds without using up the message's delivery attempts")
    func holdsDoNotCountAsAttempts() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        try Self.queueNotice(f, consents: [])
        for _ in 0..<5 { _ = try await Self.drain(Self.worker(f, receiver, recheckAfter: .zero), passes: 1) }
        #expect(try f.messages().allSatisfy { $0.attempts == 0 })
    }

    @Test("revoking the consent for one practice stops its news even when a newer consent names another")
    func revocationWithTwoConsents() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        let other = try DisclosureConsent(id: "consent-2", participantID: f.participant.id, recipients: ["practice-harbor"],
                                          categories: Set(DisclosureCategory.allCases),
                                          period: DatePeriod(start: f.t0, end: f.at(days: 365)), signedAt: f.at(days: 3))
        try Self.queueNotice(f, consents: [try f.consent(), other])
        try f.commit { $0.consents = [try f.consent(revokedAt: f.at(days: 14)), other] }
        #expect(try f.messages().allSatisfy { $0.status == .deadLetter && $0.lastError == "cancelled by consent revocation: revoked" })
        _ = try await Self.drain(Self.worker(f, receiver))
        #expect(receiver.received.isEmpty)
    }

    @Test("consent revoked while messages wait: they are cancelled at once, and nothing more leaves")
    func revokedWhileQueued() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        try Self.queueNotice(f, consents: [try f.consent()])
        try f.commit { $0.consents = [try f.consent(revokedAt: f.at(days: 14))] }
        #expect(try f.messages().allSatisfy { $0.status == .deadLetter && $0.lastError == "cancelled by consent revocation: revoked" })
        _ = try await Self.drain(Self.worker(f, receiver))
        try f.commit { $0.medicationOrders = [try f.order(milligrams: "100")] }
        let report = try await Self.drain(Self.worker(f, receiver))
        #expect(report.delivered == 0)
        #expect(receiver.received.isEmpty)
        let audit = try f.store.read { try $0.auditEvents(in: TimeRange(), afterSequence: nil, limit: 1000) }
        #expect(audit.filter { $0.action == "disclose" && $0.outcome == "cancelled" }.count == 3)
    }

    @Test("consent revoked behind the gateway's back (another process) is caught at the send")
    func revokedAtSend() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        try Self.queueNotice(f, consents: [try f.consent()])
        try f.store.write { transaction in
            _ = try transaction.upsertDomainRow(kind: DomainRowKind.consent, key: "consent-1", participantKey: f.participant.id.rawValue,
                                                json: try DomainRowCoding.encoder().encode(try f.consent(revokedAt: f.at(days: 14))))
        }
        let report = try await Self.drain(Self.worker(f, receiver))
        #expect(report.delivered == 0 && report.held == 2)
        #expect(receiver.received.isEmpty)
        #expect(try f.messages().allSatisfy { $0.status == .deadLetter && ($0.lastError ?? "").contains("revoked") })
    }

    @Test("Part 2 content needs a Part 2 consent, and carries the notice and labels when it leaves")
    func part2() async throws {
        let f = try UpdateFixture()
        let receiver = try await RecordingReceiver.start()
        defer { Task { await receiver.stop() } }
        try Self.queueNotice(f, consents: [try f.consent()], part2: true)
        var report = try await Self.drain(Self.worker(f, receiver))
        #expect(report.delivered == 1 && report.held == 1, "the referral notice goes; the buprenorphine start does not")
        let withheld = try #require(try f.store.read { try DisclosureLog.withheld(of: f.participant.id, from: $0) }.first)
        #expect(withheld.reason?.contains("part2-not-covered") == true)
        #expect(receiver.received.count == 1)

        // Staff record a Part 2 consent and replay the message (`fhir-gateway queue replay`).
        try f.commit { $0.consents = [try f.consent(part2: true)] }
        #expect(try f.store.write { try $0.replayDeadLetter(id: withheld.intent.messageID) })
        report = try await Self.drain(Self.worker(f, receiver))
        #expect(report.delivered == 1)
        let sent = try #require(receiver.received.last)
        let text = String(decoding: sent, as: UTF8.self)
        #expect(text.contains(RedisclosureNotice.part2ShortForm))
        for label in ["42CFRPart2", "NORDSCLCD", "ETH", "R", "PSY"] { #expect(text.contains("\"code\":\"\(label)\"")) }
        let log = try f.store.read { try DisclosureLog.disclosures(of: f.participant.id, from: $0) }
        #expect(log.last?.containsPart2Data == true)
        #expect(log.last?.consentID == "consent-1")
    }
}

import Foundation
import GatewayTestSupport
import IOPDomain
import Testing

@Suite("DomainSamples generator")
struct SampleGeneratorTests {
    static let files = (0..<500 as Range<UInt64>).map(DomainSamples.caseFile(seed:))

    @Test func deterministic() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for seed: UInt64 in [0, 1, 42, 499, .max] {
            #expect(try encoder.encode(DomainSamples.caseFile(seed: seed)) == encoder.encode(DomainSamples.caseFile(seed: seed)))
        }
        #expect(DomainSamples.caseFile(seed: 1) != DomainSamples.caseFile(seed: 2))
        // Pinned, so that a change to the generator (which changes every property test's inputs)
        // is a deliberate one.
        var samples = DomainSamples(seed: 42)
        #expect(samples.next() == 0xBDD7_3226_2FEB_6E95)
    }

    @Test func coversTheEdgeCases() {
        let files = Self.files
        let sessions = files.flatMap(\.sessions)
        #expect(Set(files.map(\.enrolment.status)) == Set(EnrolmentStatus.allCases))
        #expect(files.contains { $0.enrolment.history.map(\.status).contains([.steppedDown, .active]) })
        #expect(Set(sessions.map(\.status)) == Set(SessionStatus.allCases))
        #expect(Set(sessions.map(\.modality)) == Set(SessionModality.allCases))
        #expect(sessions.contains { $0.status == .cancelled && $0.wasAffectedByPlatformOutage })
        #expect(sessions.contains { $0.status == .rescheduled && $0.wasAffectedByPlatformOutage })
        #expect(sessions.contains { $0.status == .attended && $0.attendedVia == .phone && $0.plannedChannel == .video })
        #expect(Set(sessions.compactMap(\.statusReason?.code)) == Set(SessionStatusReason.Code.allCases))
        #expect(files.contains { $0.participant.connectionMode == .phoneOnly })
        #expect(files.contains { $0.participant.identifiers.count >= 3 })
        #expect(files.contains { $0.participant.birthDate == nil })
        #expect(files.contains { $0.participant.birthDate?.month == 2 && $0.participant.birthDate?.day == 29 })
        #expect(files.contains { $0.participant.primaryCare == nil })
        #expect(files.contains { $0.participant.name.family == nil })
        #expect(files.contains { !$0.participant.canFallBackToPhone })
        let practices = files.flatMap(\.practices)
        #expect(Set(practices.map(\.endpoint.deliveryProfile)) == Set(DeliveryProfile.allCases))
        #expect(practices.contains { $0.endpoint.fallback != nil })
        #expect(practices.contains { $0.endpoint.baseURL.scheme == "http" })
        let consents = files.flatMap(\.consents)
        #expect(consents.contains { $0.coversPart2Records })
        #expect(consents.contains { $0.revokedAt != nil })
        #expect(consents.contains { $0.period.end == nil } && consents.contains { $0.period.start == nil })
        let decisions = files.flatMap { file in
            file.messages.flatMap { $0.disclosures() }.map { file.consents.decision(for: $0, at: file.now) }
        }
        #expect(Set(decisions.compactMap(\.denial)).isSuperset(of: [.noConsentOnRecord, .expired, .revoked, .categoryNotCovered]))
        #expect(decisions.contains { $0.redisclosureNotice != nil })
        #expect(files.contains { $0.progressSummary?.containsPart2Data == true })
        #expect(files.contains { $0.progressSummary?.containsPart2Data == false })
        #expect(files.flatMap(\.medicationOrders).contains { $0.containsPart2Data })
        #expect(sessions.contains { $0.containsPart2Data } && files.contains { $0.enrolment.containsPart2Data })
        #expect(Set(files.flatMap(\.medicationOrders).map(\.status)) == Set(MedicationOrderStatus.allCases))
        #expect(Set(files.compactMap(\.treatmentPlan?.status)) == Set(TreatmentPlanStatus.allCases))
        #expect(Set(files.flatMap(\.messages).map(\.category)) == Set(CareMessageCategory.allCases))
        #expect(files.flatMap(\.messages).contains { $0.category == .crisisNotice && $0.priority == .routine })
    }

    @Test func casesAreCoherent() {
        for file in Self.files {
            let id = file.participant.id
            #expect(file.enrolment.participantID == id)
            #expect(file.sessions.allSatisfy { $0.participantID == id && $0.enrolmentID == file.enrolment.id })
            #expect(file.consents.allSatisfy { $0.participantID == id })
            #expect(file.messages.allSatisfy { $0.participantID == id })
            #expect(file.participant.primaryCare == nil || file.participant.primaryCare?.practiceID == file.practices[0].id)
            #expect(file.sessions.allSatisfy { ($0.statusChangedAt ?? $0.scheduledStart) <= file.now })
            if file.participant.connectionMode == .phoneOnly {
                #expect(file.sessions.allSatisfy { $0.plannedChannel == .phone })
            }
        }
    }
}

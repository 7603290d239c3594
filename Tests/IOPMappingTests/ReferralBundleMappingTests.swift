import FHIRCore
import Foundation
import GatewayTestSupport
import IOPDomain
import IOPMapping
import Testing

@Suite("Inbound mapping of SampleBundles/referrals")
struct ReferralBundleMappingTests {
    @Test("every referral bundle maps with no refusal", arguments: MappingFixtures.referralFiles())
    func mapsWithoutRefusal(name: String) throws {
        let outcome = FHIRInboundMapper().map(try MappingFixtures.element(at: MappingFixtures.referrals.appendingPathComponent(name)))
        #expect(!outcome.isRefused, "\(name):\n\(outcome.refusalSummary)")
        #expect(outcome.records.participants.count >= 1)
        // Every participant's PCP is among the practices.
        for participant in outcome.records.participants {
            if let pcp = participant.primaryCare {
                #expect(outcome.records.practices.contains { $0.id == pcp.practiceID })
            }
        }
    }

    @Test("the same file mapped twice gives the same IDs")
    func deterministic() throws {
        #expect(try MappingFixtures.referral("04").records == MappingFixtures.referral("04").records)
    }

    @Test("01: one participant with identifier, back-up phone and PCP; a referral; sertraline")
    func depressionReferral() throws {
        let outcome = try MappingFixtures.referral("01")
        let records = outcome.records
        #expect(records.participants.count == 1)
        let person = try #require(records.participants.first)
        #expect(person.identifiers == [BusinessIdentifier(system: "https://ehr.birchwood-fm.example.org/fhir/sid/mrn", value: "BFM-204518")])
        #expect(person.name.family == "Whitfield" && person.name.given == ["Dana", "Marie"])
        #expect(person.birthDate?.description == "1987-06-14")
        #expect(person.backupPhone?.value == "+1-555-0111")
        #expect(person.connectionMode == .video)
        let pcp = try #require(person.primaryCare)
        let practice = try #require(records.practices.first { $0.id == pcp.practiceID })
        #expect(practice.name == "Birchwood Family Medicine")
        #expect(pcp.clinician?.name.family == "Marchetti")
        #expect(records.enrolments.count == 1)
        let enrolment = try #require(records.enrolments.first)
        #expect(enrolment.status == .referred)
        #expect(enrolment.participantID == person.id)
        #expect(enrolment.referringProvider.practiceID == practice.id)
        #expect(enrolment.referralIdentifiers.map(\.value) == ["REF-2026-0382"])
        #expect(records.medicationOrders.count == 1)
        #expect(records.medicationOrders.first?.medication.code == "312941")
        #expect(records.medicationOrders.first?.participantID == person.id)
        // The IOP's own Organization is nobody's primary care.
        #expect(outcome.entries[3].verdict == .notForIOP(reason: "The Organization is not named as anyone's primary care, clinician or consent recipient"))
    }

    @Test("03: a couple is two participants, each with the three couples sessions")
    func couple() throws {
        let records = try MappingFixtures.referral("03").records
        #expect(records.participants.count == 2)
        #expect(records.enrolments.count == 2)
        for person in records.participants {
            let sessions = records.sessions.filter { $0.participantID == person.id }
            #expect(sessions.count == 3)
            #expect(sessions.allSatisfy { $0.modality == .couplesFamily && $0.status == .scheduled })
        }
        #expect(Set(records.sessions.map(\.id)).count == 6)
        // The two records of one meeting share a meeting ID.
        #expect(Set(records.sessions.compactMap(\.groupMeetingID)).count == 3)
    }

    @Test("09: a phone-only participant with phone sessions")
    func phoneOnly() throws {
        let records = try MappingFixtures.referral("09").records
        let person = try #require(records.participants.first)
        #expect(person.connectionMode == .phoneOnly)
        #expect(person.backupPhone?.value == "+1-555-0161")
        #expect(records.sessions.count == 3)
        #expect(records.sessions.allSatisfy { $0.plannedChannel == .phone })
        #expect(records.treatmentPlans.count == 1)
        // The PCP is named by a Practitioner alone: the practice is the clinician's own.
        #expect(person.primaryCare?.clinician?.name.family == "Whitcomb")
    }

    @Test("13: a session cancelled for a platform outage and its phone replacement")
    func outage() throws {
        let records = try MappingFixtures.referral("13").records
        #expect(records.sessions.count == 2)
        let cancelled = try #require(records.sessions.first { $0.status == .cancelled })
        #expect(cancelled.statusReason?.code == .platformOutage)
        #expect(cancelled.wasAffectedByPlatformOutage)
        #expect(cancelled.id.rawValue == "appt-lbh-88120")
        let replacement = try #require(records.sessions.first { $0.status == .scheduled })
        #expect(replacement.plannedChannel == .phone)
        #expect(replacement.modality == .group)
    }

    @Test("15: a revoked Part 2 consent")
    func revokedConsent() throws {
        let outcome = try MappingFixtures.referral("15")
        let consent = try #require(outcome.records.consents.first)
        #expect(consent.id.rawValue == "consent-lbh-0871")
        #expect(consent.revokedAt != nil)
        #expect(consent.isRevoked(at: consent.signedAt))
        #expect(consent.coversPart2Records)
        let person = try #require(outcome.records.participants.first)
        // The recipient is the PCP's practice.
        #expect(consent.recipients == [try #require(person.primaryCare?.practiceID)])
    }

    @Test("02 and 14: Part 2 consents, Part 2 labels on messages", arguments: ["02", "14"])
    func part2Consents(prefix: String) throws {
        let records = try MappingFixtures.referral(prefix).records
        let consent = try #require(records.consents.first)
        #expect(consent.coversPart2Records)
        #expect(consent.revokedAt == nil)
        #expect(consent.period.start != nil && consent.period.end != nil)
        #expect(records.careMessages.contains { $0.containsPart2Data })
        // The §2.32 notice is a separate payload, not part of the message text.
        #expect(records.careMessages.allSatisfy { !$0.text.contains(RedisclosureNotice.part2ShortForm) })
    }

    @Test("02: treatment, payment and operations")
    func purposes() throws {
        let consent = try #require(try MappingFixtures.referral("02").records.consents.first)
        #expect(consent.purposes == Set(DisclosurePurpose.allCases))
    }

    @Test("11: a PCP CarePlan is a referral, not a treatment plan")
    func carePlanReferral() throws {
        let records = try MappingFixtures.referral("11").records
        #expect(records.enrolments.count == 1)
        #expect(records.treatmentPlans.isEmpty)
        #expect(records.medicationOrders.first?.medication.code == "349332")
    }

    @Test("12: a no-show is a missed session; crisis notices are urgent or more")
    func crisis() throws {
        let records = try MappingFixtures.referral("12").records
        #expect(records.sessions.first?.status == .missed)
        #expect(records.careMessages.filter { $0.category == .crisisNotice }.count == 2)
        #expect(records.careMessages.contains { $0.priority == .stat })
    }

    @Test("04: the treatment plan's intensity and the group schedule")
    func groupSchedule() throws {
        let records = try MappingFixtures.referral("04").records
        let plan = try #require(records.treatmentPlans.first)
        #expect(plan.status == .active)
        #expect(TreatmentPlan.sessionsPerWeekRange.contains(plan.sessionsPerWeek))
        #expect(records.sessions.count == 10)
        #expect(records.sessions.filter { $0.modality == .group }.count == 9)
    }
}

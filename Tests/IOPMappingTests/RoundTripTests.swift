import FHIRCore
import FHIRJSON
import FHIRResources
import FHIRValidation
import Foundation
import GatewayTestSupport
import IOPDomain
import IOPMapping
import Testing

/// Domain → FHIR → validation against `Profiles/` → domain, over generated case files. "The
/// same" is the carried projection of `MappingLimits`: every field, except the few FHIR cannot
/// carry, which are normalised on both sides before comparing.
@Suite("Domain ⇄ FHIR round trip")
struct RoundTripTests {
    static let seeds: [UInt64] = Array(0..<300)
    static let validator: FHIRValidator? = {
        guard let registry = try? ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles")) else { return nil }
        return FHIRValidator(registry: registry)
    }()

    static func records(of file: DomainSampleCase) -> DomainRecords {
        var records = DomainRecords()
        records.practices = file.practices
        records.participants = [file.participant]
        records.enrolments = [file.enrolment]
        records.treatmentPlans = file.treatmentPlan.map { [$0] } ?? []
        records.sessions = file.sessions
        records.medicationOrders = file.medicationOrders
        records.careMessages = file.messages
        records.consents = file.consents
        records.progressSummaries = file.progressSummary.map { [$0] } ?? []
        return records
    }

    @Test("case files survive domain → FHIR → validation → domain", arguments: seeds)
    func roundTrip(seed: UInt64) throws {
        let file = DomainSamples.caseFile(seed: seed)
        let original = Self.records(of: file)
        let bundle = FHIROutboundMapper().bundle(original)
        let tree = bundle.element()
        // Through JSON bytes too, as a receiver would read it.
        let reread = FHIRJSONReader().read(FHIRJSONWriter().write(tree))
        #expect(!reread.hasErrors, "seed \(seed): \(reread.issues.filter(\.isError).map(\.description))")
        let element = try #require(reread.resource)
        if let validator = Self.validator {
            let errors = validator.validate(element).filter(\.isError)
            #expect(errors.isEmpty, "seed \(seed): \(errors.prefix(5).map(\.description))")
        } else {
            Issue.record("Profiles/ did not load")
        }
        let outcome = FHIRInboundMapper().map(element)
        #expect(!outcome.isRefused, "seed \(seed): \(outcome.refusalSummary)")
        let back = outcome.records

        #expect(back.participants == original.participants, "seed \(seed): participant")
        for practice in back.practices {
            #expect(original.practices.contains(practice), "seed \(seed): practice")
        }
        #expect(back.enrolments.map(Carried.enrolment) == original.enrolments.map(Carried.enrolment), "seed \(seed): enrolment")
        #expect(back.treatmentPlans == original.treatmentPlans, "seed \(seed): plan")
        let phoneOnly = file.participant.connectionMode == .phoneOnly
        #expect(Set(back.sessions.map(\.id)) == Set(original.sessions.map(\.id)), "seed \(seed): session IDs")
        for session in original.sessions {
            let mapped = back.sessions.first { $0.id == session.id }
            #expect(mapped.map(Carried.session) == Carried.session(session, phoneOnly: phoneOnly), "seed \(seed): session")
        }
        #expect(back.medicationOrders == original.medicationOrders, "seed \(seed): medication orders")
        #expect(back.careMessages == original.careMessages.map(Carried.message), "seed \(seed): messages")
        #expect(back.consents == original.consents, "seed \(seed): consents")
        #expect(back.progressSummaries.isEmpty)
        // Progress notes are written, not read back (MappingLimits): stored as received.
        for entry in outcome.entries where entry.resourceType == "DocumentReference" {
            if case .notForIOP = entry.verdict {} else { Issue.record("seed \(seed): a progress note was not set aside") }
        }
    }

    @Test("progress notes carry the labels, the notice and only the summary's fields", arguments: seeds)
    func progressNote(seed: UInt64) throws {
        let file = DomainSamples.caseFile(seed: seed)
        guard let summary = file.progressSummary else { return }
        let document = FHIROutboundMapper().documentReference(summary)
        let codes = Set(document.meta?.security.compactMap(\.code?.value) ?? [])
        #expect(codes.isSuperset(of: ["R", "PSY"]))
        #expect(codes.contains("42CFRPart2") == summary.containsPart2Data)
        #expect(codes.contains("NORDSCLCD") == summary.containsPart2Data)
        #expect(!codes.contains("PSYTHPN"))
        #expect(document.type?.coding.first?.code?.value == "11506-3")
        let data = try #require(document.content.first?.attachment.data?.value.flatMap { Data(base64Encoded: $0) })
        let text = try #require(String(data: data, encoding: .utf8))
        #expect(text.contains(RedisclosureNotice.part2ShortForm) == summary.containsPart2Data)
        for section in summary.sections { #expect(text.contains(section.text)) }
        // The narrative names nobody.
        let narrative = document.text?.div.value ?? ""
        for secret in file.patientDataStrings { #expect(!narrative.contains(secret)) }
    }

    @Test("narratives name nobody and are escaped", arguments: Array(seeds.prefix(60)))
    func narratives(seed: UInt64) {
        let file = DomainSamples.caseFile(seed: seed)
        let bundle = FHIROutboundMapper().bundle(Self.records(of: file))
        for entry in bundle.entry {
            guard let div = entry.resource?.element().child("text")?.child("div")?.value else { continue }
            for secret in file.patientDataStrings { #expect(!div.contains(secret), "seed \(seed)") }
        }
    }
}

/// The carried projection (see `MappingLimits`).
enum Carried {
    struct EnrolmentView: Equatable {
        let id: Enrolment.ID, participantID: Participant.ID, referralIdentifiers: [BusinessIdentifier]
        let referringProvider: PrimaryCareProvider, referralReason: String?, containsPart2Data: Bool, referredAt: Date
    }

    static func enrolment(_ e: Enrolment) -> EnrolmentView {
        EnrolmentView(id: e.id, participantID: e.participantID, referralIdentifiers: e.referralIdentifiers,
                      referringProvider: e.referringProvider, referralReason: e.referralReason,
                      containsPart2Data: e.containsPart2Data, referredAt: e.referredAt)
    }

    /// Without `statusChangedAt`; the planned channel as the mapper reads it back.
    static func session(_ s: ProgramSession, phoneOnly: Bool) -> ProgramSession? {
        var planned = s.attendedVia ?? s.plannedChannel
        if s.status == .attended, planned == .phone, !phoneOnly { planned = .video }
        return session(s, planned: planned)
    }

    static func session(_ s: ProgramSession) -> ProgramSession? { session(s, planned: s.plannedChannel) }

    static func session(_ s: ProgramSession, planned: SessionChannel) -> ProgramSession? {
        try? ProgramSession(restoring: s.id, participantID: s.participantID, enrolmentID: s.enrolmentID, modality: s.modality,
                            plannedChannel: planned, scheduledStart: s.scheduledStart, durationMinutes: s.durationMinutes,
                            facilitator: s.facilitator, groupMeetingID: s.groupMeetingID, containsPart2Data: s.containsPart2Data,
                            status: s.status, statusReason: s.statusReason, statusChangedAt: nil, attendedVia: s.attendedVia,
                            rescheduledTo: s.rescheduledTo)
    }

    static func message(_ m: CareMessage) -> CareMessage {
        var copy = m
        copy.priority = m.effectivePriority
        return copy
    }
}

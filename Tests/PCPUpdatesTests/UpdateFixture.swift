import FHIRCore
import FHIRJSON
import Foundation
import GatewayIntake
import GatewayStore
import IOPDomain
import IOPMapping
import PCPUpdates

/// A participant with a PCP practice in a real SQLite store, changed through `DomainCommit` (the
/// same path the API and the importer take after mapping), and the outbox read back as text.
struct UpdateFixture {
    let store: SQLiteGatewayStore
    /// Whole minutes, two weeks back: sessions can be in the past (attended, missed) and in the
    /// future (upcoming) relative to the real clock the store's transactions use.
    let t0: Date
    let participant: Participant
    let practice: PrimaryCarePractice
    let clinician = Clinician(identifiers: [BusinessIdentifier(system: BusinessIdentifier.Systems.npi, value: "1234567893")],
                              name: PersonName(given: ["Rebecca"], family: "Whitfield", suffix: ["MD"]))

    /// `known`: the participant and the practice are committed first, as for a participant the
    /// gateway already holds (a participant seen for the first time brings only recent news).
    init(profile: DeliveryProfile = .conditionalCreate, known: Bool = true) throws {
        store = try SQLiteGatewayStore.inMemory()
        t0 = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 / 60).rounded(.down) * 60 - 14 * 86_400)
        practice = try PrimaryCarePractice(
            id: "practice-cedar", name: "Cedar Family Medicine",
            identifiers: [BusinessIdentifier(system: "http://hl7.org/fhir/sid/us-npi", value: "1928374650")],
            endpoint: PracticeEndpoint(primary: EndpointTarget(baseURL: URL(string: "https://ehr.cedar.example.org/fhir")!,
                                                               deliveryProfile: profile)))
        participant = try Participant(
            id: "participant-1", identifiers: [Participant.Identifier(system: "urn:oid:2.16.840.1.113883.4.1", value: "MRN-77")],
            name: PersonName(given: ["Avery"], family: "Quinn"),
            contacts: [ContactPoint(system: .phone, value: "+1-555-0100")], connectionMode: .video,
            primaryCare: PrimaryCareProvider(practiceID: "practice-cedar"))
        if known { try commit { _ in } }
    }

    func at(days: Double = 0, hours: Double = 0) -> Date { t0.addingTimeInterval(days * 86_400 + hours * 3_600) }

    /// Commits `records` (the participant and practice are added) as one unit of work.
    func commit(_ build: (inout DomainRecords) throws -> Void) throws {
        var records = DomainRecords()
        records.participants = [participant]
        records.practices = [practice]
        try build(&records)
        try store.write { transaction in try DomainCommit.write(records, in: transaction) }
    }

    func enrolment(_ statuses: [(EnrolmentStatus, Double)] = []) throws -> Enrolment {
        var enrolment = Enrolment(id: "enrolment-1", participantID: participant.id,
                                  referringProvider: PrimaryCareProvider(practiceID: practice.id), referredAt: t0)
        for (status, day) in statuses { try enrolment.transition(to: status, at: at(days: day)) }
        return enrolment
    }

    func session(_ id: String, day: Double, modality: SessionModality = .group,
                 _ outcome: ((inout ProgramSession) throws -> Void)? = nil) throws -> ProgramSession {
        var session = try ProgramSession(id: ProgramSession.ID(id), participantID: participant.id, enrolmentID: "enrolment-1",
                                         modality: modality, scheduledStart: at(days: day, hours: 15), durationMinutes: 90,
                                         facilitator: clinician)
        try outcome?(&session)
        return session
    }

    func order(_ id: String = "order-1", milligrams: String = "50", status: MedicationOrderStatus = .active,
               part2: Bool = false) throws -> MedicationOrder {
        let concept = part2 ? try RxNormConcept(code: "1010600", display: "buprenorphine 8 MG / naloxone 2 MG Sublingual Film")
            : try RxNormConcept(code: "312940", display: "sertraline 50 MG Oral Tablet")
        return MedicationOrder(id: MedicationOrder.ID(id), participantID: participant.id, medication: concept,
                               dose: try Dose(quantity: try DoseQuantity(value: milligrams, unit: "mg"), timesPerPeriod: 1, period: .day),
                               prescriber: clinician, status: status, authoredOn: t0, containsPart2Data: part2)
    }

    func consent(categories: Set<DisclosureCategory> = Set(DisclosureCategory.allCases), part2: Bool = false,
                 recipients: Set<PrimaryCarePractice.ID>? = nil, revokedAt: Date? = nil) throws -> DisclosureConsent {
        try DisclosureConsent(id: "consent-1", participantID: participant.id, recipients: recipients ?? [practice.id],
                              categories: categories, coversPart2Records: part2,
                              period: DatePeriod(start: t0, end: at(days: 365)), signedAt: t0, revokedAt: revokedAt)
    }

    // MARK: - The outbox

    func messages() throws -> [OutboundMessage] {
        try store.read { reader in
            try OutboundStatus.allCases.flatMap { try reader.outboundMessages(endpointKey: nil, status: $0, limit: 10_000) }
        }.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    /// The resource a message carries, as a JSON object.
    static func resource(_ message: OutboundMessage) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: message.payload) as? [String: Any] ?? [:]
    }

    /// Every string in the payload, with base64 attachments decoded: what a receiver could read.
    static func readableText(_ message: OutboundMessage) throws -> String {
        var out: [String] = []
        func walk(_ value: Any, key: String?) {
            switch value {
            case let object as [String: Any]: for (k, v) in object { walk(v, key: k) }
            case let array as [Any]: for v in array { walk(v, key: key) }
            case let text as String:
                if key == "data", let data = Data(base64Encoded: text) { out.append(String(decoding: data, as: UTF8.self)) }
                out.append(text)
            default: out.append("\(value)")
            }
        }
        walk(try JSONSerialization.jsonObject(with: message.payload), key: nil)
        return out.joined(separator: "\n")
    }

    /// The text a PCP reads: the Communication's payload or the note's text/plain attachment.
    static func text(_ message: OutboundMessage) throws -> String {
        let resource = try resource(message)
        if let payload = (resource["payload"] as? [[String: Any]])?.first?["contentString"] as? String { return payload }
        let contents = resource["content"] as? [[String: Any]] ?? []
        for content in contents {
            guard let attachment = content["attachment"] as? [String: Any],
                  (attachment["contentType"] as? String)?.hasPrefix("text/plain") == true,
                  let data = (attachment["data"] as? String).flatMap({ Data(base64Encoded: $0) }) else { continue }
            return String(decoding: data, as: UTF8.self)
        }
        return ""
    }
}

import FHIRJSON
import FHIRValidation
import Foundation
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPDomain
import IOPMapping
import PCPUpdates
import Testing

/// The same proof as `OutboundContentTests`, from the FHIR side: staff's words planted in every
/// sample referral (appointment comments, descriptions and instructions, cancellation reasons,
/// annotations, narratives) are stored as received but reach no outbound message and no
/// summary, whatever the sample's triggers.
@Suite("Planted FHIR text")
struct PlantedFHIRTextTests {
    static let planted = "QV-PLANTED-FHIR-NOTE"

    @Test("text planted in the sample referrals appears in no queued message and no summary")
    func plantedFHIRTextNeverLeaves() throws {
        let store = try SQLiteGatewayStore.inMemory()
        var planted = 0
        try SampleReferrals.importAll(into: store) { planted += Self.plant(in: &$0) }
        #expect(planted > 50, "planted in \(planted) places")
        // Stored as received: the words are in the store, so their absence below means something.
        let stored = try store.read { try $0.search(ResourceQuery(type: "Appointment", count: 500)) }.resources
        #expect(stored.contains { String(decoding: $0.body, as: UTF8.self).contains(Self.planted) })

        let messages = try store.read { reader in
            try OutboundStatus.allCases.flatMap { try reader.outboundMessages(endpointKey: nil, status: $0, limit: 1000) }
        }
        #expect(!messages.isEmpty)
        for message in messages { #expect(!(try UpdateFixture.readableText(message)).contains(Self.planted)) }

        for row in try store.read({ try $0.domainRows(kind: DomainRowKind.participant, afterKey: nil, limit: 1000) }) {
            let preview = try store.read {
                try SummaryScheduler.preview(participantKey: row.key, period: try DatePeriod(start: Date(timeIntervalSince1970: 1_790_000_000),
                                                                                             end: Date(timeIntervalSince1970: 1_800_000_000)),
                                             at: Date(timeIntervalSince1970: 1_800_000_000), from: $0)
            }
            let summary = try #require(preview?.summary)
            let sent = String(decoding: FHIRJSONWriter().write(FHIROutboundMapper().documentReference(summary).element()), as: UTF8.self)
            #expect(!ProgressNoteText.render(summary).contains(Self.planted))
            #expect(!sent.contains(Self.planted))
        }
    }

    /// Plants the marker in the `text` of each CodeableConcept of `key`; returns how many.
    static func plantConceptTexts(_ resource: inout [String: Any], _ key: String) -> Int {
        guard var concepts = resource[key] as? [[String: Any]] else { return 0 }
        for concept in concepts.indices { concepts[concept]["text"] = "\(planted) \(key)" }
        resource[key] = concepts
        return concepts.count
    }

    /// Plants the marker in the free-text elements staff write; returns how many.
    static func plant(in bundle: inout [String: Any]) -> Int {
        var count = 0
        var entries = bundle["entry"] as? [[String: Any]] ?? []
        for index in entries.indices {
            guard var resource = entries[index]["resource"] as? [String: Any] else { continue }
            if var text = resource["text"] as? [String: Any], let div = text["div"] as? String, let close = div.range(of: ">") {
                text["div"] = String(div[..<close.upperBound]) + "<p>\(planted) narrative</p>" + String(div[close.upperBound...])
                resource["text"] = text
                count += 1
            }
            if var notes = resource["note"] as? [[String: Any]] {
                for note in notes.indices { notes[note]["text"] = "\(planted) annotation" }
                resource["note"] = notes
                count += notes.count
            }
            switch resource["resourceType"] as? String {
            case "ServiceRequest":
                count += plantConceptTexts(&resource, "reasonCode")
            case "MedicationRequest":
                if var dosages = resource["dosageInstruction"] as? [[String: Any]] {
                    for dosage in dosages.indices {
                        dosages[dosage]["text"] = "\(planted) dosage"
                        dosages[dosage]["patientInstruction"] = "\(planted) instruction"
                    }
                    resource["dosageInstruction"] = dosages
                    count += 2 * dosages.count
                }
            case "CarePlan":
                if var activities = resource["activity"] as? [[String: Any]] {
                    for activity in activities.indices {
                        guard var detail = activities[activity]["detail"] as? [String: Any] else { continue }
                        detail["description"] = "\(planted) activity"
                        activities[activity]["detail"] = detail
                        count += 1
                    }
                    resource["activity"] = activities
                }
            case "Communication":
                // Messages other than crisis notices are the program's own: none is forwarded.
                let isCrisis = "\(resource["category"] ?? "")".contains("crisis-notice")
                if !isCrisis, var payloads = resource["payload"] as? [[String: Any]] {
                    for payload in payloads.indices where payloads[payload]["contentString"] != nil {
                        payloads[payload]["contentString"] = "\(planted) message"
                        count += 1
                    }
                    resource["payload"] = payloads
                }
            default:
                break
            }
            if resource["resourceType"] as? String == "Appointment" {
                for key in ["comment", "description", "patientInstruction"] { resource[key] = "\(planted) \(key)" }
                count += 3
                if var reason = resource["cancelationReason"] as? [String: Any] {
                    reason["text"] = "\(planted) cancellation"
                    resource["cancelationReason"] = reason
                    count += 1
                }
            }
            entries[index]["resource"] = resource
        }
        bundle["entry"] = entries
        return count
    }
}

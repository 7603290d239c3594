import FHIRCore
import Foundation
import GatewayTestSupport
import IOPDomain
import IOPMapping
import Testing

@Suite("Inbound mapping of the Synthea bundles")
struct SyntheaMappingTests {
    static let files = SharedData.files(in: "synthea/bundles", withExtension: "json")
    static let mappedTypes: Set<String> = ["Patient", "MedicationRequest", "CarePlan", "Organization", "Practitioner", "PractitionerRole"]

    @Test("every Patient is a participant; orders and plans map; the rest is not for the IOP")
    func synthea() throws {
        guard SharedData.root != nil, !Self.files.isEmpty else {
            print(SharedData.absentMessage)
            return
        }
        var patients = 0, orders = 0, plans = 0, notForIOP = 0
        for url in Self.files {
            let outcome = FHIRInboundMapper().map(try MappingFixtures.element(at: url, mode: .lenient))
            #expect(!outcome.isRefused, "\(url.lastPathComponent):\n\(outcome.refusalSummary)")
            let patientCount = outcome.entries.filter { $0.resourceType == "Patient" }.count
            #expect(outcome.records.participants.count == patientCount)
            patients += patientCount
            for entry in outcome.entries {
                switch (entry.resourceType, entry.verdict) {
                case ("MedicationRequest", .mapped): orders += 1
                case ("CarePlan", .mapped): plans += 1
                case (let type, .notForIOP):
                    notForIOP += 1
                    #expect(!["Patient", "MedicationRequest", "CarePlan"].contains(type), "\(type) was not mapped")
                case (let type, .mapped):
                    #expect(Self.mappedTypes.contains(type), "\(type) should not be mapped")
                default: break
                }
            }
            #expect(outcome.records.medicationOrders.allSatisfy { $0.medication.code.allSatisfy(\.isNumber) })
            #expect(outcome.records.enrolments.count + outcome.records.treatmentPlans.count
                    == outcome.entries.filter { $0.resourceType == "CarePlan" }.count)
        }
        #expect(patients == 28)
        #expect(orders == 215)
        #expect(plans == 66)
        print("Synthea: \(patients) participants, \(orders) medication orders, \(plans) CarePlans as referrals, \(notForIOP) resources not for the IOP")
    }
}

import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// Reads everything about one participant from the store's domain rows.
public enum ParticipantRecordsLoader {
    /// The participant's records, or nil when no participant row has that key.
    public static func load(participantKey: String, from reader: any StoreReader) throws -> ParticipantRecords? {
        let decoder = DomainRowCoding.decoder()
        guard let row = try reader.domainRow(kind: DomainRowKind.participant, key: participantKey) else { return nil }
        var records = ParticipantRecords(participant: try decoder.decode(Participant.self, from: row.json))
        for row in try reader.domainRows(participantKey: participantKey, kind: nil) {
            switch row.kind {
            case DomainRowKind.enrolment: records.enrolments.append(try decoder.decode(Enrolment.self, from: row.json))
            case DomainRowKind.session: records.sessions.append(try decoder.decode(ProgramSession.self, from: row.json))
            case DomainRowKind.treatmentPlan: records.treatmentPlans.append(try decoder.decode(TreatmentPlan.self, from: row.json))
            case DomainRowKind.medicationOrder: records.medicationOrders.append(try decoder.decode(MedicationOrder.self, from: row.json))
            case DomainRowKind.medicationChange:
                records.medicationChanges.append(try decoder.decode(MedicationChange.self, from: row.json))
            case DomainRowKind.careMessage: records.careMessages.append(try decoder.decode(CareMessage.self, from: row.json))
            case DomainRowKind.consent: records.consents.append(try decoder.decode(DisclosureConsent.self, from: row.json))
            default: continue
            }
        }
        if let practiceID = records.participant.primaryCare?.practiceID,
           let practice = try reader.domainRow(kind: DomainRowKind.practice, key: practiceID.rawValue) {
            records.practice = try decoder.decode(PrimaryCarePractice.self, from: practice.json)
        }
        return records
    }

    /// The consents on record for a participant (what the gate asks at send time).
    public static func consents(participantKey: String, from reader: any StoreReader) throws -> [DisclosureConsent] {
        let decoder = DomainRowCoding.decoder()
        return try reader.domainRows(participantKey: participantKey, kind: DomainRowKind.consent).map {
            try decoder.decode(DisclosureConsent.self, from: $0.json)
        }
    }
}

import Foundation
import GatewayTestSupport
import IOPDomain
import Testing

@Suite("Codable round trips of generated samples")
struct CodableRoundTripTests {
    static let seeds: [UInt64] = Array(0..<500)

    static func roundTrip<T: Codable & Equatable>(_ value: T, _ encoder: JSONEncoder, _ decoder: JSONDecoder,
                                                  sourceLocation: SourceLocation = #_sourceLocation) throws {
        let data = try encoder.encode(value)
        let copy = try decoder.decode(T.self, from: data)
        #expect(copy == value, "\(T.self) differs after a round trip", sourceLocation: sourceLocation)
        #expect(try encoder.encode(copy) == data, "\(T.self) re-encodes differently", sourceLocation: sourceLocation)
    }

    @Test("case files round-trip through JSON, default and ISO 8601 dates", arguments: seeds)
    func caseFile(seed: UInt64) throws {
        let file = DomainSamples.caseFile(seed: seed)
        let plain = JSONEncoder()
        plain.outputFormatting = .sortedKeys
        let iso = JSONEncoder()
        iso.outputFormatting = .sortedKeys
        iso.dateEncodingStrategy = .iso8601
        let isoDecoder = JSONDecoder()
        isoDecoder.dateDecodingStrategy = .iso8601
        for (encoder, decoder) in [(plain, JSONDecoder()), (iso, isoDecoder)] {
            try Self.roundTrip(file, encoder, decoder)
            // Each row type on its own, as the store keeps them.
            try Self.roundTrip(file.participant, encoder, decoder)
            try Self.roundTrip(file.enrolment, encoder, decoder)
            try Self.roundTrip(file.practices, encoder, decoder)
            try Self.roundTrip(file.sessions, encoder, decoder)
            try Self.roundTrip(file.consents, encoder, decoder)
            try Self.roundTrip(file.messages, encoder, decoder)
            try Self.roundTrip(file.medicationOrders, encoder, decoder)
            if let plan = file.treatmentPlan { try Self.roundTrip(plan, encoder, decoder) }
            if let summary = file.progressSummary { try Self.roundTrip(summary, encoder, decoder) }
        }
    }

    @Test func datesAreWholeSeconds() {
        for seed in Self.seeds.prefix(100) {
            let file = DomainSamples.caseFile(seed: seed)
            var dates = [file.now] + file.enrolment.history.map(\.date) + file.sessions.flatMap { [$0.scheduledStart, $0.statusChangedAt].compactMap { $0 } }
            dates += file.consents.flatMap { [$0.signedAt, $0.revokedAt, $0.period.start, $0.period.end].compactMap { $0 } }
            #expect(dates.allSatisfy { $0.timeIntervalSince1970.rounded() == $0.timeIntervalSince1970 })
        }
    }

    @Test func stableWireForms() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = { (value: any Encodable) throws -> String in String(decoding: try encoder.encode(value), as: UTF8.self) }
        #expect(try text(CalendarDate("2024-02-29")) == #""2024-02-29""#)
        #expect(try text(Participant.ID("p-1")) == #""p-1""#)
        #expect(try text(EndpointTarget(baseURL: URL(string: "https://fhir.example.org/r4")!, deliveryProfile: .documentReferenceOnly))
            == #"{"baseURL":"https:\/\/fhir.example.org\/r4","deliveryProfile":"document-reference-only"}"#)
        #expect(try text(DoseQuantity(value: "0.50", unit: "mg")) == #"{"unit":"mg","value":"0.50"}"#)
        #expect(try text(SessionStatusReason(.platformOutage)) == #"{"code":"platform-outage"}"#)
        #expect(try text([EnrolmentStatus.intakeScheduled, .steppedDown]) == #"["intake-scheduled","stepped-down"]"#)
    }

    @Test func decodingChecksTheRules() {
        let decoder = JSONDecoder()
        #expect(throws: DecodingError.self) { try decoder.decode(CalendarDate.self, from: Data(#""2023-02-29""#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(Participant.ID.self, from: Data(#""""#.utf8)) }
        #expect(throws: DecodingError.self) { try decoder.decode(DatePeriod.self, from: Data(#"{"start":10,"end":5}"#.utf8)) }
        #expect(throws: DecodingError.self) {
            try decoder.decode(EndpointTarget.self, from: Data(#"{"baseURL":"http://ehr.example.org/fhir","deliveryProfile":"conditional-create"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try decoder.decode(PracticeEndpoint.self, from: Data(#"{"primary":{"baseURL":"https://a.example.org","deliveryProfile":"conditional-create"},"fallback":{"baseURL":"https://a.example.org","deliveryProfile":"transaction-bundle"}}"#.utf8))
        }
    }
}

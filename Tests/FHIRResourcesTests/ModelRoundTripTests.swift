import FHIRCore
import FHIRJSON
import FHIRResources
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// The bridging contract over the official examples: for every example of a modelled type
/// (and every Bundle, whose entries of other types become `.other`), tree → model → tree gives
/// an equal tree, so JSON → model → JSON is byte-identical to JSON → tree → JSON.
@Suite("Typed models round-trip the official examples")
struct ModelRoundTripTests {
    static let modelledTypes: Set<String> = [
        "Appointment", "Bundle", "CapabilityStatement", "CarePlan", "Communication", "Consent",
        "DocumentReference", "MedicationRequest", "OperationOutcome", "Organization", "Patient",
        "Practitioner", "PractitionerRole", "ServiceRequest",
    ]

    @Test("every JSON example of a modelled type", .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func officialJSONExamples() throws {
        var checked: [String: Int] = [:]
        var otherEntries = 0
        var failures: [String] = []
        for file in SharedData.files(in: "fhir-r4/examples/json", withExtension: "json") {
            let bytes = try SharedData.bytes(of: file)
            // The type is in the first few hundred bytes; skip the others without parsing them.
            guard let type = Self.resourceType(in: bytes), Self.modelledTypes.contains(type) else { continue }
            guard let tree = FHIRJSONReader().read(bytes).resource else {
                failures.append("\(file.lastPathComponent): does not read")
                continue
            }
            checked[type, default: 0] += 1
            otherEntries += tree.children("entry").filter { entry in
                entry.child("resource").map { !Self.modelledTypes.contains($0.resourceType ?? "") } ?? false
            }.count
            if let failure = Self.roundTripFailure(tree) {
                failures.append("\(file.lastPathComponent): \(failure)")
            }
        }
        let total = checked.values.reduce(0, +)
        print("ModelRoundTripTests: \(total) JSON examples (\(otherEntries) Bundle entries of unmodelled types kept as .other) round-tripped: "
            + checked.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        #expect(total >= 180)
        #expect(failures.isEmpty, "\(failures.count) of \(total) failed:\n\(failures.prefix(30).joined(separator: "\n"))")
    }

    @Test("the XML twins of the modelled examples", .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func officialXMLExamples() throws {
        var total = 0
        var failures: [String] = []
        for file in SharedData.files(in: "fhir-r4/examples/xml", withExtension: "xml") {
            let bytes = try SharedData.bytes(of: file)
            guard let type = Self.rootElementName(in: bytes), Self.modelledTypes.contains(type) else { continue }
            guard let tree = FHIRXMLReader().read(bytes).resource else {
                failures.append("\(file.lastPathComponent): does not read")
                continue
            }
            total += 1
            if let failure = Self.roundTripFailure(tree) {
                failures.append("\(file.lastPathComponent): \(failure)")
            }
        }
        print("ModelRoundTripTests: \(total) XML examples round-tripped through the models")
        #expect(total >= 180)
        #expect(failures.isEmpty, "\(failures.count) of \(total) failed:\n\(failures.prefix(30).joined(separator: "\n"))")
    }

    /// `nil` when the tree survives the model and the JSON written from both is identical.
    static func roundTripFailure(_ tree: FHIRElement) -> String? {
        let model: AnyResource
        do {
            model = try AnyResource(element: tree)
        } catch {
            return "init(element:) threw: \(error)"
        }
        if case .other = model { return "read as .other" }
        let lowered = model.element()
        guard lowered == tree else {
            return "lowered tree differs: \(tree.firstDifference(from: lowered) ?? "(equal per firstDifference)")"
        }
        guard FHIRJSONWriter().write(lowered) == FHIRJSONWriter().write(tree) else { return "JSON differs" }
        return nil
    }

    /// The name of the first element of an XML document (after the declaration and comments).
    static func rootElementName(in bytes: [UInt8]) -> String? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "<"), bytes[index + 1] != UInt8(ascii: "?"), bytes[index + 1] != UInt8(ascii: "!") {
                let start = index + 1
                var end = start
                while end < bytes.count, !" \t\r\n>/".utf8.contains(bytes[end]) { end += 1 }
                return String(decoding: bytes[start..<end], as: UTF8.self)
            }
            index += 1
        }
        return nil
    }

    /// The value of the first `"resourceType"` key, found by a plain byte search.
    static func resourceType(in bytes: [UInt8]) -> String? {
        let key = Array("\"resourceType\"".utf8)
        guard bytes.count > key.count,
              let start = (0...(bytes.count - key.count)).first(where: { bytes[$0..<$0 + key.count].elementsEqual(key) })
        else { return nil }
        var index = start + key.count
        while index < bytes.count && bytes[index] != UInt8(ascii: "\"") { index += 1 }
        let valueStart = index + 1
        guard valueStart < bytes.count, let end = bytes[valueStart...].firstIndex(of: UInt8(ascii: "\"")) else { return nil }
        return String(decoding: bytes[valueStart..<end], as: UTF8.self)
    }
}

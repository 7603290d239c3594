import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayTestSupport
import Testing

/// The validator finds no error in what the specification itself publishes, except findings the
/// reference validator reports too (listed with the reason). Synthea's bundles and the US Core
/// examples are surveyed in `RealDataSurveyTests`.
@Suite("Validation of real corpora")
struct CorpusValidationTests {
    /// The resource types the IOP maps (issue 4): none of their official examples may have an error.
    static let iopTypes: Set<String> = [
        "Patient", "Appointment", "CarePlan", "MedicationRequest", "Communication", "DocumentReference",
        "Consent", "ServiceRequest", "Practitioner", "PractitionerRole", "Organization", "Bundle",
        "OperationOutcome", "CapabilityStatement",
    ]

    /// Errors in official examples that the HL7 reference validator reports too, by file, with
    /// the FHIRPath expressions (or their common prefix and the message's start) and the reason.
    static let knownExampleErrors: [String: (expression: String, message: String, reason: String)] = [
        "medicationrequest0301.json": (
            "MedicationRequest.dispenseRequest.performer.reference", "",
            "the example points dispenseRequest.performer at a Practitioner; R4 allows only Organization "
                + "(the reference validator's Reference_REF_BadTargetType)"),
        "diagnosticreport-example-lri.json": (
            "Bundle.entry[", "fullUrl is a RESTful URL",
            "fullUrls such as .../Observation/lri-gramstain1 hold Observations with id gramstain1: the fullUrl disagrees "
                + "with the resource id (bundle.html §2.36.4; the reference validator's BUNDLE_ENTRY_URL_MATCHES_TYPE_ID)"),
        "diagnosticreport-hla-genetics-results-example.json": (
            "Bundle.entry[0].resource.extension[1].extension[1]", "",
            "the example names a sub-extension of hla-genotyping-results-glstring 'uri'; the core definition names it "
                + "'url' (the reference validator's 'Sub-extension url ... is not defined by the Extension')"),
        "message-request-link.json": (
            "Bundle.entry[2].fullUrl", "",
            "fullUrl .../Patient/pat12 holds the Patient pat2 (bundle.html §2.36.4; BUNDLE_ENTRY_URL_MATCHES_TYPE_ID)"),
        "message-response-link.json": (
            "Bundle.entry[3].fullUrl", "",
            "fullUrl .../Patient/pat12 holds the Patient pat2 (bundle.html §2.36.4; BUNDLE_ENTRY_URL_MATCHES_TYPE_ID)"),
    ]

    @Test("official R4 examples of the IOP's resource types validate without error",
          .enabled(if: SharedData.root != nil, "../shared is not beside the checkout: skipped"))
    func officialExamples() throws {
        let validator = FHIRValidator()
        var errorsByFile: [String: [FHIRCore.Issue]] = [:]
        var validated = 0
        var messageCounts: [String: Int] = [:]
        for file in SharedData.files(in: "fhir-r4/examples/json", withExtension: "json") {
            let read = FHIRJSONReader().read(try SharedData.bytes(of: file))
            let resource = try #require(read.resource, "\(file.lastPathComponent)")
            let errors = validator.validate(resource).filter(\.isError)
            for error in errors { messageCounts[error.message, default: 0] += 1 }
            guard Self.iopTypes.contains(resource.resourceType ?? "") else { continue }
            validated += 1
            let known = Self.knownExampleErrors[file.lastPathComponent]
            let unexpected = errors.filter { error in
                guard let known else { return true }
                return known.message.isEmpty
                    ? error.expression != known.expression
                    : !((error.expression ?? "").hasPrefix(known.expression) && error.message.hasPrefix(known.message))
            }
            if !unexpected.isEmpty { errorsByFile[file.lastPathComponent] = unexpected }
        }
        print("validated \(validated) examples of the IOP types; errors in \(errorsByFile.count)")
        for (message, count) in messageCounts.sorted(by: { $0.value > $1.value }).prefix(40) {
            print("  \(count)× \(message)")
        }
        for (file, errors) in errorsByFile.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(file): \(errors.prefix(4).map(\.description))")
        }
    }
}

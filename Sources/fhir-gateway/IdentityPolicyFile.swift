import Foundation
import IOPDomain
import IOPMapping

/// The deployment's participant-matching policy: `--identity-policy FILE`, else the
/// `IOP_IDENTITY_POLICY` environment variable, else the default (MR identifiers and the
/// gateway's own match). A JSON object; each key may be left out for its default:
/// `{"matchingTypes": ["MR"], "matchingSystems": ["https://ehr.example.org/fhir/sid/mrn"],
///   "reviewsSharedNonMatchingIdentifiers": true}`.
/// SSNs, driver's licences and passports never match alone, whatever the file says.
enum IdentityPolicyFile {
    struct LoadError: Error, CustomStringConvertible {
        let path: String
        var description: String { "\(path): not a readable identity policy (a JSON object: matchingTypes, matchingSystems, "
            + "reviewsSharedNonMatchingIdentifiers)" }
    }

    static func load(_ explicit: String?) throws -> IdentityPolicy {
        guard let path = explicit ?? ProcessInfo.processInfo.environment["IOP_IDENTITY_POLICY"] else { return .gateway }
        guard let data = FileManager.default.contents(atPath: path),
              let configured = try? JSONDecoder().decode(IdentityPolicy.self, from: data)
        else { throw LoadError(path: path) }
        return .gateway(configured)
    }
}

import FHIRCore
import GatewayStore

/// The search index rows of a resource, for the parameters the gateway serves (issue: `_id`,
/// `identifier`, `patient`/`subject`, `_lastUpdated`; the store keeps `_id` and `_lastUpdated`
/// itself): every `identifier` as a token, and the references that name the patient.
public enum SearchIndexer {
    /// Elements whose reference is the resource's patient or subject, per the R4 search
    /// parameters `patient`/`subject` of the IOP's resource types.
    static let subjectElements: Set<String> = ["subject", "patient", "beneficiary"]

    public static func index(_ resource: FHIRElement) -> SearchIndex {
        var index = SearchIndex()
        for identifier in resource.children("identifier") {
            guard let value = identifier.child("value")?.value else { continue }
            index.tokens.append(.init(parameter: "identifier", system: identifier.child("system")?.value, code: value))
        }
        for name in subjectElements {
            for reference in resource.children(name) {
                guard let target = reference.child("reference")?.value else { continue }
                index.references.append(.init(parameter: name == "beneficiary" ? "patient" : name, target: target))
                if name == "subject", target.hasPrefix("Patient/") {
                    index.references.append(.init(parameter: "patient", target: target))
                }
            }
        }
        // Appointment.participant.actor: the `patient` and `actor` parameters.
        for participant in resource.children("participant") {
            guard let target = participant.child("actor")?.child("reference")?.value else { continue }
            index.references.append(.init(parameter: "actor", target: target))
            if target.hasPrefix("Patient/") { index.references.append(.init(parameter: "patient", target: target)) }
        }
        return index
    }
}

import FHIRCore
import FHIRResources
import GatewayStore

/// The CapabilityStatement `/metadata` serves, and what the API reads from it: the resource
/// types it serves and each type's search parameters, so the statement and the behaviour
/// cannot drift apart.
///
/// `Profiles/CapabilityStatement-iop-gateway.json` is the gateway's canonical statement
/// (`kind = instance` template); served, it becomes this running instance's statement: it
/// `instantiates` the canonical one, and carries the software, the start time as `date` and the
/// real base URL (capabilitystatement.html §2.39.3.1).
struct CapabilityDocument: Sendable {
    /// The types the IOP maps and the gateway indexes, when no statement is given.
    static let defaultTypes = [
        "Patient", "Appointment", "CarePlan", "MedicationRequest", "Communication", "DocumentReference", "Consent",
        "ServiceRequest", "Practitioner", "PractitionerRole", "Organization",
    ]
    static let defaultParameters: Set<String> = ["_id", "identifier", "patient", "subject", "_lastUpdated"]

    let model: CapabilityStatement
    let resourceTypes: Set<String>
    private let parameters: [String: Set<String>]
    private let startedAt: String
    private let softwareName: String
    private let softwareVersion: String

    init(statement: FHIRElement?, configuration: FHIRAPIConfiguration) {
        startedAt = StoreTimestamp.now().fhirInstant
        softwareName = configuration.softwareName
        softwareVersion = configuration.softwareVersion
        let parsed = statement.flatMap { try? CapabilityStatement(element: $0) }
        let model = parsed ?? Self.minimal(startedAt: startedAt)
        var parameters: [String: Set<String>] = [:]
        for rest in model.rest where rest.mode.value == "server" {
            for resource in rest.resource {
                guard let type = resource.type.value else { continue }
                parameters[type, default: []].formUnion(resource.searchParam.compactMap(\.name.value))
            }
        }
        if parsed == nil {
            for type in Self.defaultTypes { parameters[type] = Self.defaultParameters }
        }
        self.model = model
        self.parameters = parameters
        resourceTypes = Set(parameters.keys)
    }

    func searchParameters(of type: String) -> Set<String> {
        parameters[type] ?? []
    }

    /// This instance's statement, with the base URL clients reached it at.
    func statement(at baseURL: String) -> FHIRElement {
        var statement = model
        if let canonical = statement.url?.value, !statement.instantiates.contains(where: { $0.value == canonical }) {
            statement.instantiates.append(FHIRCanonical(canonical))
        }
        statement.url = nil
        statement.kind = "instance"
        statement.date = FHIRDateTime(startedAt)
        statement.software = CapabilityStatement.Software(
            name: FHIRString(softwareName), version: FHIRString(softwareVersion), releaseDate: nil)
        let description = statement.implementation?.description.value ?? softwareName
        statement.implementation = CapabilityStatement.Implementation(
            description: FHIRString(description), url: FHIRUrl(baseURL))
        return statement.element()
    }

    private static func minimal(startedAt: String) -> CapabilityStatement {
        CapabilityStatement(
            status: "active", date: FHIRDateTime(startedAt), kind: "instance", fhirVersion: "4.0.1",
            format: ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            rest: [CapabilityStatement.Rest(
                mode: "server",
                resource: defaultTypes.map { type in
                    CapabilityStatement.Rest.Resource(
                        type: FHIRCode(type),
                        searchParam: defaultParameters.sorted().map { name in
                            let type = name == "_lastUpdated" ? "date" : name == "patient" || name == "subject" ? "reference" : "token"
                            return CapabilityStatement.Rest.Resource.SearchParam(name: FHIRString(name), type: FHIRCode(type))
                        })
                })])
    }
}

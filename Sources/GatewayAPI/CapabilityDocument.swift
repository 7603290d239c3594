import FHIRCore
import FHIRResources
import FHIRSearch
import GatewayStore

/// The CapabilityStatement `/metadata` serves, generated from what the code does: every R4
/// resource type with the interactions the API routes, and every search parameter the
/// `SearchQueryParser` applies (the official R4 definitions that have an expression), so the
/// statement and the behaviour cannot drift apart.
///
/// `Profiles/CapabilityStatement-iop-gateway.json` is the gateway's canonical statement
/// (`kind = instance` template): its security, documentation and the IOP profiles of the types
/// the IOP maps are kept. Served, it becomes this running instance's statement: it
/// `instantiates` the canonical one, and carries the software, the start time as `date` and the
/// real base URL (capabilitystatement.html §2.39.3.1).
struct CapabilityDocument: Sendable {
    /// The interactions every type has (FHIRAPI.dispatch routes each of them).
    static let typeInteractions = [
        "read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type",
    ]
    static let systemInteractions = ["transaction", "batch", "history-system"]

    let model: CapabilityStatement
    private let startedAt: String
    private let softwareName: String
    private let softwareVersion: String
    private let location: FHIRAPIConfiguration

    init(statement: FHIRElement?, configuration: FHIRAPIConfiguration) {
        startedAt = StoreTimestamp.now().fhirInstant
        location = configuration
        softwareName = configuration.softwareName
        softwareVersion = configuration.softwareVersion
        var model = statement.flatMap { try? CapabilityStatement(element: $0) } ?? Self.minimal(startedAt: startedAt)
        var rest = model.rest.first { $0.mode.value == "server" } ?? CapabilityStatement.Rest(mode: "server")
        let given = Dictionary(rest.resource.compactMap { resource in resource.type.value.map { ($0, resource) } }) { first, _ in first }
        rest.resource = TypeCatalogue.r4.resourceTypeNames.map { type in Self.resource(type, given: given[type]) }
        let documented = Dictionary(rest.interaction.map { ($0.code.value ?? "", $0.documentation) }) { first, _ in first }
        rest.interaction = Self.systemInteractions.map {
            CapabilityStatement.Rest.Interaction(code: FHIRCode($0), documentation: documented[$0] ?? nil)
        }
        model.rest = [rest]
        model.patchFormat = ["application/json-patch+json"]
        self.model = model
    }

    /// One type's entry: the given one's profiles and documentation, the rest from the code.
    private static func resource(
        _ type: String, given: CapabilityStatement.Rest.Resource?
    ) -> CapabilityStatement.Rest.Resource {
        var resource = given ?? CapabilityStatement.Rest.Resource(type: FHIRCode(type))
        resource.interaction = typeInteractions.map { CapabilityStatement.Rest.Resource.Interaction(code: FHIRCode($0)) }
        resource.versioning = "versioned"
        resource.readHistory = true
        resource.updateCreate = false
        resource.conditionalCreate = true
        resource.conditionalUpdate = true
        resource.conditionalDelete = "single"
        let parameters = SearchParameterCatalogue.r4.parameters(of: type).filter { $0.expression != nil && $0.type != .special }
        resource.searchInclude = parameters.filter { $0.type == .reference }.map { FHIRString("\(type):\($0.name)") }
        var searchParams = [
            CapabilityStatement.Rest.Resource.SearchParam(
                name: "_id", definition: FHIRCanonical("http://hl7.org/fhir/SearchParameter/Resource-id"), type: "token"),
            CapabilityStatement.Rest.Resource.SearchParam(
                name: "_lastUpdated", definition: FHIRCanonical("http://hl7.org/fhir/SearchParameter/Resource-lastUpdated"),
                type: "date"),
        ]
        for parameter in parameters where parameter.name != "_id" && parameter.name != "_lastUpdated" {
            searchParams.append(CapabilityStatement.Rest.Resource.SearchParam(
                name: FHIRString(parameter.name), definition: FHIRCanonical(parameter.url), type: FHIRCode(parameter.type.rawValue)))
        }
        resource.searchParam = searchParams
        return resource
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
        if !statement.rest.isEmpty {
            var security = statement.rest[0].security ?? CapabilityStatement.Rest.Security()
            security.extension.removeAll { $0.url == Self.oauthURIs }
            security.extension.append(Extension(
                extension: [
                    Extension(url: "token", value: .uri(FHIRUri(location.url(ofPath: TokenEndpoint.path, besideBase: baseURL)))),
                    Extension(url: "authorize", value: .uri(FHIRUri(location.url(ofPath: TokenEndpoint.authorizePath, besideBase: baseURL)))),
                ],
                url: Self.oauthURIs))
            statement.rest[0].security = security
        }
        return statement.element()
    }

    /// SMART's extension naming the OAuth endpoints (App Launch 1.0 §"Conformance"; v2 keeps it
    /// beside `/.well-known/smart-configuration`). R4's definition requires `token` and
    /// `authorize`; the authorize endpoint says it supports no response type (`TokenEndpoint`).
    static let oauthURIs = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"

    private static func minimal(startedAt: String) -> CapabilityStatement {
        CapabilityStatement(
            status: "active", date: FHIRDateTime(startedAt), kind: "instance", fhirVersion: "4.0.1",
            format: ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            rest: [CapabilityStatement.Rest(mode: "server")])
    }
}

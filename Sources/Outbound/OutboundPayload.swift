import FHIRCore
import FHIRJSON
import Foundation

/// The resource a message carries, read from its payload, with the stable identifier in place.
///
/// Read through the lossless element tree (FHIRJSON, lenient), so decimals and extensions go
/// out exactly as they were enqueued (ARCHITECTURE.md decision 2).
struct OutboundPayload: Sendable {
    var resourceType: String
    var resource: FHIRElement

    /// Elements that come before `identifier` in every resource the gateway sends (R4
    /// DomainResource, then DocumentReference's `masterIdentifier`).
    private static let beforeIdentifier: Set<String> = [
        "id", "meta", "implicitRules", "language", "text", "contained", "extension", "modifierExtension",
        "masterIdentifier", "identifier",
    ]

    /// - Throws: `DeliveryRejection` for a payload that is not one readable FHIR JSON resource.
    init(message payload: Data, contentType: String, identifierValue: String) throws(DeliveryRejection) {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/fhir+json" || mediaType == "application/json" else {
            throw DeliveryRejection("payload content type is not FHIR JSON")
        }
        let result = FHIRJSONReader(mode: .lenient).read([UInt8](payload))
        guard let resource = result.resource, !result.hasErrors, let type = resource.resourceType else {
            throw DeliveryRejection("payload is not a readable FHIR JSON resource")
        }
        guard type != "Bundle" else { throw DeliveryRejection("payload is a Bundle; the outbox carries one resource") }
        self.resourceType = type
        self.resource = Self.withIdentifier(resource, value: identifierValue)
    }

    /// Adds `identifier` with the gateway's system unless it is already there, after the
    /// elements that precede it in definition order.
    static func withIdentifier(_ resource: FHIRElement, value: String) -> FHIRElement {
        let present = resource.children("identifier").contains {
            $0.child("system")?.value == OutboundIdentifier.system && $0.child("value")?.value == value
        }
        if present { return resource }
        var copy = resource
        let identifier = FHIRElement(name: "identifier", children: [
            FHIRElement(name: "system", value: OutboundIdentifier.system, form: [.primitive]),
            FHIRElement(name: "value", value: value, form: [.primitive]),
        ], form: [.list])
        let index = copy.children.lastIndex { beforeIdentifier.contains($0.name) }.map { $0 + 1 } ?? 0
        copy.children.insert(identifier, at: index)
        return copy
    }

    var json: Data { Data(FHIRJSONWriter().write(resource)) }

    /// A transaction Bundle with one conditional create of the resource.
    func transactionBundle(fullUrl: String?) -> Data {
        func primitive(_ name: String, _ value: String) -> FHIRElement {
            FHIRElement(name: name, value: value, form: [.primitive])
        }
        let identifierValue = resource.children("identifier")
            .first { $0.child("system")?.value == OutboundIdentifier.system }?.child("value")?.value ?? ""
        var entry: [FHIRElement] = []
        if let fullUrl { entry.append(primitive("fullUrl", fullUrl)) }
        entry.append(FHIRElement(name: "resource", resourceType: resourceType, children: resource.children))
        entry.append(FHIRElement(name: "request", children: [
            primitive("method", "POST"),
            primitive("url", resourceType),
            primitive("ifNoneExist", OutboundIdentifier.conditionalQuery(identifierValue)),
        ]))
        let bundle = FHIRElement.resource("Bundle", children: [
            primitive("type", "transaction"),
            FHIRElement(name: "entry", children: entry, form: [.list]),
        ])
        return Data(FHIRJSONWriter().write(bundle))
    }
}

/// Why a message can never be delivered as it is: it goes to the dead letters at once.
struct DeliveryRejection: Error, Sendable, Hashable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

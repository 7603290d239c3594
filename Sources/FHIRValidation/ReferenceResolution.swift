import FHIRCore

/// What a reference string points at, as far as the resource and its Bundle tell
/// (references.html §2.3.0, bundle.html §2.36.4.1). Shared by the base walk, which reports
/// references that do not resolve, and the profile walk, which checks their target types.
enum ReferenceResolution: Equatable {
    case type(String)
    /// Another entry of the enclosing Bundle, by its `fullUrl`.
    case entry(type: String)
    /// `#id` with no such contained resource.
    case missingContained
    /// A `urn:uuid:`/`urn:oid:` that is no entry's `fullUrl`.
    case missingEntry
    /// Nothing can be told (an absolute URL to an unknown server path, a logical reference).
    case unknown

    /// The resource type, however it was found.
    var resourceType: String? {
        switch self {
        case .type(let type), .entry(let type): type
        case .missingContained, .missingEntry, .unknown: nil
        }
    }

    static func resolve(
        _ reference: String, resources: [FHIRElement], bundle: BundleIndex?, catalogue: TypeCatalogue
    ) -> ReferenceResolution {
        if reference.hasPrefix("#") {
            let id = String(reference.dropFirst())
            // A contained resource refers to its container's other contained resources, and `#`
            // alone to the container: look outward, but never beyond a Bundle entry.
            for resource in resources.reversed() {
                if id.isEmpty, resource.child("contained") != nil { return resource.resourceType.map(Self.type) ?? .unknown }
                if let contained = resource.children("contained").first(where: { $0.child("id")?.value == id }) {
                    return contained.resourceType.map(Self.type) ?? .unknown
                }
                if resource.resourceType == "Bundle" { break }
            }
            if id.isEmpty { return resources.last?.resourceType.map(Self.type) ?? .unknown }
            return .missingContained
        }
        if let bundle {
            if let type = bundle.resourceType(forFullUrl: reference) { return .entry(type: type) }
            if reference.hasPrefix("urn:uuid:") || reference.hasPrefix("urn:oid:") { return .missingEntry }
        }
        return typeFromURL(reference, catalogue: catalogue).map(Self.type) ?? .unknown
    }

    /// `Patient/123`, `Patient/123/_history/2`, `https://host/fhir/Patient/123`: the type is the
    /// segment before the id (and before `_history`). Conditional references have it before `?`.
    static func typeFromURL(_ reference: String, catalogue: TypeCatalogue) -> String? {
        if let query = reference.firstIndex(of: "?") {
            let type = String(reference[..<query])
            return catalogue.resourceContextID(forName: type) != nil ? type : nil
        }
        var segments = reference.split(separator: "/", omittingEmptySubsequences: false)
        if segments.count >= 4, segments[segments.count - 2] == "_history" { segments.removeLast(2) }
        guard segments.count >= 2 else { return nil }
        let type = String(segments[segments.count - 2])
        return catalogue.resourceContextID(forName: type) != nil ? type : nil
    }
}

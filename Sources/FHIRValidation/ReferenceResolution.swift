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
    /// Several entries of the enclosing Bundle, with the same `fullUrl` in different versions.
    case ambiguousEntry(type: String?)
    /// A `urn:uuid:`/`urn:oid:` that is no entry's `fullUrl`.
    case missingEntry
    /// Nothing can be told (an absolute URL to an unknown server path, a logical reference).
    case unknown

    /// The resource type, however it was found.
    var resourceType: String? {
        switch self {
        case .type(let type), .entry(let type): type
        case .ambiguousEntry(let type): type
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
            let isRelative = !hasScheme(reference)
            switch bundle.match(reference, isRelative: isRelative) {
            case .one(let entry)?: return entry.resourceType.map { .entry(type: $0) } ?? .unknown
            case .several(let type)?: return .ambiguousEntry(type: type)
            case .none?, nil:
                if reference.hasPrefix("urn:uuid:") || reference.hasPrefix("urn:oid:") { return .missingEntry }
            }
        }
        return typeFromURL(reference, catalogue: catalogue).map(Self.type) ?? .unknown
    }

    /// An absolute URI starts with a scheme (RFC 3986 §3.1: `ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
    static func hasScheme(_ text: String) -> Bool {
        var utf8 = text.utf8.makeIterator()
        guard let first = utf8.next(), (first | 0x20) >= 0x61, (first | 0x20) <= 0x7A else { return false }
        while let byte = utf8.next() {
            if byte == 0x3A { return true }
            let letter = (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A
            guard letter || (byte >= 0x30 && byte <= 0x39) || byte == 0x2B || byte == 0x2D || byte == 0x2E else { return false }
        }
        return false
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

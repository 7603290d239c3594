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
        // Runs for every Reference of every resource: scanned as UTF-8 bytes, and the type
        // looked up in the catalogue's byte table, so no substring or array is made.
        var reference = reference
        return reference.withUTF8 { bytes -> String? in
            var end = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.count
            if end < bytes.count {
                let type = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[0..<end]))
                return catalogue.resourceContextID(forName: type) != nil ? String(decoding: type, as: UTF8.self) : nil
            }
            // Segments from the end: [type]/[id] or [type]/[id]/_history/[version].
            func segment(endingAt end: Int) -> Range<Int>? {
                guard end > 0 else { return nil }
                var start = end
                while start > 0, bytes[start - 1] != UInt8(ascii: "/") { start -= 1 }
                return start..<end
            }
            guard var id = segment(endingAt: end), id.lowerBound > 0 else { return nil }
            if let history = segment(endingAt: id.lowerBound - 1), history.lowerBound > 0,
               bytes[history].elementsEqual("_history".utf8), let realID = segment(endingAt: history.lowerBound - 1),
               realID.lowerBound > 0 {
                id = realID
            }
            end = id.lowerBound - 1
            guard let type = segment(endingAt: end) else { return nil }
            let name = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[type]))
            return catalogue.resourceContextID(forName: name) != nil ? String(decoding: name, as: UTF8.self) : nil
        }
    }
}

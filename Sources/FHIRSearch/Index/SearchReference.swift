import FHIRCore
import FHIRPath

/// How a reference is written in the index (`GatewayStore.SearchIndex.ReferenceEntry`), for the
/// indexer and the query side alike (FHIR R4 search.html §3.1.1.4.6).
public enum SearchReference {
    /// `Patient/123` for `Patient/123`, `Patient/123/_history/2` and the same under one of
    /// `localBases` (this server's base URLs, without a trailing `/`); `urn:uuid:…`, other
    /// absolute URLs and anything else as written; nil for a reference into `contained` (`#x`),
    /// which the index leaves out.
    public static func indexTarget(_ reference: String, localBases: [String] = [], types: TypeCatalogue = .r4) -> String? {
        if reference.isEmpty || reference.hasPrefix("#") { return nil }
        if reference.hasPrefix("urn:") { return reference }
        var relative = Substring(reference)
        if hasScheme(reference) {
            guard let base = localBases.first(where: { reference.hasPrefix($0) && reference.dropFirst($0.count).first == "/" })
            else { return reference }
            relative = reference.dropFirst(base.count + 1)
        }
        if let (type, id) = typeAndID(relative, types: types) { return "\(type)/\(id)" }
        return String(relative)
    }

    /// Whether the text has `://` (an absolute URL), byte-wise: Foundation's `contains` is slow.
    static func hasScheme(_ text: String) -> Bool {
        var previous: (UInt8, UInt8) = (0, 0)
        for byte in text.utf8 {
            if byte == UInt8(ascii: "/"), previous == (UInt8(ascii: ":"), UInt8(ascii: "/")) { return true }
            previous = (previous.1, byte)
        }
        return false
    }

    /// The resource type and id of `Type/id` or `Type/id/_history/v`, also at the end of an
    /// absolute URL when `anywhere` is set; the type must be an R4 resource type.
    static func typeAndID(_ text: Substring, types: TypeCatalogue, anywhere: Bool = false) -> (Substring, Substring)? {
        if text.utf8.contains(UInt8(ascii: "?")) { return nil }
        var segments = text.split(separator: "/", omittingEmptySubsequences: false)
        if segments.count >= 4, segments[segments.count - 2] == "_history" { segments.removeLast(2) }
        guard segments.count == 2 || (anywhere && segments.count > 2) else { return nil }
        let type = segments[segments.count - 2]
        let id = segments[segments.count - 1]
        guard !id.isEmpty, types.resourceContextID(forName: String(type)) != nil else { return nil }
        return (type, id)
    }

    /// A `resolve()` for indexing: a reference `Type/id` (relative or at the end of an absolute URL)
    /// resolves to an empty resource of that type with that id, so `where(resolve() is Patient)`
    /// works from the reference text alone, without the target at hand (`urn:uuid:` does not).
    static func stubResolver(types: TypeCatalogue) -> @Sendable (String) -> FHIRPathNode? {
        { reference in
            guard let (type, id) = typeAndID(Substring(reference), types: types, anywhere: hasScheme(reference)) else {
                return nil
            }
            let stub = FHIRElement.resource(
                String(type), children: [FHIRElement(name: "id", value: String(id), form: .primitive)])
            return FHIRPathNode(resource: stub, catalogue: types)
        }
    }
}

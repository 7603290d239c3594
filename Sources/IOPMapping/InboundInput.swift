import Foundation
import FHIRCore
import FHIRResources

/// The resources of one input, with what is needed to resolve references between them.
struct InboundInput {
    struct Entry {
        /// `Bundle.entry` index, `nil` for a single resource.
        let index: Int?
        let fullUrl: String?
        let resource: AnyResource?
        /// `Bundle.entry.request.method`.
        let method: String?

        /// The FHIRPath of the resource: `Bundle.entry[3].resource` or `Patient`.
        var path: String {
            if let index { "Bundle.entry[\(index)].resource" } else { resource?.resourceType ?? "Resource" }
        }
    }

    let entries: [Entry]
    let isBundle: Bool
    /// `Bundle.timestamp`, used where a date is needed and the resource gives none.
    let timestamp: String?

    init(_ element: FHIRElement) throws(FHIRModelError) {
        if element.resourceType == "Bundle" {
            let bundle = try Bundle(element: element)
            isBundle = true
            timestamp = bundle.timestamp?.value
            entries = bundle.entry.enumerated().map { index, entry in
                Entry(index: index, fullUrl: entry.fullUrl?.value, resource: entry.resource, method: entry.request?.method.value)
            }
        } else {
            isBundle = false
            timestamp = nil
            entries = [Entry(index: nil, fullUrl: nil, resource: try AnyResource(element: element), method: nil)]
        }
    }
}

/// Where a reference points: an entry (by position in `InboundInput.entries`) or a resource
/// contained in an entry.
enum ResolvedTarget: Hashable {
    case entry(Int)
    case contained(owner: Int, id: String)

    var owner: Int {
        switch self {
        case .entry(let position): position
        case .contained(let owner, _): owner
        }
    }

    /// A stable key for maps.
    var key: String {
        switch self {
        case .entry(let position): "e\(position)"
        case .contained(let owner, let id): "c\(owner)#\(id)"
        }
    }
}

extension InboundInput {
    func resource(at target: ResolvedTarget) -> AnyResource? {
        switch target {
        case .entry(let position): return entries[position].resource
        case .contained(let owner, let id):
            return entries[owner].resource?.containedResources.first { $0.resourceID == id }
        }
    }

    /// Resolves `reference` made inside the resource at `owner` (FHIR R4 references.html,
    /// bundle.html §2.36.4.1): `#id` among the owner's contained resources, an exact `fullUrl`
    /// (`urn:uuid:` or absolute), `Type/id` (relative, or the tail of an absolute URL), and a
    /// conditional `Type?identifier=system|value` against the entries' identifiers.
    func resolve(_ reference: Reference?, from owner: Int) -> ResolvedTarget? {
        guard let text = reference?.reference?.value, !text.isEmpty else {
            // A logical reference by identifier alone.
            if let key = reference?.identifier?.key {
                let type = reference?.type?.value.map { String($0.split(separator: "/").last ?? "") }
                return entries.indices.first { position in
                    guard let resource = entries[position].resource else { return false }
                    return (type == nil || resource.resourceType == type)
                        && resource.businessIdentifiers.contains { $0.key == key }
                }.map(ResolvedTarget.entry)
            }
            return nil
        }
        if text.hasPrefix("#") {
            let id = String(text.dropFirst())
            // A contained resource's own `#x` refers to a sibling in the same container.
            let containers = [owner]
            for container in containers where entries[container].resource?.containedResources.contains(where: { $0.resourceID == id }) == true {
                return .contained(owner: container, id: id)
            }
            return nil
        }
        if let position = entries.firstIndex(where: { $0.fullUrl == text }) { return .entry(position) }
        if let question = text.firstIndex(of: "?") {
            let type = String(text[..<question])
            let query = text[text.index(after: question)...]
            for pair in query.split(separator: "&") where pair.hasPrefix("identifier=") {
                let key = String(pair.dropFirst("identifier=".count)).removingPercentEncodingIfAny
                if let position = entries.firstIndex(where: { entry in
                    entry.resource?.resourceType == type && entry.resource?.businessIdentifiers.contains { $0.key == key } == true
                }) { return .entry(position) }
            }
            return nil
        }
        // `Type/id`, `Type/id/_history/n`, or an absolute URL ending in either.
        guard let address = ResourceAddress(text) else { return nil }
        let (type, id) = (address.type, address.id)
        let tail = "/" + type + "/" + id
        if let position = entries.firstIndex(where: { entry in
            entry.resource?.resourceType == type && (entry.resource?.resourceID == id || entry.fullUrl?.hasSuffix(tail) == true)
        }) { return .entry(position) }
        return nil
    }
}

extension String {
    var removingPercentEncodingIfAny: String { removingPercentEncoding ?? self }
}

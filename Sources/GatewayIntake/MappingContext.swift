import FHIRCore
import IOPMapping

/// A resource that arrives alone (an NDJSON line, a single-resource file, one REST create) may
/// name others the gateway already holds: a MedicationRequest's `subject: Patient/123`. The
/// mapper resolves references only within its input, so those resources are fetched and mapped
/// beside it as context: their records are written again (participants merge on identifiers,
/// so nothing doubles), and only the resource's own verdict is reported.
public struct MappingContext: Sendable {
    /// The stored resource a relative `Type/id` reference names, or `nil`.
    public typealias Lookup = @Sendable (_ type: String, _ id: String) -> FHIRElement?

    let lookup: Lookup
    /// At most this many distinct references are fetched per resource.
    let limit = 16

    public init(lookup: @escaping Lookup) {
        self.lookup = lookup
    }

    /// The types the mapper carries into the domain and that name other resources it needs
    /// (a participant, a practice). Everything else (Encounter, Observation, …) is not for the
    /// IOP, so fetching what it refers to would only cost time: a bulk export is mostly those.
    static let typesNeedingContext: Set<String> = [
        "Patient", "ServiceRequest", "CarePlan", "Appointment", "MedicationRequest", "Communication", "Consent",
    ]

    /// Maps a single resource with the stored resources it refers to.
    func map(_ resource: FHIRElement, with mapper: any InboundMapping) -> MappingOutcome {
        guard Self.typesNeedingContext.contains(resource.resourceType ?? "") else { return mapper.map(resource) }
        var context: [FHIRElement] = []
        var seen: Set<String> = []
        Self.forEachReference(in: resource) { reference in
            guard context.count < limit, seen.insert(reference).inserted else { return }
            let parts = reference.split(separator: "/")
            guard parts.count == 2, let found = lookup(String(parts[0]), String(parts[1])) else { return }
            context.append(found)
        }
        guard !context.isEmpty else { return mapper.map(resource) }
        let entries = ([resource] + context).map { entry in
            FHIRElement(name: "entry", children: [FHIRElement(name: "resource", resourceType: entry.resourceType, children: entry.children)], form: .list)
        }
        let bundle = FHIRElement.resource("Bundle", children: [FHIRElement(name: "type", value: "collection", form: .primitive)] + entries)
        var outcome = mapper.map(bundle)
        let type = resource.resourceType ?? resource.name
        outcome.entries = outcome.entries.filter { $0.entryIndex == 0 }.map { entry in
            EntryOutcome(entryIndex: nil, resourceType: entry.resourceType, verdict: Self.relocated(entry.verdict, to: type))
        }
        return outcome
    }

    /// Issues said `Bundle.entry[0].resource…`; the input was the resource alone.
    private static func relocated(_ verdict: EntryOutcome.Verdict, to type: String) -> EntryOutcome.Verdict {
        func move(_ issues: [Issue]) -> [Issue] {
            issues.map { issue in
                var moved = issue
                if let expression = issue.expression, expression.hasPrefix("Bundle.entry[0].resource") {
                    moved.expression = type + expression.dropFirst("Bundle.entry[0].resource".count)
                }
                return moved
            }
        }
        switch verdict {
        case .mapped(let warnings): return .mapped(warnings: move(warnings))
        case .refused(let issues): return .refused(move(issues))
        case .notForIOP: return verdict
        }
    }

    /// Every relative `Type/id` in a `reference` element of the resource.
    static func forEachReference(in node: FHIRElement, _ body: (String) -> Void) {
        for child in node.children {
            if child.name == "reference", let value = child.value, !value.hasPrefix("#"), !value.contains(":"),
               value.split(separator: "/").count == 2 {
                body(value)
            }
            if !child.isResource { forEachReference(in: child, body) }
        }
    }
}

import FHIRJSON
import GatewayStore

extension MappingContext {
    /// Context read from a store: the current version of the referenced resource.
    public static func store(_ store: any GatewayStore) -> MappingContext {
        MappingContext { type, id in
            guard let stored = try? store.read({ try $0.read(type: type, id: id) }), !stored.isDeleted else { return nil }
            return FHIRJSONReader().read(Array(stored.body)).resource
        }
    }
}

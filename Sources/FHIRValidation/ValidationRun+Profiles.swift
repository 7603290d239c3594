import FHIRCore
import FHIRPath

/// Profiles a resource is checked against: those the caller names for the root resource, and
/// those any resource claims in `meta.profile` (a claim of a profile the registry does not
/// know is reported, since the resource then gets less checking than its sender expects).
extension ValidationRun {
    mutating func applyProfiles(to resource: FHIRElement, contextID: Int, isRoot: Bool) {
        let claimed = resource.child("meta")?.children("profile").compactMap(\.value) ?? []
        var urls = isRoot ? requestedProfiles : []
        for url in claimed where !urls.contains(url) {
            if registry.profiles[url] != nil {
                urls.append(url)
            } else if !url.hasPrefix("http://hl7.org/fhir/StructureDefinition/") {
                report(.warning, .notSupported, "claims a profile this gateway does not know; checked against base R4 only",
                       child: "meta.profile")
            }
        }
        guard !urls.isEmpty else { return }

        let scope = resources
        let bundle = bundles.last
        let catalogue = catalogue
        var walk = ProfileWalk(catalogue: catalogue, registry: registry) { reference in
            ReferenceResolution.resolve(reference, resources: scope, bundle: bundle, catalogue: catalogue).resourceType
        }
        let node = ProfiledNode(
            element: resource, contextID: contextID, typeName: resource.resourceType ?? "",
            path: path.expression(in: catalogue))
        for url in urls {
            guard registry.profiles[url] != nil else {
                report(.error, .notSupported, "the requested profile is not known to this gateway")
                continue
            }
            walk.apply(url, to: node)
        }
        issues += walk.issues
        let resourceNode = FHIRPathNode(element: resource, typeName: node.typeName, contextID: contextID)
        let context = FHIRPathEvaluationContext(resource: resourceNode, rootResource: rootResource, environment: environment)
        for (constraint, profiled, profile) in walk.invariants {
            let focus = FHIRPathNode(
                element: profiled.element, typeName: profiled.typeName, contextID: profiled.contextID,
                primitiveKind: catalogue.types[profiled.typeName].flatMap { type in
                    if case .primitive(let kind) = type.kind { kind } else { nil }
                })
            let labelled = Constraint(key: constraint.key, severity: constraint.severity, expression: constraint.expression,
                                  human: constraint.human + " (profile \(profile))")
            evaluate(invariantCache.compile(labelled), focus: focus, in: context, at: profiled.path)
        }
    }
}

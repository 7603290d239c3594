import FHIRCore

/// Reference targets (references.html §2.3.0): the type a reference points at must be one the
/// element allows, and references that must resolve locally (`#id`, a Bundle's `urn:uuid:`
/// entries) must do so.
extension ValidationRun {
    mutating func checkReference(_ node: FHIRElement, definition: ElementDefinition) {
        let declaredType = node.child("type")?.value
        guard let reference = node.child("reference")?.value else {
            if let declaredType { checkTarget(declaredType, allowed: definition.referenceTargets) }
            return
        }
        guard let target = targetType(of: reference) else { return }
        if let declaredType, declaredType != target {
            report(.error, .value, "Reference.type says \(declaredType) but the reference points at a \(target)",
                   child: "type")
        }
        checkTarget(target, allowed: definition.referenceTargets)
    }

    private mutating func checkTarget(_ type: String, allowed: [String]) {
        guard !allowed.isEmpty, !allowed.contains(type) else { return }
        report(.error, .structure,
               "refers to a resource of type \(type), which is not allowed here (allowed: \(allowed.joined(separator: ", ")))",
               child: "reference")
    }

    /// The resource type a reference points at, when it can be told; reports references that
    /// should resolve locally and do not.
    private mutating func targetType(of reference: String) -> String? {
        if reference.hasPrefix("#") {
            let id = String(reference.dropFirst())
            // A contained resource refers to its container's other contained resources, and `#`
            // alone to the container: look outward, but never beyond a Bundle entry.
            for resource in resources.reversed() {
                if id.isEmpty, resource.child("contained") != nil { return resource.resourceType }
                if let contained = resource.children("contained").first(where: { $0.child("id")?.value == id }) {
                    return contained.resourceType
                }
                if resource.resourceType == "Bundle" { break }
            }
            if id.isEmpty { return resources.last?.resourceType }
            report(.error, .notFound, "the reference points at a contained resource that is not there",
                   child: "reference")
            return nil
        }
        if let bundle = bundles.last {
            if let type = bundle.resourceType(forFullUrl: reference) { return type }
            if reference.hasPrefix("urn:uuid:") || reference.hasPrefix("urn:oid:") {
                let mustResolve = bundle.type == "transaction" || bundle.type == "batch"
                report(mustResolve ? .error : .warning, .notFound,
                       "the reference is a URN that matches no entry's fullUrl in this Bundle", child: "reference")
                return nil
            }
        }
        return typeFromURL(reference)
    }

    /// `Patient/123`, `Patient/123/_history/2`, `https://host/fhir/Patient/123`: the type is the
    /// segment before the id (and before `_history`). Conditional references have it before `?`.
    func typeFromURL(_ reference: String) -> String? {
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

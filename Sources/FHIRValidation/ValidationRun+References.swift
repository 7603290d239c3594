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
        let resolution = ReferenceResolution.resolve(reference, resources: resources, bundle: bundles.last, catalogue: catalogue)
        if case .entry = resolution, bundles.last?.type == "batch" {
            // http.html §3.1.0.11.1: batch entries are processed independently.
            report(.error, .invalid, "an entry of a batch refers to another entry of the same batch", child: "reference")
        }
        switch resolution {
        case .type(let target), .entry(let target):
            if let declaredType, declaredType != target {
                report(.error, .value, "Reference.type says \(declaredType) but the reference points at a \(target)",
                       child: "type")
            }
            checkTarget(target, allowed: definition.referenceTargets)
        case .missingContained:
            break  // ref-1, evaluated on every Reference, reports it in the specification's words
        case .missingEntry:
            let mustResolve = bundles.last?.type == "transaction" || bundles.last?.type == "batch"
            report(mustResolve ? .error : .warning, .notFound,
                   "the reference is a URN that matches no entry's fullUrl in this Bundle", child: "reference")
        case .unknown:
            break
        }
    }

    private mutating func checkTarget(_ type: String, allowed: [String]) {
        guard !allowed.isEmpty, !allowed.contains(type) else { return }
        report(.error, .structure,
               "refers to a resource of type \(type), which is not allowed here (allowed: \(allowed.joined(separator: ", ")))",
               child: "reference")
    }
}

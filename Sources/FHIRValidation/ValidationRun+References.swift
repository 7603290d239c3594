import FHIRCore

/// Reference targets (references.html §2.3.0): the type a reference points at must be one the
/// element allows, and references that must resolve locally (`#id`, a Bundle's `urn:uuid:`
/// entries) must do so.
extension ValidationRun {
    mutating func checkReference(_ node: FHIRElement, definition: ElementDefinition) {
        let declaredType = node.childValue("type")
        guard let reference = node.childValue("reference") else {
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
            if case .entry = resolution, let named = ReferenceResolution.typeFromURL(reference, catalogue: catalogue),
               named != target {
                // bundle.html §2.36.4.1: the entry found by its fullUrl must be the resource the reference names.
                report(.error, .value, "the Bundle entry this reference resolves to holds a \(target), not a \(named)",
                       child: "reference")
            }
            checkTarget(target, allowed: definition.referenceTargets)
        case .ambiguousEntry(let target):
            if bundles.last?.type != "history" {
                // bundle.html §2.36.4.1: without a version, a fullUrl that several entries share
                // does not say which entry is meant.
                report(.error, .multipleMatches,
                       "the reference matches several entries of this Bundle (the same fullUrl, and no version to choose one)",
                       child: "reference")
            }
            if let target { checkTarget(target, allowed: definition.referenceTargets) }
        case .missingContained:
            break  // ref-1, evaluated on every Reference, reports it in the specification's words
        case .missingEntry:
            // A URN resolves nowhere but in its Bundle; transactions, batches and documents
            // (documents.html §3.3.1) must be complete.
            let mustResolve = ["transaction", "batch", "document"].contains(bundles.last?.type ?? "")
            report(mustResolve ? .error : .warning, .notFound,
                   "the reference is a URN that matches no entry's fullUrl in this Bundle", child: "reference")
        case .unknown:
            break
        }
        checkDocumentReference(reference, resolution: resolution, path: definition.path)
    }

    /// documents.html §3.3.1: a document Bundle holds the resources its Composition refers to as
    /// subject, encounter, author, attester, custodian and section author, focus and entries, so
    /// each of those references must resolve to an entry (bundle.html §2.36.4.1).
    private mutating func checkDocumentReference(_ reference: String, resolution: ReferenceResolution, path: String) {
        guard let bundle = bundles.last, bundle.type == "document", bundle.currentEntry?.position == 0,
              resources.count >= 2, resources[resources.count - 2].resourceType == "Bundle",
              Self.documentReferencePaths.contains(path), !reference.hasPrefix("#")
        else { return }
        switch resolution {
        case .entry, .ambiguousEntry, .missingEntry, .missingContained: return
        case .type, .unknown:
            report(.error, .notFound, "the document's Composition refers to a resource that is not in the Bundle",
                   child: "reference")
        }
    }

    static let documentReferencePaths: Set<String> = [
        "Composition.subject", "Composition.encounter", "Composition.author", "Composition.attester.party",
        "Composition.custodian", "Composition.section.author", "Composition.section.focus", "Composition.section.entry",
    ]

    private mutating func checkTarget(_ type: String, allowed: [String]) {
        guard !allowed.isEmpty, !allowed.contains(type) else { return }
        report(.error, .structure,
               "refers to a resource of type \(type), which is not allowed here (allowed: \(allowed.joined(separator: ", ")))",
               child: "reference")
    }
}

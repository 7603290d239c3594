import FHIRCore

/// `dom-3` (resource.html §2.36.0.1.2): a contained resource is referred to from elsewhere in its
/// container (`#id` in a Reference, canonical, uri or url) or itself refers to the container
/// (`#`). The FHIRPath form walks every descendant once per contained resource; here the walk
/// notes each local reference as it passes, so the check costs nothing for resources without
/// `contained` and one set lookup per contained resource otherwise.
extension ValidationRun {
    /// Called for every value that may hold a local reference.
    mutating func noteLocalReference(_ value: String) {
        guard value.hasPrefix("#") else { return }
        // A reference counts for every enclosing resource up to the Bundle entry boundary:
        // the container's descendants include its contained resources.
        var level = localReferences.count - 1
        while level >= 0 {
            localReferences[level].insert(value)
            if resources[level].resourceType == "Bundle" { break }
            level -= 1
        }
    }

    /// After a resource's walk: each contained resource must be referred to, or refer back.
    mutating func checkContainedAreReferenced(_ resource: FHIRElement, references: Set<String>) {
        guard resource.child("contained") != nil else { return }
        for (index, contained) in resource.children("contained").enumerated() {
            guard let id = contained.child("id")?.value else { continue }  // dom-3 needs an id to refer to
            if references.contains("#" + id) { continue }
            if containersReferredBack.last?.contains(index) == true { continue }
            report(.error, .invariant, "dom-3: " + plan.dom3Human, child: "contained[\(index)]")
        }
    }
}

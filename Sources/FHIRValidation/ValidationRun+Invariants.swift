import FHIRCore
import FHIRPath

/// Invariants (`constraint.expression`) evaluated by our FHIRPath engine with the element as
/// focus, its resource as `%resource` and the outermost resource as `%rootResource`
/// (fhirpath.html §2.1.9.1). A failed invariant is reported with its key and the
/// specification's words; one that cannot be evaluated is a warning, never a silent pass.
extension ValidationRun {
    /// The invariants of one node of the resource being walked, with the context made once for
    /// that resource (`%resource`, `%rootResource`, `resolve()`).
    mutating func checkInvariants(_ invariants: [CompiledInvariant], on focus: FHIRPathNode) {
        guard let shared = evaluationContexts.last else { return }
        for invariant in invariants where !invariant.holdsTrivially(on: focus.element) {
            evaluate(invariant, focus: focus, in: shared, at: nil)
        }
    }

    /// Reports the invariant at `expression`, or at the walk's position when `nil`.
    mutating func evaluate(
        _ invariant: CompiledInvariant, focus: FHIRPathNode, in context: FHIRPathEvaluationContext, at expression: String?
    ) {
        let constraint = invariant.constraint
        guard let compiled = invariant.expression else {
            record(.warning, .processing, "\(constraint.key): not checked (its FHIRPath expression does not parse here)",
                   at: expression)
            return
        }
        do {
            if try compiled.evaluateBoolean(focus: focus, in: context) == false {
                record(constraint.severity, .invariant, "\(constraint.key): \(constraint.human)", at: expression)
            }
        } catch {
            record(.warning, .processing, "\(constraint.key): not checked (\(error.message))", at: expression)
        }
    }

    private mutating func record(_ severity: Issue.Severity, _ code: IssueType, _ message: String, at expression: String?) {
        if let expression {
            issues.append(Issue(severity, code, message, expression: expression))
        } else {
            report(severity, code, message)
        }
    }

    /// `%rootResource`: the container of a contained resource, otherwise the resource itself.
    /// A Bundle does not contain its entries in that sense (fhirpath.html §2.1.9.1.1), so the
    /// walk up stops at the resource an entry holds.
    var rootResource: FHIRPathNode? {
        guard let last = resourceNodes.indices.last else { return nil }
        var root = last
        while root > 0, resourceNodes[root - 1].typeName != "Bundle" { root -= 1 }
        return resourceNodes[root]
    }

    /// `resolve()` inside a Bundle: an entry by its `fullUrl`.
    static func environment(for bundle: FHIRElement?, catalogue: TypeCatalogue) -> FHIRPathEnvironment {
        guard let bundle else { return FHIRPathEnvironment(catalogue: catalogue) }
        var entries: [String: FHIRElement] = [:]
        for entry in bundle.children("entry") {
            if let fullUrl = entry.child("fullUrl")?.value, let resource = entry.child("resource") {
                entries[fullUrl] = resource
            }
        }
        let resolvable = entries
        return FHIRPathEnvironment(catalogue: catalogue, resolveReference: { reference in
            resolvable[reference].map { FHIRPathNode(resource: $0, catalogue: catalogue) }
        })
    }
}

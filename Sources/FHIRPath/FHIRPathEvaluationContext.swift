import FHIRCore

/// What the evaluations on the elements of one resource share: `%resource`, `%rootResource`
/// and the environment. Made once per resource and handed to
/// `FHIRPathExpression.evaluateBoolean(focus:in:)` for every invariant of every element, it
/// spares each evaluation copying the nodes and the environment.
///
/// ```swift
/// let shared = FHIRPathEvaluationContext(resource: patientNode, rootResource: patientNode, environment: environment)
/// for element in elements { _ = try ele1.evaluateBoolean(focus: element, in: shared) }
/// ```
public final class FHIRPathEvaluationContext: Sendable {
    /// `%resource`: the resource that holds the focus.
    public let resource: FHIRPathNode?
    /// `%rootResource`: the outermost resource (the container of a contained one).
    public let rootResource: FHIRPathNode?
    public let environment: FHIRPathEnvironment
    let catalogue: TypeCatalogue
    let strictNames: Bool

    /// `rootResource` defaults to `resource`, as in `FHIRPathExpression.evaluate(focus:resource:rootResource:environment:)`.
    public init(
        resource: FHIRPathNode?, rootResource: FHIRPathNode? = nil, environment: FHIRPathEnvironment = FHIRPathEnvironment()
    ) {
        self.resource = resource
        self.rootResource = rootResource ?? resource
        self.environment = environment
        self.catalogue = environment.catalogue
        self.strictNames = environment.strictNames
    }
}

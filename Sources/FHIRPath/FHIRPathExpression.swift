import FHIRCore

/// A FHIRPath expression compiled once and evaluated many times, from any thread.
///
/// ```swift
/// let ele1 = try FHIRPathExpression("hasValue() or (children().count() > id.count())")
/// let holds = try ele1.evaluateBoolean(focus: node, resource: patient)
/// ```
public struct FHIRPathExpression: Sendable, CustomStringConvertible {
    public let text: String
    let root: Expression
    /// Slots for the loop-invariant subexpressions of lambdas (`Expression+Hoisting.swift`).
    let memoSlots: Int

    public init(_ text: String) throws(FHIRPathSyntaxError) {
        var parser = try Parser(text)
        self.text = text
        (self.root, self.memoSlots) = Expression.hoistingInvariants(try parser.parse())
    }

    public var description: String { text }

    /// Evaluates with `resource` as the focus, `%context`, `%resource` and `%rootResource`.
    public func evaluate(
        on resource: FHIRElement, environment: FHIRPathEnvironment = FHIRPathEnvironment()
    ) throws(FHIRPathEvaluationError) -> [FHIRPathItem] {
        let node = FHIRPathNode(resource: resource, catalogue: environment.catalogue)
        return try evaluate(focus: node, resource: node, rootResource: node, environment: environment)
    }

    /// Evaluates with an element inside a resource as the focus and `%context` (an invariant of
    /// `Patient.contact` or of a data type); `resource` is the resource that holds it and
    /// `rootResource` the outermost one (the Bundle of an entry, the container of a contained one).
    public func evaluate(
        focus: FHIRPathNode, resource: FHIRPathNode?, rootResource: FHIRPathNode? = nil,
        environment: FHIRPathEnvironment = FHIRPathEnvironment()
    ) throws(FHIRPathEvaluationError) -> [FHIRPathItem] {
        try evaluate(focus: [.node(focus)], resource: resource, rootResource: rootResource, environment: environment)
    }

    /// Evaluates against any collection as the focus (System values included).
    public func evaluate(
        focus: [FHIRPathItem], resource: FHIRPathNode?, rootResource: FHIRPathNode? = nil,
        environment: FHIRPathEnvironment = FHIRPathEnvironment()
    ) throws(FHIRPathEvaluationError) -> [FHIRPathItem] {
        try evaluate(
            focus: focus,
            in: FHIRPathEvaluationContext(resource: resource, rootResource: rootResource, environment: environment))
    }

    /// Evaluates with an element as the focus and `%context`, `%resource`, `%rootResource` and the
    /// environment taken from `shared`, made once for all the elements of a resource.
    public func evaluate(focus: FHIRPathNode, in shared: FHIRPathEvaluationContext) throws(FHIRPathEvaluationError)
        -> [FHIRPathItem] {
        try evaluate(focus: [.node(focus)], in: shared)
    }

    /// Evaluates against any collection as the focus, with `shared` for the rest.
    public func evaluate(focus: [FHIRPathItem], in shared: FHIRPathEvaluationContext) throws(FHIRPathEvaluationError)
        -> [FHIRPathItem] {
        let evaluator = Evaluator(shared: shared, context: focus, memoSlots: memoSlots)
        do {
            return try evaluator.evaluate(root, input: focus, scope: Scope(this: focus))
        } catch let error as FHIRPathEvaluationError {
            throw error
        } catch {
            throw FHIRPathEvaluationError(.execution, "unexpected failure")
        }
    }

    /// The result as an invariant reads it (N1 §4.5 singleton evaluation): `true`/`false` for a
    /// single Boolean, `nil` for an empty result; a single non-Boolean item counts as `true`.
    public func evaluateBoolean(
        focus: FHIRPathNode, resource: FHIRPathNode?, rootResource: FHIRPathNode? = nil,
        environment: FHIRPathEnvironment = FHIRPathEnvironment()
    ) throws(FHIRPathEvaluationError) -> Bool? {
        try evaluateBoolean(
            focus: focus,
            in: FHIRPathEvaluationContext(resource: resource, rootResource: rootResource, environment: environment))
    }

    /// `evaluateBoolean(focus:resource:rootResource:environment:)` with `%resource`,
    /// `%rootResource` and the environment from `shared`: the validator's fast path, one
    /// `FHIRPathEvaluationContext` per resource for all the invariants of its elements.
    public func evaluateBoolean(focus: FHIRPathNode, in shared: FHIRPathEvaluationContext)
        throws(FHIRPathEvaluationError) -> Bool? {
        let input: Items = [.node(focus)]
        if Evaluator.isLogical(root) {
            // At most one Boolean: its reading is the answer, with no collection built for it.
            let evaluator = Evaluator(shared: shared, context: input, memoSlots: memoSlots)
            do {
                return try evaluator.condition(root, input: input, scope: Scope(this: input), "")
            } catch let error as FHIRPathEvaluationError {
                throw error
            } catch {
                throw FHIRPathEvaluationError(.execution, "unexpected failure")
            }
        }
        let result = try evaluate(focus: input, in: shared)
        guard let first = result.first else { return nil }
        guard result.count == 1 else {
            throw FHIRPathEvaluationError(.execution, "expected a single Boolean, got \(result.count) items")
        }
        if case .boolean(let value)? = first.systemValue { return value }
        return true
    }
}

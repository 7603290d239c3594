import FHIRCore
import FHIRPath

/// An invariant with its FHIRPath expression parsed once, shared by every validation.
///
/// A class: the walk hands one out for every invariant it checks, and a reference costs one
/// retain where this struct of strings and an expression tree cost one for each of them.
final class CompiledInvariant: Sendable {
    let constraint: Constraint
    /// `nil` when the expression does not parse: the invariant is then reported as not checked
    /// instead of being silently skipped.
    let expression: FHIRPathExpression?

    init(constraint: Constraint, expression: FHIRPathExpression?) {
        self.constraint = constraint
        self.expression = expression
    }

    /// Parses each distinct expression once.
    final class Cache: @unchecked Sendable {
        // Used from one thread at a time: a plan fills it once while it is built (under
        // `static let` or in `FHIRValidator.init`), and each validation run owns its own.
        private var compiled: [String: FHIRPathExpression?] = [:]

        func compile(_ constraint: Constraint) -> CompiledInvariant {
            if let expression = compiled[constraint.expression] {
                return CompiledInvariant(constraint: constraint, expression: expression)
            }
            let expression = try? FHIRPathExpression(constraint.expression)
            compiled[constraint.expression] = expression
            return CompiledInvariant(constraint: constraint, expression: expression)
        }
    }
}

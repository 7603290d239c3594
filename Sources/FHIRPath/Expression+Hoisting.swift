/// Loop-invariant subexpressions of lambdas, computed once per evaluation.
///
/// `entry.all(request.exists() = (%resource.type = 'batch' or …))` would navigate `%resource`
/// again for every entry; a subexpression of a lambda argument that reads neither the input nor
/// `$this`, `$index` or `$total` (only literals, `%` constants, and pure navigation and functions
/// over them) has one value for the whole evaluation. Such a subexpression is wrapped in
/// `.memo(expression, slot)`: evaluated where and when it was before (so errors and
/// short-circuits stay as they were), remembered after the first time.
extension Expression {
    /// The expression with its hoistable subexpressions wrapped, and the number of slots used.
    static func hoistingInvariants(_ expression: Expression) -> (Expression, slots: Int) {
        var slots = 0
        let result = rewrite(expression, inLambda: false, slots: &slots)
        return (result, slots)
    }

    private static func rewrite(_ expression: Expression, inLambda: Bool, slots: inout Int) -> Expression {
        if inLambda, expression.isInputIndependent, expression.isWorthRemembering {
            defer { slots += 1 }
            return .memo(expression, slots)
        }
        switch expression {
        case .literal, .emptyCollection, .this, .index, .total, .constant, .identifier, .memo:
            return expression
        case .member(let base, let name):
            return .member(rewrite(base, inLambda: inLambda, slots: &slots), name)
        case .call(let base, let call):
            let newBase = base.map { rewrite($0, inLambda: inLambda, slots: &slots) }
            let lambda = inLambda || call.function.takesLambda
            let arguments = call.arguments.map { argument in
                // `sort(-key)` reads its leading minus as "descending": keep it visible.
                if call.function == .sort, case .negate(let key) = argument {
                    return Expression.negate(rewrite(key, inLambda: lambda, slots: &slots))
                }
                return rewrite(argument, inLambda: lambda, slots: &slots)
            }
            return .call(newBase, FunctionCall(function: call.function, arguments: arguments, type: call.type, regex: call.regex))
        case .childCount(let base):
            return .childCount(base.map { rewrite($0, inLambda: inLambda, slots: &slots) })
        case .indexer(let base, let index):
            return .indexer(rewrite(base, inLambda: inLambda, slots: &slots), rewrite(index, inLambda: inLambda, slots: &slots))
        case .negate(let operand):
            return .negate(rewrite(operand, inLambda: inLambda, slots: &slots))
        case .binary(let op, let left, let right):
            return .binary(op, rewrite(left, inLambda: inLambda, slots: &slots), rewrite(right, inLambda: inLambda, slots: &slots))
        case .typeTest(let operand, let type):
            return .typeTest(rewrite(operand, inLambda: inLambda, slots: &slots), type)
        case .typeCast(let operand, let type):
            return .typeCast(rewrite(operand, inLambda: inLambda, slots: &slots), type)
        }
    }

    /// The expression a `.memo` wraps, or the expression itself.
    var withoutMemo: Expression {
        if case .memo(let inner, _) = self { return inner }
        return self
    }

    /// Reads nothing but literals and `%` constants, through functions without side effects or clock.
    private var isInputIndependent: Bool {
        switch self {
        case .literal, .emptyCollection, .constant:
            return true
        case .this, .index, .total, .identifier, .memo:
            return false
        case .member(let base, _):
            return base.isInputIndependent
        case .call(let base, let call):
            guard let base, base.isInputIndependent, !call.function.takesLambda else { return false }
            switch call.function {
            case .now, .today, .timeOfDay, .trace, .iif: return false
            default: return call.arguments.allSatisfy(\.isInputIndependent)
            }
        case .childCount(let base):
            return base?.isInputIndependent ?? false
        case .indexer(let base, let index):
            return base.isInputIndependent && index.isInputIndependent
        case .negate(let operand), .typeTest(let operand, _), .typeCast(let operand, _):
            return operand.isInputIndependent
        case .binary(_, let left, let right):
            return left.isInputIndependent && right.isInputIndependent
        }
    }

    /// Whether remembering saves work: a navigation or an operation, not a bare literal or constant.
    private var isWorthRemembering: Bool {
        switch self {
        case .literal, .emptyCollection, .constant: false
        default: true
        }
    }
}

/// The remembered values of one evaluation, one slot per `.memo` of the expression.
final class MemoTable {
    var values: [Items?]

    init(slots: Int) {
        values = Array(repeating: nil, count: slots)
    }
}

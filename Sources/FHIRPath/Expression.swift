import Foundation

/// The compiled form of an expression: parsed once, evaluated many times, shared across threads.
indirect enum Expression: Sendable {
    case literal(FHIRPathItem)
    /// `{}`
    case emptyCollection
    case this
    case index
    case total
    /// `%name`: a variable of the environment or one of the FHIR constants.
    case constant(String)
    /// A name at the start of a path, navigated from the current input; a type name there
    /// (`Patient.name`) selects the input when it is of that type.
    case identifier(String)
    /// `base.name`
    case member(Expression, String)
    /// `base.function(…)`, or `function(…)` on the current input when `base` is nil.
    case call(Expression?, FunctionCall)
    /// `base.children().count()` without building the children: `ele-1` asks it of every element.
    case childCount(Expression?)
    case indexer(Expression, Expression)
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    case typeTest(Expression, TypeSpecifier)
    case typeCast(Expression, TypeSpecifier)
    /// A subexpression of a lambda that does not depend on the item: evaluated once per
    /// evaluation, its value kept in the slot (`Expression+Hoisting.swift`).
    case memo(Expression, Int)
}

enum BinaryOperator: String, Sendable {
    case multiply = "*", divide = "/", div, mod
    case add = "+", subtract = "-", concatenate = "&"
    case union = "|"
    case less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case equal = "=", equivalent = "~", notEqual = "!=", notEquivalent = "!~"
    case `in`, contains
    case and, or, xor, implies

    /// Binding strength from N1 §"Operator precedence": higher binds tighter.
    var precedence: Int {
        switch self {
        case .multiply, .divide, .div, .mod: 10
        case .add, .subtract, .concatenate: 9
        case .union: 7
        case .less, .greater, .lessOrEqual, .greaterOrEqual: 6
        case .equal, .equivalent, .notEqual, .notEquivalent: 5
        case .in, .contains: 4
        case .and: 3
        case .or, .xor: 2
        case .implies: 1
        }
    }
}

/// `is`/`as`/`ofType` operands: `Quantity`, `FHIR.Patient`, `System.String`.
struct TypeSpecifier: Sendable, Hashable, CustomStringConvertible {
    let namespace: String?
    let name: String

    var description: String { namespace.map { "\($0).\(name)" } ?? name }
}

/// A function invocation with its arguments kept unevaluated: the function decides when and
/// against what to evaluate them (lambdas like `where` evaluate per item).
struct FunctionCall: Sendable {
    let function: FHIRPathFunction
    let arguments: [Expression]
    /// For `is`, `as`, `ofType`: the type argument, resolved at parse time.
    let type: TypeSpecifier?
    /// For `matches`, `matchesFull`, `replaceMatches` with a literal pattern: compiled once.
    let regex: CompiledRegex?
}

/// An `NSRegularExpression` compiled when the expression is.
///
/// `@unchecked Sendable`: an `NSRegularExpression` is immutable after creation and Apple
/// documents it as safe to use from several threads at once.
final class CompiledRegex: @unchecked Sendable {
    let regex: NSRegularExpression

    init(_ regex: NSRegularExpression) {
        self.regex = regex
    }

    /// FHIRPath regexes follow PCRE with `.` matching newlines (N1 §5.6.10, single-line mode).
    static func compile(_ pattern: String) -> CompiledRegex? {
        (try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])).map(CompiledRegex.init)
    }
}

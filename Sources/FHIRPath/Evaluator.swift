import FHIRCore
import Foundation

typealias Items = [FHIRPathItem]

/// `$this`, `$index` and `$total` as bound by the innermost lambda (or the focus at the top).
struct Scope {
    var this: Items
    var index: Int?
    var total: Items?
}

/// Evaluates a compiled expression; one per evaluation, holding what every step needs. What
/// stays the same across evaluations (the environment, `%resource`, `%rootResource`) is shared
/// by reference, so making one costs a retain rather than a copy of every node and closure.
struct Evaluator {
    let shared: FHIRPathEvaluationContext
    let context: Items
    /// Values of the expression's loop-invariant subexpressions, `nil` when it has none.
    let memo: MemoTable?

    init(shared: FHIRPathEvaluationContext, context: Items, memoSlots: Int = 0) {
        self.shared = shared
        self.context = context
        self.memo = memoSlots > 0 ? MemoTable(slots: memoSlots) : nil
    }

    var environment: FHIRPathEnvironment { shared.environment }
    var catalogue: TypeCatalogue { shared.catalogue }
    var resource: FHIRPathNode? { shared.resource }
    var rootResource: FHIRPathNode? { shared.rootResource }
    var strictNames: Bool { shared.strictNames }

    /// The evaluation's clock, read only by `now()`, `today()` and `timeOfDay()`.
    var now: Date { environment.now ?? Date() }

    func fail(_ message: String) -> FHIRPathEvaluationError {
        FHIRPathEvaluationError(.execution, message)
    }

    func semantic(_ message: String) -> FHIRPathEvaluationError {
        FHIRPathEvaluationError(.semantic, message)
    }

    func evaluate(_ expression: Expression, input: Items, scope: Scope) throws -> Items {
        switch expression {
        case .literal(let value):
            return [value]
        case .emptyCollection:
            return []
        case .this:
            return scope.this
        case .index:
            return scope.index.map { [.integer($0)] } ?? []
        case .total:
            return scope.total ?? []
        case .constant(let name):
            return try constant(name)
        case .identifier(let name):
            return try navigate(input, to: name, atPathStart: true)
        case .member(let base, let name):
            return try navigate(try evaluate(base, input: input, scope: scope), to: name, atPathStart: false)
        case .childCount(let base):
            let items = try base.map { try evaluate($0, input: input, scope: scope) } ?? input
            var count = 0
            for case .node(let node) in items { count += node.element.children.count }
            return [.integer(count)]
        case .call(let base, let call):
            if strictNames, case .call(_, let inner)? = base?.withoutMemo, call.function.needsOrder,
               inner.function == .children || inner.function == .descendants {
                throw semantic("\(call.function.rawValue)() needs an ordered collection")
            }
            let target = try base.map { try evaluate($0, input: input, scope: scope) } ?? input
            return try invoke(call, on: target, scope: scope)
        case .indexer(let base, let indexExpression):
            let items = try evaluate(base, input: input, scope: scope)
            let index = try evaluate(indexExpression, input: scope.this, scope: scope)
            guard let position = try integer(index, "indexer") else { return [] }
            return position >= 0 && position < items.count ? [items[position]] : []
        case .negate(let operand):
            return try negate(try evaluate(operand, input: input, scope: scope))
        case .binary(let op, let left, let right):
            return try binary(op, left, right, input: input, scope: scope)
        case .typeTest(let operand, let type):
            let items = try evaluate(operand, input: input, scope: scope)
            guard let item = try single(items, "is") else { return [] }
            return [.boolean(try matches(item, type))]
        case .typeCast(let operand, let type):
            let items = try evaluate(operand, input: input, scope: scope)
            if items.count > 1 && environment.castsFilterCollections {
                return try items.filter { try matches($0, type, exactPrimitive: true) }
            }
            guard let item = try single(items, "as") else { return [] }
            return try matches(item, type, exactPrimitive: true) ? [item] : []
        case .memo(let inner, let slot):
            guard let memo else { return try evaluate(inner, input: input, scope: scope) }
            if let value = memo.values[slot] { return value }
            let value = try evaluate(inner, input: input, scope: scope)
            memo.values[slot] = value
            return value
        }
    }

    private func constant(_ name: String) throws -> Items {
        switch name {
        case "context": return context
        case "resource": return resource.map { [.node($0)] } ?? []
        case "rootResource": return rootResource.map { [.node($0)] } ?? []
        case "ucum": return [.string("http://unitsofmeasure.org")]
        case "sct": return [.string("http://snomed.info/sct")]
        case "loinc": return [.string("http://loinc.org")]
        default:
            if let value = environment.variables[name] { return value }
            if name.hasPrefix("vs-") { return [.string("http://hl7.org/fhir/ValueSet/" + name.dropFirst(3))] }
            if name.hasPrefix("ext-") {
                return [.string("http://hl7.org/fhir/StructureDefinition/" + name.dropFirst(4))]
            }
            throw semantic("unknown variable %\(name)")
        }
    }

    // MARK: Collections to single values

    /// The one item of a collection, `nil` when empty; several items are an error (N1 §4.5).
    func single(_ items: Items, _ operation: @autoclosure () -> String) throws -> FHIRPathItem? {
        guard items.count <= 1 else { throw fail("\(operation()) expects a single item, got \(items.count)") }
        return items.first
    }

    /// A single item's System value (primitive nodes converted).
    func singleValue(_ items: Items, _ operation: @autoclosure () -> String) throws -> FHIRPathItem? {
        try single(items, operation())?.systemValue
    }

    func integer(_ items: Items, _ operation: @autoclosure () -> String) throws -> Int? {
        guard let value = try singleValue(items, operation()) else { return nil }
        guard case .integer(let integer) = value else { throw fail("\(operation()) expects an Integer") }
        return integer
    }

    func string(_ items: Items, _ operation: @autoclosure () -> String) throws -> String? {
        guard let value = try singleValue(items, operation()) else { return nil }
        guard case .string(let text) = value else { throw fail("\(operation()) expects a String") }
        return text
    }

    /// Boolean reading of an operand (N1 §4.5 singleton evaluation): empty → nil, one Boolean
    /// → its value, any other single item → true (`true and 'foo'` is true), several → error.
    func boolean(_ items: Items, _ operation: @autoclosure () -> String) throws -> Bool? {
        guard let item = try single(items, operation()) else { return nil }
        if case .boolean(let flag)? = item.systemValue { return flag }
        return true
    }

    /// The criterion of `where`, `all`, `exists`, `iif`: like `boolean` but a non-Boolean single
    /// item is an error in strict mode.
    func criterion(_ items: Items, _ operation: @autoclosure () -> String) throws -> Bool? {
        guard let item = try single(items, operation()) else { return nil }
        if case .boolean(let flag)? = item.systemValue { return flag }
        if strictNames { throw semantic("\(operation()) expects a Boolean criterion") }
        return true
    }

    private func negate(_ items: Items) throws -> Items {
        guard let value = try singleValue(items, "unary minus") else { return [] }
        switch value {
        case .integer(let integer): return [.integer(-integer)]
        case .decimal(var decimal):
            decimal.value = -decimal.value
            return [.decimal(decimal)]
        case .quantity(var quantity):
            quantity.value.value = -quantity.value.value
            return [.quantity(quantity)]
        default: throw fail("unary minus expects a number or quantity")
        }
    }
}

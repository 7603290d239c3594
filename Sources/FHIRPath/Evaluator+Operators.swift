import Foundation

/// Binary operators: logic with three values (N1 §6.5), comparison (§6.2), membership (§6.4),
/// collections (§6.3) and arithmetic (§6.6).
extension Evaluator {
    func binary(_ op: BinaryOperator, _ left: Expression, _ right: Expression, input: Items, scope: Scope) throws -> Items {
        switch op {
        case .and, .or, .implies, .equal, .notEqual, .less, .greater, .lessOrEqual, .greaterOrEqual:
            return Self.items(try logicalBinary(op, left, right, input: input, scope: scope))
        default:
            break
        }
        let lhs = try evaluate(left, input: input, scope: scope)
        let rhs = try evaluate(right, input: input, scope: scope)
        switch op {
        case .xor:
            guard let a = try boolean(lhs, "xor"), let b = try boolean(rhs, "xor") else { return [] }
            return [.boolean(a != b)]
        case .union:
            return distinctItems(lhs + rhs)
        case .equal:
            return equal(lhs, rhs).map { [.boolean($0)] } ?? []
        case .notEqual:
            return equal(lhs, rhs).map { [.boolean(!$0)] } ?? []
        case .equivalent:
            return [.boolean(equivalent(lhs, rhs))]
        case .notEquivalent:
            return [.boolean(!equivalent(lhs, rhs))]
        case .in:
            guard let item = try single(lhs, "in") else { return [] }
            return [.boolean(collection(rhs, contains: item))]
        case .contains:
            guard let item = try single(rhs, "contains") else { return [] }
            return [.boolean(collection(lhs, contains: item))]
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            return Self.items(try ordering(op, lhs, rhs))
        case .concatenate:
            let a = try string(lhs, "&") ?? ""
            let b = try string(rhs, "&") ?? ""
            return [.string(a + b)]
        default:
            guard let a = try singleValue(lhs, op.rawValue), let b = try singleValue(rhs, op.rawValue) else { return [] }
            return try arithmetic(op, a, b).map { [$0] } ?? []
        }
    }

    /// `<`, `>`, `<=`, `>=` on two evaluated operands; `nil` for an empty result.
    func ordering(_ op: BinaryOperator, _ lhs: Items, _ rhs: Items) throws -> Bool? {
        guard let a = try singleValue(lhs, op.rawValue), let b = try singleValue(rhs, op.rawValue),
              let order = try compare(a, b, op.rawValue)
        else { return nil }
        return switch op {
        case .less: order < 0
        case .greater: order > 0
        case .lessOrEqual: order <= 0
        default: order >= 0
        }
    }

    /// Ordering of two System values of comparable types; `nil` when precision leaves it open.
    func compare(_ a: FHIRPathItem, _ b: FHIRPathItem, _ operation: String) throws -> Int? {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y ? 0 : (x < y ? -1 : 1)
        case (.temporal(let x), .temporal(let y)):
            guard (x.kind == .time) == (y.kind == .time) else { throw fail("\(operation) cannot compare these types") }
            return FHIRPathDateTime.compare(x, y)
        case (.quantity(let x), .quantity(let y)):
            return FHIRPathQuantity.compare(x, y)
        default:
            guard let x = decimalValue(a), let y = decimalValue(b) else {
                throw fail("\(operation) cannot compare \(a.typeName.name) with \(b.typeName.name)")
            }
            return x.value == y.value ? 0 : (x.value < y.value ? -1 : 1)
        }
    }

    func arithmetic(_ op: BinaryOperator, _ a: FHIRPathItem, _ b: FHIRPathItem) throws -> FHIRPathItem? {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            return try integerArithmetic(op, x, y)
        case (.string(let x), .string(let y)) where op == .add:
            return .string(x + y)
        case (.temporal(let date), .quantity(let quantity)) where op == .add || op == .subtract:
            return .temporal(try move(date, by: quantity, negate: op == .subtract))
        case (.quantity(let x), .quantity(let y)):
            return try quantityArithmetic(op, x, y)
        case (.quantity(var x), _) where op == .multiply || op == .divide:
            guard let factor = decimalValue(b) else { throw fail("\(op.rawValue) cannot combine these types") }
            guard let product = decimalArithmetic(op, x.value, factor) else { return nil }
            x.value = product
            return .quantity(x)
        case (_, .quantity(var y)) where op == .multiply:
            guard let factor = decimalValue(a) else { throw fail("* cannot combine these types") }
            y.value = decimalArithmetic(op, factor, y.value) ?? y.value
            return .quantity(y)
        default:
            guard let x = decimalValue(a), let y = decimalValue(b) else {
                throw fail("\(op.rawValue) cannot combine \(a.typeName.name) with \(b.typeName.name)")
            }
            if op == .div {
                guard y.value != 0 else { return nil }
                let quotient = (x.value / y.value).roundedTo(0, x.value / y.value < 0 ? .up : .down)
                return FHIRPathDecimal(quotient, scale: 0).exactInteger.map(FHIRPathItem.integer)
            }
            return decimalArithmetic(op, x, y).map(FHIRPathItem.decimal)
        }
    }

    private func integerArithmetic(_ op: BinaryOperator, _ x: Int, _ y: Int) throws -> FHIRPathItem? {
        let result: (partialValue: Int, overflow: Bool)
        switch op {
        case .add: result = x.addingReportingOverflow(y)
        case .subtract: result = x.subtractingReportingOverflow(y)
        case .multiply: result = x.multipliedReportingOverflow(by: y)
        case .div:
            guard y != 0 else { return nil }
            result = x.dividedReportingOverflow(by: y)
        case .mod:
            guard y != 0 else { return nil }
            result = x.remainderReportingOverflow(dividingBy: y)
        case .divide:
            return decimalArithmetic(op, FHIRPathDecimal(x), FHIRPathDecimal(y)).map(FHIRPathItem.decimal)
        default:
            throw fail("\(op.rawValue) does not apply to integers")
        }
        return result.overflow ? nil : .integer(result.partialValue)
    }

    func decimalArithmetic(_ op: BinaryOperator, _ x: FHIRPathDecimal, _ y: FHIRPathDecimal) -> FHIRPathDecimal? {
        switch op {
        case .add: return FHIRPathDecimal(x.value + y.value, scale: max(x.scale, y.scale))
        case .subtract: return FHIRPathDecimal(x.value - y.value, scale: max(x.scale, y.scale))
        case .multiply: return FHIRPathDecimal(x.value * y.value, scale: min(x.scale + y.scale, 28))
        case .divide:
            guard y.value != 0 else { return nil }
            return FHIRPathDecimal(computed: x.value / y.value)
        case .mod:
            guard y.value != 0 else { return nil }
            let quotient = (x.value / y.value).roundedTo(0, x.value / y.value < 0 ? .up : .down)
            return FHIRPathDecimal(x.value - quotient * y.value, scale: max(x.scale, y.scale))
        default:
            return nil
        }
    }

    private func quantityArithmetic(_ op: BinaryOperator, _ x: FHIRPathQuantity, _ y: FHIRPathQuantity) throws
        -> FHIRPathItem? {
        switch op {
        case .add, .subtract:
            guard x.unit == y.unit else {
                guard x.isComparable(to: y) else { throw fail("\(op.rawValue) needs quantities of one dimension") }
                return nil
            }
            var result = x
            result.value = decimalArithmetic(op, x.value, y.value) ?? x.value
            return .quantity(result)
        case .multiply, .divide:
            guard let value = decimalArithmetic(op, x.value, y.value) else { return nil }
            if x.unit == y.unit && op == .divide { return .quantity(FHIRPathQuantity(value: value, unit: "1")) }
            let unit = x.unit == "1" ? y.unit : (y.unit == "1" ? x.unit : "\(x.unit)\(op == .multiply ? "." : "/")\(y.unit)")
            return .quantity(FHIRPathQuantity(value: value, unit: unit))
        default:
            throw fail("\(op.rawValue) does not apply to quantities")
        }
    }

    /// Date/time plus or minus a time-valued quantity (N1 §6.6.1). `'a'` and `'mo'` are not
    /// calendar durations and are refused, as the official tests expect.
    private func move(_ date: FHIRPathDateTime, by quantity: FHIRPathQuantity, negate: Bool) throws -> FHIRPathDateTime {
        guard let unit = quantity.durationUnit else { throw fail("a date moves only by a calendar duration") }
        let whole = quantity.value.value.roundedTo(0, quantity.value.value < 0 ? .up : .down)
        guard let amount = FHIRPathDecimal(whole, scale: 0).exactInteger else { throw fail("duration out of range") }
        return date.adding(negate ? -amount : amount, unit)
    }
}

extension FHIRPathDecimal {
    /// A computed decimal keeps the digits the arithmetic produced (at most 8 after the point
    /// for inexact quotients, as the reference implementations print them).
    init(computed value: Decimal) {
        let exponent = value.exponent
        let scale = exponent < 0 ? min(-exponent, 8) : 0
        self.init(value.roundedTo(scale), scale: scale)
        var trimmed = self
        while trimmed.scale > 0 && trimmed.value == trimmed.value.roundedTo(trimmed.scale - 1) && scale > 0
            && -exponent > 8 {
            trimmed.scale -= 1
        }
        self = trimmed
    }
}

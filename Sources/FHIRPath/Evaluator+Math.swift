import Foundation

/// Math functions (N1 §5.7) and the 2.0 precision functions (`lowBoundary`, `highBoundary`,
/// `precision`, `comparable`).
extension Evaluator {
    func mathFunction(_ call: FunctionCall, _ target: Items, _ scope: Scope) throws -> Items {
        var name: String { "\(call.function.rawValue)()" }
        guard let value = try singleValue(target, name) else { return [] }
        if call.function == .abs, case .quantity(var quantity) = value {
            quantity.value.value = Swift.abs(quantity.value.value)
            return [.quantity(quantity)]
        }
        guard let number = decimalValue(value) else { throw fail("\(name) expects a number") }
        let isInteger = if case .integer = value { true } else { false }
        switch call.function {
        case .abs:
            if case .integer(let integer) = value { return [.integer(Swift.abs(integer))] }
            return [.decimal(FHIRPathDecimal(Swift.abs(number.value), scale: number.scale))]
        case .ceiling: return wholeNumber(number.value.roundedTo(0, .up))
        case .floor: return wholeNumber(number.value.roundedTo(0, .down))
        case .truncate: return wholeNumber(number.value.roundedTo(0, number.value < 0 ? .up : .down))
        case .round:
            let places = call.arguments.isEmpty ? 0 : (try integer(argument(call, 0, scope), name) ?? 0)
            guard places >= 0 else { throw fail("round() expects a non-negative precision") }
            return [.decimal(number.rounded(places))]
        case .exp: return double(Foundation.exp(number.doubleValue))
        case .ln:
            guard number.value > 0 else { return [] }
            return double(Foundation.log(number.doubleValue))
        case .sqrt:
            guard number.value >= 0 else { return [] }
            return double(number.doubleValue.squareRoot())
        case .log:
            guard let base = try singleValue(argument(call, 0, scope), name).flatMap(decimalValue),
                  number.value > 0, base.value > 0, base.value != 1
            else { return [] }
            return double(Foundation.log(number.doubleValue) / Foundation.log(base.doubleValue))
        case .power:
            guard let exponentItem = try singleValue(argument(call, 0, scope), name),
                  let exponent = decimalValue(exponentItem)
            else { return [] }
            if isInteger, case .integer(let power) = exponentItem, power >= 0, case .integer(let base) = value {
                var result = 1
                for _ in 0..<power {
                    let step = result.multipliedReportingOverflow(by: base)
                    if step.overflow { return [] }
                    result = step.partialValue
                }
                return [.integer(result)]
            }
            let result = Foundation.pow(number.doubleValue, exponent.doubleValue)
            return result.isNaN ? [] : double(result)
        default:
            return []
        }
    }

    private func wholeNumber(_ value: Decimal) -> Items {
        FHIRPathDecimal(value, scale: 0).exactInteger.map { [.integer($0)] } ?? []
    }

    private func double(_ value: Double) -> Items {
        guard value.isFinite else { return [] }
        return [.decimal(FHIRPathDecimal(computed: Decimal(value)))]
    }

    func precisionFunction(_ call: FunctionCall, _ target: Items, _ scope: Scope) throws -> Items {
        var name: String { "\(call.function.rawValue)()" }
        guard let value = try singleValue(target, name) else { return [] }
        if call.function == .comparable {
            guard case .quantity(let left) = value,
                  case .quantity(let right)? = try singleValue(argument(call, 0, scope), name)
            else { return [] }
            return [.boolean(left.isComparable(to: right))]
        }
        if call.function == .precision {
            switch value {
            case .decimal(let decimal): return [.integer(decimal.scale)]
            case .integer: return [.integer(0)]
            case .temporal(let temporal): return [.integer(temporal.digitCount)]
            default: return []
            }
        }
        let requested = call.arguments.isEmpty ? nil : try integer(argument(call, 0, scope), name)
        let low = call.function == .lowBoundary
        switch value {
        case .integer, .decimal:
            return boundary(decimalValue(value)!, requested, low: low).map { [.decimal($0)] } ?? []
        case .quantity(var quantity):
            guard let bound = boundary(quantity.value, requested, low: low) else { return [] }
            quantity.value = bound
            return [.quantity(quantity)]
        case .temporal(let temporal):
            return temporal.boundary(requested, low: low).map { [.temporal($0)] } ?? []
        default:
            return []
        }
    }

    /// The edge of the interval a decimal stands for: half a unit of its last digit either side.
    private func boundary(_ number: FHIRPathDecimal, _ requested: Int?, low: Bool) -> FHIRPathDecimal? {
        let places = requested ?? 8
        guard places >= 0, places <= 28 else { return nil }
        var half = Decimal(5)
        half = half * Foundation.pow(Decimal(10), 0) / Foundation.pow(Decimal(10), number.scale + 1)
        let edge = low ? number.value - half : number.value + half
        if Swift.abs(edge) < Foundation.pow(Decimal(10), 0) / Foundation.pow(Decimal(10), places) && places > 0 {
            return FHIRPathDecimal(0, scale: places)
        }
        return FHIRPathDecimal(edge.roundedTo(places, low ? .down : .up), scale: places)
    }
}

extension FHIRPathDateTime {
    /// Digits of precision as `precision()` counts them: `@2014` 4, `@T10:30` 4, milliseconds 17.
    var digitCount: Int {
        let dateDigits = [4, 6, 8, 10, 12, 14, 17]
        let timeDigits = [0, 0, 0, 2, 4, 6, 9]
        return (kind == .time ? timeDigits : dateDigits)[precision.rawValue]
    }

    /// The earliest or latest value this partial value may stand for, at `digits` precision.
    func boundary(_ digits: Int?, low: Bool) -> FHIRPathDateTime? {
        let table: [(Int, Precision)] = kind == .time
            ? [(2, .hour), (4, .minute), (6, .second), (9, .millisecond)]
            : [(4, .year), (6, .month), (8, .day), (10, .hour), (12, .minute), (14, .second), (17, .millisecond)]
        let wanted = digits ?? table.last!.0
        guard let target = table.first(where: { $0.0 == wanted })?.1 else { return nil }
        var result = self
        if precision == .hour { result.precision = .minute }
        if result.precision < .month { result.month = low ? 1 : 12 }
        if result.precision < .day { result.day = low ? 1 : CalendarMath.daysIn(month: result.month, year: year) }
        if result.precision < .hour { result.hour = low ? 0 : 23 }
        if result.precision < .minute { result.minute = low ? 0 : 59 }
        if result.precision < .second { result.second = low ? 0 : 59 }
        if result.precision < .millisecond { result.millisecond = low ? 0 : 999 }
        result.precision = target
        if kind != .time {
            if target <= .day {
                result.kind = kind == .dateTime && target > .day ? .dateTime : .date
                result.timeZoneOffset = nil
            } else {
                result.kind = .dateTime
                if result.timeZoneOffset == nil { result.timeZoneOffset = low ? 14 * 60 : -12 * 60 }
            }
        }
        return result
    }
}

import Foundation

/// Conversion functions, N1 §5.5: `toX()` gives empty where `convertsToX()` gives false.
extension Evaluator {
    func convert(_ function: FHIRPathFunction, _ target: Items, _ call: FunctionCall, _ scope: Scope) throws -> Items {
        guard let value = try singleValue(target, "\(function.rawValue)()") else { return [] }
        switch function {
        case .toBoolean: return toBoolean(value).map { [.boolean($0)] } ?? []
        case .convertsToBoolean: return [.boolean(toBoolean(value) != nil)]
        case .toInteger: return toInteger(value).map { [.integer($0)] } ?? []
        case .convertsToInteger: return [.boolean(toInteger(value) != nil)]
        case .toDecimal: return toDecimal(value).map { [.decimal($0)] } ?? []
        case .convertsToDecimal: return [.boolean(toDecimal(value) != nil)]
        case .toString: return toText(value).map { [.string($0)] } ?? []
        case .convertsToString: return [.boolean(toText(value) != nil)]
        case .toDate: return toTemporal(value, .date).map { [.temporal($0)] } ?? []
        case .convertsToDate: return [.boolean(toTemporal(value, .date) != nil)]
        case .toDateTime: return toTemporal(value, .dateTime).map { [.temporal($0)] } ?? []
        case .convertsToDateTime: return [.boolean(toTemporal(value, .dateTime) != nil)]
        case .toTime: return toTemporal(value, .time).map { [.temporal($0)] } ?? []
        case .convertsToTime: return [.boolean(toTemporal(value, .time) != nil)]
        case .toQuantity, .convertsToQuantity:
            var quantity = toQuantity(value)
            if !call.arguments.isEmpty, let wanted = try string(argument(call, 0, scope), "toQuantity") {
                quantity = quantity.flatMap { $0.unit == wanted ? $0 : nil }
            }
            if function == .convertsToQuantity { return [.boolean(quantity != nil)] }
            return quantity.map { [.quantity($0)] } ?? []
        default: return []
        }
    }

    func toBoolean(_ value: FHIRPathItem) -> Bool? {
        switch value {
        case .boolean(let flag): return flag
        case .integer(let integer): return integer == 1 ? true : (integer == 0 ? false : nil)
        case .decimal(let decimal): return decimal.value == 1 ? true : (decimal.value == 0 ? false : nil)
        case .string(let text):
            switch text.lowercased() {
            case "true", "t", "yes", "y", "1", "1.0": return true
            case "false", "f", "no", "n", "0", "0.0": return false
            default: return nil
            }
        default: return nil
        }
    }

    func toInteger(_ value: FHIRPathItem) -> Int? {
        switch value {
        case .integer(let integer): return integer
        case .boolean(let flag): return flag ? 1 : 0
        case .string(let text):
            guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == "+") }) else {
                return nil
            }
            return Int(text)
        default: return nil
        }
    }

    func toDecimal(_ value: FHIRPathItem) -> FHIRPathDecimal? {
        switch value {
        case .integer(let integer): return FHIRPathDecimal(integer)
        case .decimal(let decimal): return decimal
        case .boolean(let flag): return FHIRPathDecimal(flag ? 1 : 0)
        case .string(let text): return FHIRPathDecimal(lexeme: text)
        default: return nil
        }
    }

    func toText(_ value: FHIRPathItem) -> String? {
        switch value {
        case .string(let text): return text
        case .boolean(let flag): return flag ? "true" : "false"
        case .integer(let integer): return String(integer)
        case .decimal(let decimal): return decimal.description
        case .temporal(let temporal): return temporal.description
        case .quantity(let quantity): return quantity.description
        default: return nil
        }
    }

    func toTemporal(_ value: FHIRPathItem, _ kind: FHIRPathDateTime.Kind) -> FHIRPathDateTime? {
        switch value {
        case .string(let text): return FHIRPathDateTime(parsing: text, as: kind)
        case .temporal(var temporal):
            if temporal.kind == kind { return temporal }
            switch (temporal.kind, kind) {
            case (.date, .dateTime):
                temporal.kind = .dateTime
                return temporal
            case (.dateTime, .date):
                temporal.kind = .date
                temporal.precision = min(temporal.precision, .day)
                temporal.timeZoneOffset = nil
                return temporal
            default: return nil
            }
        default: return nil
        }
    }

    func toQuantity(_ value: FHIRPathItem) -> FHIRPathQuantity? {
        switch value {
        case .quantity(let quantity): return quantity
        case .integer(let integer): return FHIRPathQuantity(value: FHIRPathDecimal(integer), unit: "1")
        case .decimal(let decimal): return FHIRPathQuantity(value: decimal, unit: "1")
        case .boolean(let flag): return FHIRPathQuantity(value: FHIRPathDecimal(flag ? 1 : 0), unit: "1")
        case .string(let text): return FHIRPathQuantity(parsing: text)
        default: return nil
        }
    }
}

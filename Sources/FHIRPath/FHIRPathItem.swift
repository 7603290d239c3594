/// One item of a FHIRPath collection: a node of the resource or a System value.
public enum FHIRPathItem: Sendable {
    case node(FHIRPathNode)
    case boolean(Bool)
    case string(String)
    case integer(Int)
    case decimal(FHIRPathDecimal)
    /// A `Date`, `DateTime` or `Time` (see `FHIRPathDateTime.kind`).
    case temporal(FHIRPathDateTime)
    case quantity(FHIRPathQuantity)
    /// The result of `type()`: a `TypeInfo` with `namespace` and `name` (N1 §10.1).
    case typeInfo(namespace: String, name: String)
}

extension FHIRPathItem {
    /// The namespace and name of the item's type: `System.Integer`, `FHIR.HumanName`.
    public var typeName: (namespace: String, name: String) {
        switch self {
        case .node(let node): ("FHIR", node.typeName)
        case .boolean: ("System", "Boolean")
        case .string: ("System", "String")
        case .integer: ("System", "Integer")
        case .decimal: ("System", "Decimal")
        case .temporal(let value):
            switch value.kind {
            case .date: ("System", "Date")
            case .dateTime: ("System", "DateTime")
            case .time: ("System", "Time")
            }
        case .quantity: ("System", "Quantity")
        case .typeInfo: ("System", "TypeInfo")
        }
    }

    /// The System value of a primitive node (`birthDate` → a Date), a Quantity node's System
    /// Quantity, or the item itself when it is already a System value. `nil` for other nodes and
    /// for primitives without a value or with a lexeme that does not parse.
    public var systemValue: FHIRPathItem? {
        guard case .node(let node) = self else { return self }
        guard let kind = node.primitiveKind else { return node.quantityValue.map(FHIRPathItem.quantity) }
        guard let text = node.element.value else { return nil }
        switch kind {
        case .boolean:
            return text == "true" ? .boolean(true) : (text == "false" ? .boolean(false) : nil)
        case .integer, .positiveInt, .unsignedInt:
            return Int(text).map(FHIRPathItem.integer)
        case .decimal:
            return FHIRPathDecimal(lexeme: text).map(FHIRPathItem.decimal)
        case .date:
            return FHIRPathDateTime(parsing: text, as: .date).map(FHIRPathItem.temporal)
        case .dateTime, .instant:
            return FHIRPathDateTime(parsing: text, as: .dateTime).map(FHIRPathItem.temporal)
        case .time:
            return FHIRPathDateTime(parsing: text, as: .time).map(FHIRPathItem.temporal)
        default:
            return .string(text)
        }
    }

    /// The string a node or String item holds, without conversion of other types.
    var stringValue: String? {
        switch self {
        case .string(let text): text
        case .node(let node) where node.primitiveKind != nil: systemValue.flatMap { item in
            if case .string(let text) = item { text } else { nil }
        }
        default: nil
        }
    }
}

extension FHIRPathNode {
    /// A FHIR `Quantity` (or `Age`, `Duration`…) as a System Quantity: value with code, or unit.
    var quantityValue: FHIRPathQuantity? {
        guard ["Quantity", "Age", "Duration", "Distance", "Count", "SimpleQuantity", "MoneyQuantity"]
            .contains(typeName),
            let lexeme = element.child("value")?.value, let number = FHIRPathDecimal(lexeme: lexeme)
        else { return nil }
        let unit = element.child("code")?.value ?? element.child("unit")?.value ?? "1"
        return FHIRPathQuantity(value: number, unit: unit == "1" ? "1" : unit)
    }
}

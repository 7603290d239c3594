import FHIRCore

/// Type tests for `is`, `as` and `ofType` (N1 §6.3, FHIR R4 fhirpath.html §2.1.9.2): FHIR types
/// follow the catalogue's hierarchy (`uuid` is a `uri`, `Age` is a `Quantity`), System types
/// match System values only, and an unqualified name is tried in FHIR then System.
extension Evaluator {
    static let systemTypes: Set<String> = [
        "Any", "Boolean", "String", "Integer", "Decimal", "Date", "DateTime", "Time", "Quantity",
    ]

    /// `exactPrimitive`: `as` and `ofType` take a FHIR primitive only by its own type (a `code`
    /// is not `as(string)`), while `is` follows the hierarchy, as the official R4 tests expect.
    func matches(_ item: FHIRPathItem, _ type: TypeSpecifier, exactPrimitive: Bool = false) throws -> Bool {
        switch type.namespace {
        case "System"?:
            return matchesSystem(item, type.name)
        case "FHIR"?:
            guard catalogue.types[type.name] != nil else { throw semantic("unknown FHIR type") }
            guard case .node(let node) = item else { return false }
            return matchesFHIR(node, type.name, exactPrimitive: exactPrimitive)
        case nil:
            let isFHIR = catalogue.types[type.name] != nil
            let isSystem = Self.systemTypes.contains(type.name)
            guard isFHIR || isSystem else { throw semantic("unknown type \(type.name)") }
            if case .node(let node) = item { return isFHIR && matchesFHIR(node, type.name, exactPrimitive: exactPrimitive) }
            return isSystem && matchesSystem(item, type.name)
        default:
            throw semantic("unknown type namespace")
        }
    }

    private func matchesFHIR(_ node: FHIRPathNode, _ name: String, exactPrimitive: Bool) -> Bool {
        if exactPrimitive && node.primitiveKind != nil { return node.typeName == name }
        return isNode(node, ofType: name)
    }

    private func matchesSystem(_ item: FHIRPathItem, _ name: String) -> Bool {
        if case .node = item { return false }
        return name == "Any" || item.typeName.name == name
    }
}

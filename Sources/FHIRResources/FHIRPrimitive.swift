import FHIRCore

/// A primitive wrapper (`FHIRString`, `FHIRDecimal`, ...): the lexeme exactly as read, and the
/// primitive's own `id` and `extension`, which FHIR allows with or without a value.
public protocol FHIRPrimitive: FHIRModel {
    var value: String? { get set }
    var id: String? { get set }
    var `extension`: [Extension] { get set }
    var unknown: [FHIRElement] { get set }
    init(_ value: String?, id: String?, extension: [Extension])
}

extension FHIRPrimitive {
    public init(element: FHIRElement) throws(FHIRModelError) {
        do throws(FHIRModelError) { try self.init(node: element) } catch { throw error.under(Self.fhirType) }
    }

    init(node: FHIRElement) throws(FHIRModelError) {
        if node.resourceType != nil { throw FHIRModelError(.resourceWhereElementExpected) }
        var id: String?
        var `extension`: [Extension] = []
        var unknown: [FHIRElement] = []
        var failure: FHIRModelError?
        for child in node.children {
            switch child.name {
            case "id": Decode.attribute(&id, child, "id", &failure)
            case "extension": Decode.many(&`extension`, child, "extension", &failure)
            default: Decode.unknown(&unknown, child, &failure)
            }
            if let failure { throw failure }
        }
        self.init(node.value, id: id, extension: `extension`)
        self.unknown = unknown
    }

    public func element(named name: String, form: FHIRElement.Form) -> FHIRElement {
        var nodes: [FHIRElement] = []
        Lower.attribute(&nodes, id, "id")
        Lower.many(&nodes, `extension`, "extension", [.list])
        nodes += unknown
        return FHIRElement(name: name, value: value, children: nodes, form: form)
    }

    /// No value, no id, no extension: nothing a writer could write.
    public var isEmpty: Bool {
        value == nil && id == nil && `extension`.isEmpty && unknown.isEmpty
    }
}

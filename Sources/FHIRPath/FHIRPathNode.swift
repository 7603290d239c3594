import FHIRCore

/// An element of a resource as FHIRPath sees it: the tree node with its FHIR type.
///
/// The type comes from the catalogue member the node was reached through, so a choice element
/// (`valueQuantity`) knows it is a `Quantity` and a backbone element knows which context lists
/// its children. Nodes are values: copying one retains the element's storage, nothing more.
public struct FHIRPathNode: Sendable {
    public let element: FHIRElement
    /// The FHIR type: `Patient`, `HumanName`, `code`, `BackboneElement`; `Element` when unknown.
    public let typeName: String
    /// The catalogue context listing the node's members, or -1 (unknown content, no catalogue entry).
    public let contextID: Int
    /// Set for primitive-typed nodes: how to read `element.value` as a System value.
    public let primitiveKind: PrimitiveKind?

    public init(element: FHIRElement, typeName: String, contextID: Int, primitiveKind: PrimitiveKind? = nil) {
        self.element = element
        self.typeName = typeName
        self.contextID = contextID
        self.primitiveKind = primitiveKind
    }

    /// A resource node (root, contained, or a Bundle entry's resource).
    public init(resource: FHIRElement, catalogue: TypeCatalogue = .r4) {
        let type = resource.resourceType ?? resource.name
        self.init(element: resource, typeName: type, contextID: catalogue.resourceContextID(forName: type) ?? -1)
    }

    /// A node for an element of a known type or backbone path (`Quantity`, `Patient.contact`),
    /// as the validator meets them when it checks a data type's invariants.
    public init?(element: FHIRElement, path: String, catalogue: TypeCatalogue = .r4) {
        guard let contextID = catalogue.contextID(forPath: path) else { return nil }
        let definition = catalogue.types[path]
        var kind: PrimitiveKind?
        if case .primitive(let primitive)? = definition?.kind { kind = primitive }
        self.init(
            element: element, typeName: definition == nil ? "BackboneElement" : path, contextID: contextID,
            primitiveKind: kind)
    }

    /// The node for one child element, typed by the member it is written as.
    public func child(_ child: FHIRElement, catalogue: TypeCatalogue) -> FHIRPathNode {
        guard contextID >= 0, let member = catalogue.contexts[contextID].member(named: child.name) else {
            if child.resourceType != nil { return FHIRPathNode(resource: child, catalogue: catalogue) }
            return FHIRPathNode(element: child, typeName: child.isPrimitive ? "string" : "Element", contextID: -1,
                                primitiveKind: child.isPrimitive ? .string : nil)
        }
        return FHIRPathNode(child: child, member: member, catalogue: catalogue)
    }

    init(child: FHIRElement, member: ElementContext.Member, catalogue: TypeCatalogue) {
        switch member.valueType {
        case .primitive(let kind):
            self.init(element: child, typeName: member.typeName, contextID: member.valueContextID, primitiveKind: kind)
        case .complex(let contextID):
            self.init(element: child, typeName: member.typeName, contextID: contextID)
        case .resource:
            self.init(resource: child, catalogue: catalogue)
        }
    }

    /// Every child as a typed node, in document order (`children()`).
    public func childNodes(catalogue: TypeCatalogue = .r4) -> [FHIRPathNode] {
        element.children.map { child($0, catalogue: catalogue) }
    }
}

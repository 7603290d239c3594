/// A node of the lossless element tree that holds any R4 resource (ARCHITECTURE.md decision 1).
///
/// The tree is shaped like FHIR XML: a node has a name and ordered children, and a repeating
/// element is several consecutive siblings with the same name. A primitive keeps its value as
/// the lexeme that was read (`1.50`, `2024-03`, `true`) and its own `id` and `extension` as
/// ordinary children, so JSON's `_name` objects and XML's child elements land in one place.
/// Readers put children in definition order, so two trees of the same resource compare equal
/// whatever the key order of the JSON they came from.
public struct FHIRElement: Sendable, Hashable {
    /// The element's name as written: `birthDate`, `valueQuantity`, `div`; a root resource's
    /// name is its type.
    public var name: String
    /// A primitive's lexical value; `nil` for complex elements and value-less primitives.
    public var value: String?
    /// Set when this node is a resource: the root, `contained`, `Bundle.entry.resource`.
    public var resourceType: String?
    // `form` is declared before `children` only so that the synthesized memberwise initializer
    // (see `init(name:value:resourceType:children:form:)`) has other labels than the public one.
    public var form: Form
    public var children: [FHIRElement]

    /// How the node is written; set by readers from the catalogue (or, for unknown content kept
    /// in lenient mode, from the JSON itself), so writers need no catalogue.
    public struct Form: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// A primitive-typed element (it may still lack a value and carry only extensions).
        public static let primitive = Form(rawValue: 1 << 0)
        /// One of the values of a repeating element (`max` other than 1): JSON writes an array.
        public static let list = Form(rawValue: 1 << 1)
        /// JSON writes the value bare as a number (integer, decimal, unsignedInt, positiveInt).
        public static let number = Form(rawValue: 1 << 2)
        /// JSON writes the value bare as `true` or `false`.
        public static let boolean = Form(rawValue: 1 << 3)
        /// Narrative XHTML (`Narrative.div`): a string in JSON, embedded elements in XML.
        public static let xhtml = Form(rawValue: 1 << 4)
        /// Not in the catalogue: kept, as read, because the reader was lenient.
        public static let unknown = Form(rawValue: 1 << 5)
        /// Written as an XML attribute (`Element.id`, `Extension.url`).
        public static let xmlAttribute = Form(rawValue: 1 << 6)
    }
}

extension FHIRElement {
    /// Declared in an extension so that it can build the node with the synthesized memberwise
    /// initializer: written out field by field, as an initializer of a struct of five fields, it
    /// compiled (Swift 6.3, -O) to a retain and a release of the whole node, outlined where no
    /// optimizer could pair them, in every node a reader makes (~9% of a JSON parse).
    public init(
        name: String, value: String? = nil, resourceType: String? = nil,
        children: [FHIRElement] = [], form: Form = []
    ) {
        self.init(name: name, value: value, resourceType: resourceType, form: form, children: children)
    }

    public var isResource: Bool { resourceType != nil }
    public var isPrimitive: Bool { form.contains(.primitive) }

    /// The first child with this name.
    public func child(_ name: String) -> FHIRElement? {
        children.first { $0.name == name }
    }

    /// The value of the first child with this name: `child(name)?.value` without copying the
    /// child (its strings and children), for the walks that read one value per element.
    public func childValue(_ name: String) -> String? {
        for index in children.indices where children[index].name == name { return children[index].value }
        return nil
    }

    /// All children with this name, in order.
    public func children(_ name: String) -> [FHIRElement] {
        children.filter { $0.name == name }
    }

    /// A resource node, as readers make them.
    public static func resource(_ type: String, name: String? = nil, children: [FHIRElement]) -> FHIRElement {
        FHIRElement(name: name ?? type, resourceType: type, children: children)
    }
}

/// The elements a JSON object or XML element may contain at one place in a resource: the root
/// of a type (`Patient`, `HumanName`, `string` for a primitive's `id`/`extension`) or a
/// backbone element (`Patient.contact`), also reached through `contentReference`.
public final class ElementContext: Sendable {
    /// A name an object may carry, resolved: `valueQuantity` is `value[x]` as a `Quantity`.
    ///
    /// A class, not a struct: readers fetch one per JSON key, and handing out one reference
    /// costs a single retain where a struct of strings would retain each of them.
    public final class Member: Sendable {
        public enum ValueType: Sendable {
            case primitive(PrimitiveKind)
            case complex(contextID: Int)
            case resource
        }

        /// The name as written in JSON and XML.
        public let name: String
        public let elementIndex: Int
        /// Definition order of the element within this context (choice members share it).
        public let position: Int32
        public let valueType: ValueType
        /// The FHIR type name: `Quantity`, `string`, `BackboneElement`, `Resource`.
        public let typeName: String
        /// The FHIRPath name: the element name without `[x]`.
        public let pathName: String
        public let isChoice: Bool
        public let max: Int
        /// The context holding the value's own members: the child context of a complex value,
        /// the primitive type's context (its `id` and `extension`) for a primitive, -1 for a resource.
        public let valueContextID: Int
        /// Everything a node needs to be written again: primitive, list, JSON form, attribute.
        public let form: FHIRElement.Form

        public var isList: Bool { form.contains(.list) }

        init(
            name: String, elementIndex: Int, position: Int32, valueType: ValueType, typeName: String,
            pathName: String, isChoice: Bool, max: Int, valueContextID: Int, form: FHIRElement.Form
        ) {
            self.name = name
            self.elementIndex = elementIndex
            self.position = position
            self.valueType = valueType
            self.typeName = typeName
            self.pathName = pathName
            self.isChoice = isChoice
            self.max = max
            self.valueContextID = valueContextID
            self.form = form
        }
    }

    public let id: Int
    public let path: String
    public let members: [Member]
    /// Positions of the elements with `min` of 1 or more, with their FHIRPath names.
    public let required: [(position: Int32, pathName: String)]
    private let table: NameTable

    init(id: Int, path: String, members: [Member], required: [(position: Int32, pathName: String)]) {
        self.id = id
        self.path = path
        self.members = members
        self.required = required
        self.table = NameTable(members.enumerated().map { ($0.element.name, Int32($0.offset)) })
    }

    /// The member for a name given as UTF-8 bytes, with its precomputed `NameTable.hash`.
    public func memberIndex(forKey key: UnsafeRawBufferPointer, hash: UInt32) -> Int? {
        table.value(for: key, hash: hash).map(Int.init)
    }

    public func memberIndex(named name: String) -> Int? {
        table.value(for: name).map(Int.init)
    }

    public func member(named name: String) -> Member? {
        table.value(for: name).map { members[Int($0)] }
    }
}

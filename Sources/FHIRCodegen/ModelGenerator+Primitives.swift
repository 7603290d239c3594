/// The primitive wrappers (`FHIRDecimal`, `FHIRDateTime`, ...) and `AnyResource`.
extension ModelGenerator {
    /// A wrapper that keeps the lexeme exactly as read, with the primitive's own `id` and
    /// `extension`; decoding and lowering come from the `FHIRPrimitive` protocol.
    func primitiveSource(_ type: String) -> String {
        let name = primitiveSwiftName(type)
        let description = structures[type]?["description"] as? String ?? ""
        let literal: (protocolName: String, initialiser: String)
        switch type {
        case "boolean":
            literal = ("ExpressibleByBooleanLiteral",
                       "public init(booleanLiteral value: Bool) {\n        self.init(value ? \"true\" : \"false\")\n    }")
        case "integer", "positiveInt", "unsignedInt":
            literal = ("ExpressibleByIntegerLiteral",
                       "public init(integerLiteral value: Int) {\n        self.init(String(value))\n    }")
        default:
            literal = ("ExpressibleByStringLiteral",
                       "public init(stringLiteral value: String) {\n        self.init(value)\n    }")
        }
        return header + """
            \(docComment(description, indent: ""))///
            /// The value is the lexeme exactly as read, so precision and form survive a round trip;
            /// readers have already checked it against the type's format.
            public struct \(name): FHIRPrimitive, NodeModel, \(literal.protocolName) {
                public static let fhirType = "\(type)"

                /// The lexical value (`nil` when the element carries only an `id` or extensions).
                public var value: String?
                /// `id`, `extension` and unknown content, boxed: most primitives have none, and a
                /// small primitive keeps the structs that hold dozens of them small.
                private var extras: PrimitiveExtras?

                public init(_ value: String?, id: String? = nil, extension: [Extension] = []) {
                    self.value = value
                    self.extras = PrimitiveExtras.make(id: id, extension: `extension`, unknown: [])
                }

                /// The primitive's own element id (`_\(type)` in JSON, an attribute in XML).
                public var id: String? {
                    get { extras?.id }
                    set { extras = PrimitiveExtras.make(id: newValue, extension: `extension`, unknown: unknown) }
                }

                public var `extension`: [Extension] {
                    get { extras?.extension ?? [] }
                    set { extras = PrimitiveExtras.make(id: id, extension: newValue, unknown: unknown) }
                }

                /// Content the definitions do not describe, kept from a lenient read.
                public var unknown: [FHIRElement] {
                    get { extras?.unknown ?? [] }
                    set { extras = PrimitiveExtras.make(id: id, extension: `extension`, unknown: newValue) }
                }

                \(literal.initialiser)
            }

            """
    }

    func anyResourceSource() -> String {
        let types = resources.map { (type: $0, swift: swiftTypeName($0), caseName: escaped(lowerFirst($0))) }
        var text = """
            /// A resource of any type, where FHIR allows any (`contained`, `Bundle.entry.resource`):
            /// a case per modelled resource, and `.other` keeping the element tree of the rest, so
            /// nothing is lost.
            public indirect enum AnyResource: FHIRModel, NodeModel {

            """
        for type in types {
            text += "    case \(type.caseName)(\(type.swift))\n"
        }
        text += """
                /// A resource type without a model, kept as read.
                case other(FHIRElement)

                public static let fhirType = "Resource"

                /// The resource type name: `Patient`, or the `.other` node's type.
                public var resourceType: String {
                    switch self {

            """
        for type in types {
            text += "        case .\(type.caseName): \(type.swift).resourceType\n"
        }
        text += """
                    case .other(let element): element.resourceType ?? element.name
                    }
                }

                /// The model, when the type has one.
                public var model: (any FHIRResourceModel)? {
                    switch self {

            """
        for type in types {
            text += "        case .\(type.caseName)(let resource): resource\n"
        }
        text += """
                    case .other: nil
                    }
                }

                public init(element: FHIRElement) throws(FHIRModelError) {
                    do throws(FHIRModelError) { try self.init(node: element) } catch {
                        throw error.under(element.resourceType ?? Self.fhirType)
                    }
                }

                init(node: FHIRElement) throws(FHIRModelError) {
                    guard let resourceType = node.resourceType else { throw FHIRModelError(.notAResource) }
                    switch resourceType {

            """
        for type in types {
            text += "        case \"\(type.type)\": self = .\(type.caseName)(try \(type.swift)(node: node))\n"
        }
        text += """
                    default: self = .other(node)
                    }
                }

                /// The resource as the root of a tree: named by its type.
                public func element() -> FHIRElement {
                    element(named: resourceType, form: [])
                }

                public func element(named elementName: String, form elementForm: FHIRElement.Form) -> FHIRElement {
                    switch self {

            """
        for type in types {
            text += "        case .\(type.caseName)(let resource): return resource.element(named: elementName, form: elementForm)\n"
        }
        text += """
                    case .other(var element):
                        element.name = elementName
                        element.form = elementForm
                        return element
                    }
                }
            }

            """
        return text
    }
}

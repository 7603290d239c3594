/// One R4 base type: a primitive, a complex data type or a resource.
public struct TypeDefinition: Sendable {
    public enum Kind: Sendable, Hashable {
        case primitive(PrimitiveKind)
        case complex
        case resource
    }

    public let name: String
    public let kind: Kind
    /// The type it specialises (`DomainResource`, `Element`), or `nil` for the roots.
    public let baseName: String?
    public let isAbstract: Bool
    /// How JSON writes a primitive's value (`.number`, `.boolean`, or `[]` for a string).
    public let jsonForm: FHIRElement.Form
    /// The primitive's lexical regex from its StructureDefinition (`xhtml` has none).
    public let regex: String?
    /// The context listing this type's elements.
    public let contextID: Int
    /// Invariants the type defines on its root (`dom-2` on DomainResource, `qty-3` on Quantity),
    /// not those it inherits: walk `baseName` for those.
    public let constraints: [Constraint]
}

/// An invariant (`ElementDefinition.constraint`) with its FHIRPath expression.
public struct Constraint: Sendable, Hashable {
    /// `ele-1`, `pat-1`.
    public let key: String
    /// `warning` for best-practice rules (`dom-6`), otherwise `error`.
    public let severity: Issue.Severity
    public let expression: String
    /// The rule in words, as the specification states it; it never holds patient data.
    public let human: String

    public init(key: String, severity: Issue.Severity, expression: String, human: String) {
        self.key = key
        self.severity = severity
        self.expression = expression
        self.human = human
    }
}

/// One element of a type's snapshot, as the catalogue records it.
public struct ElementDefinition: Sendable {
    public struct Binding: Sendable, Hashable {
        public enum Strength: Sendable, Hashable { case required, extensible, preferred }
        public let strength: Strength
        public let valueSet: String

        public init(strength: Strength, valueSet: String) {
            self.strength = strength
            self.valueSet = valueSet
        }
    }

    /// `Patient.contact.name`, `Observation.value[x]`.
    public let path: String
    /// The last path segment without `[x]`: the FHIRPath name.
    public let name: String
    public let isChoice: Bool
    public let min: Int
    /// `Int.max` for `*`.
    public let max: Int
    /// Type codes; empty for a `contentReference` element.
    public let types: [String]
    /// For `Reference` elements, the resource types it may point at; empty means any.
    public let referenceTargets: [String]
    /// `#Questionnaire.item` for elements defined by reference to another.
    public let contentReference: String?
    public let isXMLAttribute: Bool
    public let isModifier: Bool
    public let isSummary: Bool
    public let binding: Binding?
    /// The element's own invariants (`pat-1` on `Patient.contact`), not inherited ones.
    public internal(set) var constraints: [Constraint]
}

/// The codes of a ValueSet that a binding uses (any strength), expanded at generation time.
public struct ValueSetExpansion: Sendable {
    public let url: String
    /// `nil` when the package cannot expand it (external code systems, filters): not checkable.
    public let codesBySystem: [String: Set<String>]?
    public let notExpandableReason: String?

    public init(url: String, codesBySystem: [String: Set<String>]?, notExpandableReason: String?) {
        self.url = url
        self.codesBySystem = codesBySystem
        self.notExpandableReason = notExpandableReason
    }

    /// Whether a bare `code` is one of the ValueSet's codes (`nil`: cannot tell).
    public func contains(code: String) -> Bool? {
        guard let codesBySystem else { return nil }
        return codesBySystem.values.contains { $0.contains(code) }
    }

    /// Whether a `system|code` pair is in the ValueSet (`nil`: cannot tell).
    public func contains(system: String, code: String) -> Bool? {
        guard let codesBySystem else { return nil }
        return codesBySystem[system]?.contains(code) ?? false
    }
}

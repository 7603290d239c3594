/// FHIR R4 `SearchParameter.type` (search.html §3.1.1.4).
public enum SearchParameterType: String, Hashable, Sendable, CaseIterable {
    case number, date, string, token, reference, composite, quantity, uri, special
}

/// One search parameter of one resource type, from the official R4 SearchParameter resources
/// (`fhir-codegen` renders them; nothing here is hand-listed). A parameter defined for several
/// bases (`clinical-patient` covers 30 types) appears once per type, with the part of the
/// expression that applies to that type.
public struct SearchParameterDefinition: Hashable, Sendable {
    /// The name used in URLs (`SearchParameter.code`): `patient`, `code-value-quantity`, `_tag`.
    public let name: String
    /// The canonical URL, which composite components refer to.
    public let url: String
    public let type: SearchParameterType
    /// The FHIRPath that selects the values in a resource of `resourceType`; nil for the few
    /// parameters R4 defines without one (`_text`, `_content`, `_query`, …), which the index
    /// cannot serve.
    public let expression: String?
    /// The type this definition is for (`Observation`; `Resource` and `DomainResource`
    /// parameters are listed under every type that inherits them).
    public let resourceType: String
    /// Resource types a reference parameter may point to (`SearchParameter.target`).
    public let targets: [String]
    /// The modifiers R4 lists for the parameter (`SearchParameter.modifier`), if any.
    public let modifiers: [String]
    /// The prefixes R4 lists (`SearchParameter.comparator`), if any.
    public let comparators: [String]
    /// The components of a composite parameter, in order.
    public let components: [Component]

    /// One part of a composite parameter: the parameter it takes its type from (by URL) and the
    /// FHIRPath, relative to each value of the composite's own expression.
    public struct Component: Hashable, Sendable {
        public let definition: String
        public let expression: String

        public init(definition: String, expression: String) {
            self.definition = definition
            self.expression = expression
        }
    }

    public init(
        name: String, url: String, type: SearchParameterType, expression: String?, resourceType: String,
        targets: [String] = [], modifiers: [String] = [], comparators: [String] = [], components: [Component] = []
    ) {
        self.name = name
        self.url = url
        self.type = type
        self.expression = expression
        self.resourceType = resourceType
        self.targets = targets
        self.modifiers = modifiers
        self.comparators = comparators
        self.components = components
    }
}

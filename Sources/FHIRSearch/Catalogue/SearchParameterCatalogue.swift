/// The search parameters of every R4 resource type.
///
/// Stub: the generated table and its loader replace this (FHIRSearch helper's work).
public struct SearchParameterCatalogue: Sendable {
    let byType: [String: [String: SearchParameterDefinition]]
    let byURL: [String: SearchParameterDefinition]

    /// The official R4 (4.0.1) search parameters.
    public static let r4 = SearchParameterCatalogue(byType: [:], byURL: [:])

    /// Every parameter of a resource type, including those of `Resource` and `DomainResource`,
    /// sorted by name.
    public func parameters(of resourceType: String) -> [SearchParameterDefinition] {
        (byType[resourceType] ?? [:]).values.sorted { $0.name < $1.name }
    }

    /// The parameter `name` of a resource type, or nil when R4 defines none.
    public func parameter(_ name: String, of resourceType: String) -> SearchParameterDefinition? {
        byType[resourceType]?[name]
    }

    /// A definition by canonical URL (composite components name theirs); any of its bases.
    public func definition(url: String) -> SearchParameterDefinition? {
        byURL[url]
    }
}

import FHIRCore
import FHIRPath
import GatewayStore

/// Computes the search rows of a resource from the official R4 SearchParameters: each
/// parameter's FHIRPath over the resource, each result turned into rows by its FHIR type and the
/// parameter's type, with the conventions `GatewayStore.SearchIndex` documents.
///
/// Every expression is compiled once, when the indexer is made (`SearchIndexer.r4` is shared);
/// indexing a resource evaluates the expressions of its type with one evaluation context.
/// `_id` and `_lastUpdated` get no rows (the store keeps them itself), nor do the parameters R4
/// gives no expression (`_text`, `_content`, `_query`, `_filter`) and `special` ones.
///
/// ```swift
/// let rows = SearchIndexer.r4.index(patient)   // GatewayStore.SearchIndex
/// ```
public struct SearchIndexer: Sendable {
    /// One indexer over `SearchParameterCatalogue.r4`, made on first use (~2,700 expressions).
    public static let r4 = SearchIndexer()

    let plans: [String: [ParameterPlan]]
    let types: TypeCatalogue
    let environment: FHIRPathEnvironment
    /// Absolute bases whose references are stored as `Type/id` (this server's own).
    let localBases: [String]
    /// Parameters whose expression or a component's did not compile (none in R4; tested).
    public let uncompiled: [String]
    /// Skip a plain-path expression when the resource lacks its first element (`LeadingElements`);
    /// off only in the test that proves it changes no row.
    var skipsAbsentElements = true

    /// `localBases` are this server's base URLs (`https://iop.example/fhir`): an absolute reference
    /// under one is indexed as `Type/id`; other absolute URLs stay as written (search.html §3.1.1.4.6).
    public init(catalogue: SearchParameterCatalogue = .r4, types: TypeCatalogue = .r4, localBases: [String] = []) {
        var plans: [String: [ParameterPlan]] = [:]
        var uncompiled: [String] = []
        for resourceType in catalogue.resourceTypes {
            var list: [ParameterPlan] = []
            for definition in catalogue.parameters(of: resourceType) {
                switch ParameterPlan.make(definition, catalogue: catalogue, types: types) {
                case .plan(let plan)?: list.append(plan)
                case .failed?: uncompiled.append("\(resourceType).\(definition.name)")
                case nil: continue
                }
            }
            plans[resourceType] = list
        }
        self.plans = plans
        self.types = types
        self.uncompiled = uncompiled
        self.localBases = localBases.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.environment = FHIRPathEnvironment(
            catalogue: types, resolveReference: SearchReference.stubResolver(types: types), castsFilterCollections: true)
    }

    /// The rows of one resource; a parameter whose expression fails on it gets none.
    public func index(_ resource: FHIRElement) -> SearchIndex {
        var failed: [String] = []
        return index(resource, failedParameters: &failed)
    }

    /// The rows of one resource, with the names of the parameters whose expression failed on it
    /// (an evaluation error, not an empty result) appended to `failedParameters`.
    public func index(_ resource: FHIRElement, failedParameters: inout [String]) -> SearchIndex {
        guard let type = resource.resourceType, let plans = plans[type] else { return .empty }
        let node = FHIRPathNode(resource: resource, catalogue: types)
        let context = FHIRPathEvaluationContext(resource: node, rootResource: node, environment: environment)
        var rows = IndexRows(types: types, localBases: localBases)
        for plan in plans {
            if skipsAbsentElements, let leading = plan.leading, !leading.present(in: resource.children) { continue }
            do {
                let items = try plan.expression.evaluate(focus: node, in: context)
                if items.isEmpty { continue }
                if plan.components.isEmpty {
                    rows.add(items, as: plan.type, parameter: plan.name, derived: plan.derivedNames)
                } else {
                    try rows.addComposite(items, plan, context: context)
                }
            } catch {
                failedParameters.append(plan.name)
            }
        }
        return rows.index
    }

    /// The parameters the indexer evaluates for a type.
    public func parameterNames(of resourceType: String) -> [String] {
        plans[resourceType]?.map(\.name) ?? []
    }

    /// How many of the parameters are plain paths the indexer skips when their element is absent.
    public var skippableCount: (skippable: Int, all: Int) {
        let all = plans.values.joined()
        return (all.filter { $0.leading != nil }.count, all.count)
    }
}

/// A parameter ready to evaluate: its compiled expression, and for a composite its components.
/// A class so the per-resource loop passes one reference, not a copy of every field.
final class ParameterPlan: Sendable {
    let name: String
    let type: SearchParameterType
    let expression: FHIRPathExpression
    let derivedNames: DerivedNames
    let components: [Component]
    /// The resource elements the expression starts from, when it is a plain path.
    let leading: LeadingElements?

    struct Component: Sendable {
        let name: String
        let type: SearchParameterType
        let expression: FHIRPathExpression
    }

    enum Made { case plan(ParameterPlan), failed }

    init(
        name: String, type: SearchParameterType, expression: FHIRPathExpression, derivedNames: DerivedNames,
        components: [Component], leading: LeadingElements?
    ) {
        self.name = name
        self.type = type
        self.expression = expression
        self.derivedNames = derivedNames
        self.components = components
        self.leading = leading
    }

    /// Nil for the parameters the index does not serve.
    static func make(_ definition: SearchParameterDefinition, catalogue: SearchParameterCatalogue, types: TypeCatalogue) -> Made? {
        guard let text = definition.expression, definition.type != .special,
              definition.name != "_id", definition.name != "_lastUpdated"
        else { return nil }
        guard let expression = try? FHIRPathExpression(text) else { return .failed }
        var components: [Component] = []
        if definition.type == .composite {
            for (offset, component) in definition.components.enumerated() {
                guard let type = catalogue.definition(url: component.definition, for: definition.resourceType)?.type,
                      let compiled = try? FHIRPathExpression(component.expression)
                else { return .failed }
                components.append(Component(name: "\(definition.name)$\(offset)", type: type, expression: compiled))
            }
            if components.isEmpty { return .failed }
        }
        return .plan(ParameterPlan(
            name: definition.name, type: definition.type, expression: expression,
            derivedNames: DerivedNames(definition.name), components: components,
            leading: LeadingElements(text, resourceType: definition.resourceType, types: types)))
    }
}

/// The modifier rows' parameter names, made once per parameter rather than per value.
struct DerivedNames: Sendable {
    let text: String
    let ofType: String
    let identifier: String

    init(_ name: String) {
        text = name + ":text"
        ofType = name + ":of-type"
        identifier = name + ":identifier"
    }
}

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
        let children = resource.children
        for plan in plans {
            do {
                var items: [FHIRPathItem] = []
                var contributing = 0
                for branch in plan.branches {
                    if skipsAbsentElements, let leading = branch.leading, !leading.present(in: children) { continue }
                    let found = try branch.expression.evaluate(focus: node, in: context)
                    if found.isEmpty { continue }
                    contributing += 1
                    if items.isEmpty { items = found } else { items += found }
                }
                if items.isEmpty { continue }
                if plan.components.isEmpty {
                    let mark = rows.mark
                    rows.add(items, as: plan.type, parameter: plan.name, derived: plan.derivedNames)
                    // A union's values are distinct (N1 §6.5.1): so are its rows.
                    if contributing > 1 { rows.removeDuplicates(since: mark) }
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

    /// How many of the parameters' union branches are plain paths the indexer skips when their
    /// first element is absent, of how many.
    public var skippableCount: (skippable: Int, all: Int) {
        let all = plans.values.joined().flatMap(\.branches)
        return (all.filter { $0.leading != nil }.count, all.count)
    }
}

/// A parameter ready to evaluate: its compiled expression, and for a composite its components.
/// A class so the per-resource loop passes one reference, not a copy of every field.
final class ParameterPlan: Sendable {
    let name: String
    let type: SearchParameterType
    /// The top-level `|` branches of the expression, evaluated one by one: a branch whose first
    /// element the resource lacks is skipped, and no union has to compare nodes for distinctness.
    let branches: [Branch]
    let derivedNames: DerivedNames
    let components: [Component]

    struct Branch: Sendable {
        let expression: FHIRPathExpression
        /// The resource elements the branch starts from, when it is a plain path.
        let leading: LeadingElements?
    }

    struct Component: Sendable {
        let name: String
        let type: SearchParameterType
        let expression: FHIRPathExpression
    }

    enum Made { case plan(ParameterPlan), failed }

    init(
        name: String, type: SearchParameterType, branches: [Branch], derivedNames: DerivedNames, components: [Component]
    ) {
        self.name = name
        self.type = type
        self.branches = branches
        self.derivedNames = derivedNames
        self.components = components
    }

    /// Nil for the parameters the index does not serve.
    static func make(_ definition: SearchParameterDefinition, catalogue: SearchParameterCatalogue, types: TypeCatalogue) -> Made? {
        guard let text = definition.expression, definition.type != .special,
              definition.name != "_id", definition.name != "_lastUpdated"
        else { return nil }
        guard (try? FHIRPathExpression(text)) != nil else { return .failed }
        var branches: [Branch] = []
        for branch in LeadingElements.unionBranches(text) {
            // A piece that does not compile alone means the split was wrong: keep the whole.
            guard let compiled = try? FHIRPathExpression(branch) else { branches = []; break }
            branches.append(Branch(
                expression: compiled, leading: LeadingElements(branch, resourceType: definition.resourceType, types: types)))
        }
        if branches.isEmpty, let whole = try? FHIRPathExpression(text) {
            branches = [Branch(expression: whole, leading: LeadingElements(text, resourceType: definition.resourceType, types: types))]
        }
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
            name: definition.name, type: definition.type, branches: branches,
            derivedNames: DerivedNames(definition.name), components: components))
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

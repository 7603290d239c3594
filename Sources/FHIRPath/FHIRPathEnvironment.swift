import FHIRCore
import Foundation

/// What an evaluation may use besides the resource: variables, reference resolution, a clock.
public struct FHIRPathEnvironment: Sendable {
    public var catalogue: TypeCatalogue
    /// `%name` variables beyond the built-in ones (`%resource`, `%ucum`, `%vs-…`).
    public var variables: [String: [FHIRPathItem]]
    /// Resolves a reference that is not a `#id` to a contained resource (those are built in):
    /// `urn:uuid:` fullUrls of a Bundle, `Patient/123`. Returns `nil` when unknown.
    public var resolveReference: (@Sendable (String) -> FHIRPathNode?)?
    /// Strict mode turns names the type does not define into semantic errors (test suites and
    /// authoring checks); lenient mode, the default, gives an empty collection as N1 §3 says.
    public var strictNames: Bool
    /// `x as T` and `x.as(T)` on several items keep those of type `T`, as `ofType(T)` does, instead
    /// of failing (N1 §6.3.2 wants a single item). FHIR R4's SearchParameter expressions rely on it
    /// (`Observation.component.value as Quantity`), as servers read them; the indexer sets it.
    public var castsFilterCollections: Bool
    /// The instant `now()`, `today()` and `timeOfDay()` report; `nil` reads the clock once per evaluation.
    public var now: Date?
    /// Receives `trace(name)` output: the name and the number of items, never their values.
    public var trace: (@Sendable (String, Int) -> Void)?

    public init(
        catalogue: TypeCatalogue = .r4, variables: [String: [FHIRPathItem]] = [:],
        resolveReference: (@Sendable (String) -> FHIRPathNode?)? = nil, strictNames: Bool = false,
        now: Date? = nil, trace: (@Sendable (String, Int) -> Void)? = nil, castsFilterCollections: Bool = false
    ) {
        self.castsFilterCollections = castsFilterCollections
        self.catalogue = catalogue
        self.variables = variables
        self.resolveReference = resolveReference
        self.strictNames = strictNames
        self.now = now
        self.trace = trace
    }
}

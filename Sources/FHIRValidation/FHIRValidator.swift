import FHIRCore

/// Checks a resource held as an element tree against the base R4 rules (structure,
/// cardinality, choices, primitive formats, bindings, reference targets, narrative, `ele-1`
/// and every invariant through FHIRPath) and the Bundle rules (`fullUrl` uniqueness, entry
/// requests, references inside the bundle).
///
/// Findings are `Issue`s with a FHIRPath `expression` such as
/// `Bundle.entry[2].resource.name[0].given[1]`; no message holds a value from the resource,
/// since resources are patient data (ARCHITECTURE.md decision 3).
public struct FHIRValidator: Sendable {
    public let catalogue: TypeCatalogue
    /// Profiles, extension definitions and their terminology, beyond base R4.
    public var registry: ProfileRegistry
    let plan: ValidationPlan

    /// Validators are cheap to copy; the plan (one entry per catalogue member, invariants
    /// compiled once) is shared.
    public init(catalogue: TypeCatalogue = .r4, registry: ProfileRegistry = ProfileRegistry()) {
        self.catalogue = catalogue
        self.registry = registry
        self.plan = catalogue === TypeCatalogue.r4 ? ValidationPlan.r4 : ValidationPlan(catalogue: catalogue)
    }

    /// Every finding, in the order the tree was walked. `profiles` are checked on the root
    /// resource in addition to any that a resource claims in `meta.profile`.
    public func validate(_ resource: FHIRElement, profiles: [String] = []) -> [Issue] {
        guard let type = resource.resourceType, let contextID = catalogue.resourceContextID(forName: type) else {
            return [Issue(.error, .structure, "not a resource of a known R4 type")]
        }
        var run = ValidationRun(catalogue: catalogue, plan: plan, registry: registry, requestedProfiles: profiles)
        run.validateRoot(resource, contextID: contextID)
        return run.issues
    }
}

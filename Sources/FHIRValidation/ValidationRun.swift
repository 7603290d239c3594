import FHIRCore
import FHIRPath

/// One walk over one resource tree: the position (as a `PathStack`, rendered only when there is
/// something to report), per-context counters kept on one scratch stack, and the findings.
struct ValidationRun {
    let catalogue: TypeCatalogue
    let plan: ValidationPlan
    let registry: ProfileRegistry
    /// Profiles the caller asked the root resource to be checked against.
    let requestedProfiles: [String]
    var issues: [Issue] = []
    /// Profile invariants, parsed once per validation.
    let invariantCache = CompiledInvariant.Cache()
    var path = PathStack()
    /// Occurrences per definition position of every context being walked, stacked.
    private var counts: [Int32] = []
    /// For choice positions, the member seen first: a second, different one breaks exclusivity.
    private var chosen: [Int32] = []
    /// How much of `counts`/`chosen` the contexts being walked use: the arrays only grow, and
    /// each context takes the slots above `top`, so entering and leaving a context moves an
    /// integer instead of appending and removing elements.
    private var top = 0
    /// The resources enclosing the current node, innermost last (for `#id` references).
    var resources: [FHIRElement] = []
    /// The same resources as FHIRPath nodes: `%resource` is the last, `%rootResource` the first.
    var resourceNodes: [FHIRPathNode] = []
    /// FHIRPath's environment: `resolve()` sees the entries of the innermost Bundle.
    var environment: FHIRPathEnvironment
    private var environments: [FHIRPathEnvironment] = []
    /// One per resource being visited: `%resource`, `%rootResource` and the environment its
    /// invariants share (`FHIRPathExpression.evaluateBoolean(focus:in:)`).
    var evaluationContexts: [FHIRPathEvaluationContext] = []
    /// `#…` references seen within each enclosing resource (dom-3), innermost last.
    var localReferences: [Set<String>] = []
    /// For each enclosing resource, the positions of its contained resources that refer to it with `#`.
    var containersReferredBack: [Set<Int>] = []
    /// `fullUrl` → entry resource type, for each enclosing Bundle, innermost last.
    var bundles: [BundleIndex] = []

    init(catalogue: TypeCatalogue, plan: ValidationPlan, registry: ProfileRegistry, requestedProfiles: [String]) {
        self.catalogue = catalogue
        self.plan = plan
        self.registry = registry
        self.requestedProfiles = requestedProfiles
        self.environment = FHIRPathEnvironment(catalogue: catalogue)
        counts.reserveCapacity(256)
        chosen.reserveCapacity(256)
    }

    mutating func validateRoot(_ resource: FHIRElement, contextID: Int) {
        path.pushRoot(contextID: contextID)
        visitResource(resource, contextID: contextID)
        path.pop()
    }

    /// A resource node: the root, a `contained` resource or a Bundle entry's resource.
    mutating func visitResource(
        _ resource: FHIRElement, contextID: Int, containedIndex: Int? = nil, isBundleEntry: Bool = false
    ) {
        if isBundleEntry, !bundles.isEmpty { bundles[bundles.count - 1].enterEntryResource() }
        resources.append(resource)
        localReferences.append([])
        containersReferredBack.append([])
        let node = FHIRPathNode(
            element: resource, typeName: resource.resourceType ?? resource.name, contextID: contextID)
        resourceNodes.append(node)
        let isBundle = resource.resourceType == "Bundle"
        if isBundle {
            enterBundle(resource)
            environments.append(environment)
            environment = Self.environment(for: resource, catalogue: catalogue)
        }
        evaluationContexts.append(
            FHIRPathEvaluationContext(resource: node, rootResource: rootResource, environment: environment))
        visitChildren(of: resource, contextID: contextID)
        if let invariants = plan.resourceInvariants[node.typeName] {
            // dom-6 asks for narrative, but "contained resources do not have narrative"
            // (DomainResource.text, resource.html §2.36.0.1): not for them.
            checkInvariants(containedIndex == nil ? invariants : invariants.filter { $0.constraint.key != "dom-6" }, on: node)
        }
        if node.typeName == "Questionnaire" { checkEnableWhen(resource) }
        let references = localReferences.removeLast()
        checkContainedAreReferenced(resource, references: references)
        containersReferredBack.removeLast()
        if let containedIndex, references.contains("#"), !containersReferredBack.isEmpty {
            containersReferredBack[containersReferredBack.count - 1].insert(containedIndex)
        }
        applyProfiles(to: resource, contextID: contextID, isRoot: resources.count == 1)
        if isBundle {
            bundles.removeLast()
            environment = environments.removeLast()
        }
        evaluationContexts.removeLast()
        resourceNodes.removeLast()
        resources.removeLast()
        if isBundleEntry, !bundles.isEmpty { bundles[bundles.count - 1].leaveEntryResource() }
    }

    /// Checks the children of a node against its context: each is a known member, occurs no
    /// more than allowed, one name per choice; then every required member is present.
    mutating func visitChildren(of node: FHIRElement, contextID: Int) {
        node.children.withUnsafeBufferPointer { visitChildren($0, contextID: contextID) }
    }

    // The walk below passes elements by pointer into their parent's `children`, which the
    // caller holds unchanged: passed as values, every element was copied (a retain and a
    // release of each of its strings and of its children) at each call, the walk's largest cost.
    private mutating func visitChildren(_ children: UnsafeBufferPointer<FHIRElement>, contextID: Int) {
        let context = catalogue.contexts[contextID]
        let rules = plan.rules[contextID]
        let positions = plan.positionCounts[contextID]
        let base = top
        top += positions
        while counts.count < top {
            counts.append(0)
            chosen.append(-1)
        }
        for slot in base..<top {
            counts[slot] = 0
            chosen[slot] = -1
        }

        for index in children.indices {
            visitChild(children.baseAddress! + index, context: context, rules: rules, base: base)
        }

        for required in context.required where counts[base + Int(required.position)] == 0 {
            report(.error, .required, "\(required.pathName) is required (minimum cardinality 1)",
                   child: required.pathName)
        }
        top = base
    }

    /// One child of `visitChildren`: counted in its context's slots from `base`, then visited.
    private mutating func visitChild(
        _ child: UnsafePointer<FHIRElement>, context: ElementContext, rules: [ValidationPlan.MemberRule], base: Int
    ) {
        let contextID = context.id
        guard !child.pointee.form.contains(.unknown), let memberIndex = context.memberIndex(named: child.pointee.name) else {
            report(.error, .structure, "an element that R4 does not define here", child: displayable(child.pointee.name))
            return
        }
        let member = context.members[memberIndex]
        let slot = base + Int(member.position)
        counts[slot] += 1
        let occurrence = Int(counts[slot])
        if member.isChoice {
            if chosen[slot] < 0 {
                chosen[slot] = Int32(memberIndex)
            } else if chosen[slot] != Int32(memberIndex) {
                report(.error, .structure, "only one type of \(member.pathName)[x] may be present",
                       child: member.name)
            }
        }
        path.push(contextID: contextID, memberIndex: memberIndex, index: member.isList ? occurrence - 1 : -1)
        if occurrence - 1 == member.max {  // reported once, at the first one too many
            report(.error, .structure, member.max == 1
                ? "\(member.pathName) may occur at most once"
                : "\(member.pathName) may occur at most \(member.max) times")
        }
        visitMember(child, member: member, rule: rules[memberIndex], occurrence: occurrence - 1)
        path.pop()
    }

    private mutating func visitMember(
        _ element: UnsafePointer<FHIRElement>, member: ElementContext.Member, rule: ValidationPlan.MemberRule, occurrence: Int
    ) {
        switch member.valueType {
        case .resource:
            let node = element.pointee
            guard let type = node.resourceType, let contextID = catalogue.resourceContextID(forName: type) else {
                report(.error, .structure, "not a resource of a known R4 type")
                return
            }
            visitResource(node, contextID: contextID, containedIndex: member.name == "contained" ? occurrence : nil,
                          isBundleEntry: member.name == "resource" && resources.last?.resourceType == "Bundle")
            return
        case .primitive(let kind):
            if let value = element.pointee.value { checkPrimitive(value, kind: kind, isNarrative: rule.isNarrative) }
        case .complex:
            break
        }
        checkElementHasContent(element)
        if let binding = rule.binding { checkBinding(element.pointee, rule: binding) }
        if rule.isReference {
            if let reference = element.pointee.childValue("reference") { noteLocalReference(reference) }
            checkReference(element.pointee, definition: rule.definition)
        }
        if rule.mayReferToContained, let value = element.pointee.value { noteLocalReference(value) }
        if rule.isAttachment { checkAttachmentSize(element.pointee) }
        if rule.isExtension {
            checkExtension(element.pointee, isSubExtension: rule.isSubExtension, isModifier: member.name == "modifierExtension")
        }
        if member.valueContextID >= 0 {
            element.pointee.children.withUnsafeBufferPointer { visitChildren($0, contextID: member.valueContextID) }
        }
        if !rule.invariants.isEmpty {
            checkInvariants(rule.invariants, on: FHIRPathNode(
                element: element.pointee, typeName: member.typeName, contextID: member.valueContextID,
                primitiveKind: rule.primitiveKind))
        }
    }

    /// `ele-1`: "All FHIR elements must have a @value or children", checked natively because it
    /// applies to every element and is the hottest invariant there is.
    private mutating func checkElementHasContent(_ node: UnsafePointer<FHIRElement>) {
        if node.pointee.value != nil { return }
        if node.pointee.children.contains(where: { $0.name != "id" }) { return }
        report(.error, .invariant, "ele-1: all FHIR elements must have a @value or children")
    }

    /// Records a finding at the current position, or at a child of it.
    mutating func report(_ severity: Issue.Severity, _ code: IssueType, _ message: String, child: String? = nil) {
        issues.append(Issue(severity, code, message, expression: path.expression(in: catalogue, appending: child)))
    }

    /// A name from the input may be data put where a name belongs: only element-like names are shown.
    private func displayable(_ name: String) -> String {
        var name = name
        return name.withUTF8 { displayableName(UnsafeRawBufferPointer($0)) }
    }
}

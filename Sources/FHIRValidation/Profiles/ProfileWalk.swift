import FHIRCore

/// Applies a profile (and the profiles it derives from) to one resource or element: cardinality
/// as tightened, fixed and pattern values, bindings, type and target restrictions, slices with
/// `value`/`pattern`/`type`/`exists` discriminators, extensions by their definitions. The
/// profile's invariants are collected for the FHIRPath engine rather than evaluated here.
struct ProfileWalk {
    let catalogue: TypeCatalogue
    let registry: ProfileRegistry
    /// The resource type a reference string points at, resolved the way the base walk does.
    let referenceType: (String) -> String?
    var issues: [Issue] = []
    var invariants: [(constraint: Constraint, node: ProfiledNode, profile: String)] = []
    /// Guards against extension definitions that (wrongly) refer to themselves.
    private var depth = 0

    init(catalogue: TypeCatalogue, registry: ProfileRegistry, referenceType: @escaping (String) -> String?) {
        self.catalogue = catalogue
        self.registry = registry
        self.referenceType = referenceType
    }

    mutating func apply(_ url: String, to node: ProfiledNode) {
        let chain = registry.chain(for: url)
        guard !chain.isEmpty, depth < 8 else { return }
        depth += 1
        defer { depth -= 1 }
        for profile in chain {
            if profile.type != node.typeName && !(profile.type == "Extension" && node.typeName == "Extension") {
                report(node.path, "the profile \(profile.name) is for \(profile.type), not \(node.typeName)", profile: profile)
                continue
            }
            check(profile.root, at: node, profile: profile)
        }
    }

    /// The rules of one differential element on one node, then its child elements.
    private mutating func check(_ element: ProfileElement, at node: ProfiledNode, profile: StructureProfile) {
        if let rule = element.rule { checkValue(rule, at: node, profile: profile) }
        guard !element.children.isEmpty else { return }
        let children = node.children(in: catalogue)
        for child in element.children {
            let matches = children.filter { ProfiledNode.name(child.name, matches: $0.member) }.map(\.node)
            let childPath = node.path + "." + (child.name.hasSuffix("[x]") ? String(child.name.dropLast(3)) : child.name)
            if let rule = child.rule {
                checkCardinality(matches.count, rule: rule, path: childPath, what: child.name, profile: profile)
            }
            for match in matches { check(child, at: match, profile: profile) }
            if !child.slices.isEmpty || child.rule?.slicing != nil {
                checkSlices(of: child, items: matches, path: childPath, profile: profile)
            }
        }
    }

    private mutating func checkSlices(of element: ProfileElement, items: [ProfiledNode], path: String, profile: StructureProfile) {
        let discriminators = element.rule?.slicing?.discriminators ?? []
        var counts = Array(repeating: 0, count: element.slices.count)
        for item in items {
            let slice = element.slices.firstIndex { SliceMatching.item(item, isIn: $0.element, by: discriminators, walk: self) }
            guard let slice else {
                if element.rule?.slicing?.isClosed == true {
                    report(item.path, "matches none of the slices of \(element.name), and the slicing is closed", profile: profile)
                }
                continue
            }
            counts[slice] += 1
            check(element.slices[slice].element, at: item, profile: profile)
        }
        for (index, slice) in element.slices.enumerated() {
            guard let rule = slice.element.rule else { continue }
            checkCardinality(counts[index], rule: rule, path: path, what: "\(element.name):\(slice.name)", profile: profile)
        }
    }

    private mutating func checkCardinality(_ count: Int, rule: ElementRule, path: String, what: String, profile: StructureProfile) {
        if let min = rule.min, count < min {
            report(path, "\(what) must occur at least \(min) time\(min == 1 ? "" : "s") (found \(count))",
                   profile: profile, code: .required)
        }
        if let max = rule.max, count > max {
            report(path, max == 0
                ? "\(what) is not allowed"
                : "\(what) may occur at most \(max) time\(max == 1 ? "" : "s") (found \(count))", profile: profile)
        }
    }

    /// Everything the rule says about the node's own value.
    private mutating func checkValue(_ rule: ElementRule, at node: ProfiledNode, profile: StructureProfile) {
        if let fixed = rule.fixed, !PatternMatching.equalsFixed(node.element, fixed) {
            report(node.path, "does not have the fixed value the profile requires", profile: profile, code: .value)
        }
        if let pattern = rule.pattern, !PatternMatching.contains(node.element, pattern: pattern) {
            report(node.path, "does not match the pattern the profile requires", profile: profile, code: .value)
        }
        if let binding = rule.binding { checkBinding(binding, at: node, profile: profile) }
        checkTypes(rule.types, at: node, profile: profile)
        for constraint in rule.constraints { invariants.append((constraint, node, profile.name)) }
    }

    private mutating func checkTypes(_ types: [ElementRule.TypeRule], at node: ProfiledNode, profile: StructureProfile) {
        guard !types.isEmpty else { return }
        guard let type = types.first(where: { $0.code == node.typeName }) else {
            report(node.path, "a \(node.typeName) is not allowed here by the profile (allowed: "
                   + types.map(\.code).joined(separator: ", ") + ")", profile: profile)
            return
        }
        for extensionProfile in type.profiles where type.code == "Extension" {
            guard registry.profiles[extensionProfile] != nil else { continue }
            apply(extensionProfile, to: node)
        }
        if type.code == "Reference", !type.targetProfiles.isEmpty,
           let reference = node.element.child("reference")?.value, let target = referenceType(reference) {
            let allowed = type.targetProfiles.map { registry.profiles[$0]?.type ?? String($0.split(separator: "/").last ?? "") }
            if !allowed.contains(target) && !allowed.contains("Resource") {
                report(node.path, "refers to a resource of type \(target), which the profile does not allow here (allowed: "
                       + allowed.joined(separator: ", ") + ")", profile: profile)
            }
        }
    }

    private mutating func checkBinding(_ binding: ElementDefinition.Binding, at node: ProfiledNode, profile: StructureProfile) {
        guard let valueSet = registry.expansion(of: binding.valueSet, catalogue: catalogue) else { return }
        let codings: [FHIRElement]
        switch node.typeName {
        case "code": codings = [FHIRElement(name: "coding", children: [FHIRElement(name: "code", value: node.element.value)])]
        case "Coding": codings = [node.element]
        case "CodeableConcept": codings = node.element.children("coding")
        default: return
        }
        let verdicts = codings.map { coding -> Bool? in
            guard let code = coding.child("code")?.value else { return nil }
            guard let system = coding.child("system")?.value else { return valueSet.contains(code: code) }
            return valueSet.contains(system: system, code: code)
        }
        if verdicts.contains(where: { $0 == true }) || (verdicts.contains(where: { $0 == nil }) && !verdicts.isEmpty) { return }
        let severity: Issue.Severity = binding.strength == .required ? .error : .warning
        report(node.path, "no code from the \(binding.strength) value set \(valueSet.url)", profile: profile,
               code: .codeInvalid, severity: severity)
    }

    mutating func report(
        _ path: String, _ message: String, profile: StructureProfile, code: IssueType = .structure,
        severity: Issue.Severity = .error
    ) {
        issues.append(Issue(severity, code, "\(message) (profile \(profile.name))", expression: path))
    }
}

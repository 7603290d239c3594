import FHIRCore

/// What the validator checks at each member of each catalogue context, worked out once so the
/// walk over a resource does no string comparison or dictionary lookup beyond the member's name.
final class ValidationPlan: Sendable {
    static let r4 = ValidationPlan(catalogue: .r4)

    /// The checks for one member (`Patient.name`, `Observation.valueQuantity`). A class: the
    /// walk fetches one per element, and a reference costs one retain where a struct of arrays
    /// and strings would copy them.
    final class MemberRule: Sendable {
        let definition: ElementDefinition
        let isReference: Bool
        let binding: BindingRule?
        let isNarrative: Bool
        /// The element's own invariants and its type's (up the type hierarchy), `ele-1` aside.
        let invariants: [CompiledInvariant]
        /// Set for primitive members: how FHIRPath reads the value.
        let primitiveKind: PrimitiveKind?
        /// `Reference.reference` and canonical/uri/url values may point at contained resources (dom-3).
        let mayReferToContained: Bool
        /// Complex members with a native check of their own (`Attachment.size`, `Extension`).
        let isAttachment: Bool
        let isExtension: Bool
        /// `Extension.extension`: its url may be relative, naming a slice of the parent's definition.
        let isSubExtension: Bool

        init(
            definition: ElementDefinition, isReference: Bool, binding: BindingRule?, isNarrative: Bool,
            invariants: [CompiledInvariant], primitiveKind: PrimitiveKind?, typeName: String
        ) {
            self.definition = definition
            self.isReference = isReference
            self.binding = binding
            self.isNarrative = isNarrative
            self.invariants = invariants
            self.primitiveKind = primitiveKind
            self.mayReferToContained = primitiveKind == .canonical || primitiveKind == .uri || primitiveKind == .url
            self.isAttachment = typeName == "Attachment"
            self.isExtension = typeName == "Extension"
            self.isSubExtension = definition.path == "Extension.extension"
        }
    }

    struct BindingRule: Sendable {
        enum Target: Sendable { case code, coding, codeableConcept }
        let target: Target
        let strength: ElementDefinition.Binding.Strength
        let valueSet: ValueSetExpansion
    }

    /// `rules[contextID][memberIndex]`.
    let rules: [[MemberRule]]
    /// How many definition positions each context has (choice members share one).
    let positionCounts: [Int]
    /// Invariants the walk checks in Swift instead: `ele-1` because it applies to every element
    /// (`ValidationRun.checkElementHasContent`), `bdl-7` because the native check names the
    /// entry whose fullUrl repeats where the invariant can only name the Bundle, and `dom-3`
    /// because its expression walks every descendant of the resource for each contained one,
    /// while the walk already sees every reference once (`ValidationRun+Contained.swift`).
    /// `txt-1` and `txt-2` are `htmlChecks()`, a native check of the XHTML (`NarrativeCheck`,
    /// `ValidationRun+Narrative.swift`), not an ordinary FHIRPath function.
    static let checkedNatively: Set<String> = ["ele-1", "bdl-7", "dom-3", "txt-1", "txt-2"]

    /// dom-3's words, for the native check (from this plan's catalogue, not always R4's).
    let dom3Human: String

    /// Resource type name → the invariants of the type and its bases (`dom-2`…`dom-6`).
    let resourceInvariants: [String: [CompiledInvariant]]

    init(catalogue: TypeCatalogue) {
        let cache = CompiledInvariant.Cache()
        func typeInvariants(_ name: String) -> [CompiledInvariant] {
            var invariants: [CompiledInvariant] = []
            var next = catalogue.types[name]
            while let type = next {
                invariants += type.constraints.filter { !Self.checkedNatively.contains($0.key) }.map(cache.compile)
                next = type.baseName.flatMap { catalogue.types[$0] }
            }
            return invariants
        }
        var rules: [[MemberRule]] = []
        var positionCounts: [Int] = []
        rules.reserveCapacity(catalogue.contexts.count)
        for context in catalogue.contexts {
            positionCounts.append(Int(context.members.map(\.position).max() ?? -1) + 1)
            rules.append(context.members.map { member in
                let definition = catalogue.elements[member.elementIndex]
                var primitiveKind: PrimitiveKind?
                if case .primitive(let kind) = member.valueType { primitiveKind = kind }
                var invariants = definition.constraints.filter { !Self.checkedNatively.contains($0.key) }.map(cache.compile)
                if case .resource = member.valueType {} else { invariants += typeInvariants(member.typeName) }
                return MemberRule(
                    definition: definition, isReference: member.typeName == "Reference",
                    binding: Self.bindingRule(member: member, definition: definition, catalogue: catalogue),
                    isNarrative: member.typeName == "xhtml", invariants: invariants, primitiveKind: primitiveKind,
                    typeName: member.typeName)
            })
        }
        self.rules = rules
        self.positionCounts = positionCounts
        var resourceInvariants: [String: [CompiledInvariant]] = [:]
        for name in catalogue.resourceTypeNames { resourceInvariants[name] = typeInvariants(name) }
        self.resourceInvariants = resourceInvariants
        dom3Human = catalogue.types["DomainResource"]?.constraints.first { $0.key == "dom-3" }?.human
            ?? "a contained resource SHALL be referred to from elsewhere in the resource or SHALL refer to the containing resource"
    }

    private static func bindingRule(
        member: ElementContext.Member, definition: ElementDefinition, catalogue: TypeCatalogue
    ) -> BindingRule? {
        guard let binding = definition.binding, let valueSet = catalogue.valueSets[binding.valueSet],
              valueSet.codesBySystem != nil
        else { return nil }
        let target: BindingRule.Target
        switch member.typeName {
        case "code": target = .code
        case "Coding": target = .coding
        case "CodeableConcept": target = .codeableConcept
        default: return nil
        }
        return BindingRule(target: target, strength: binding.strength, valueSet: valueSet)
    }
}

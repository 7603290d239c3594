import FHIRCore

/// What the validator checks at each member of each catalogue context, worked out once so the
/// walk over a resource does no string comparison or dictionary lookup beyond the member's name.
final class ValidationPlan: Sendable {
    static let r4 = ValidationPlan(catalogue: .r4)

    /// The checks for one member (`Patient.name`, `Observation.valueQuantity`).
    struct MemberRule: Sendable {
        let definition: ElementDefinition
        let isReference: Bool
        let binding: BindingRule?
        let isNarrative: Bool
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

    init(catalogue: TypeCatalogue) {
        var rules: [[MemberRule]] = []
        var positionCounts: [Int] = []
        rules.reserveCapacity(catalogue.contexts.count)
        for context in catalogue.contexts {
            positionCounts.append(Int(context.members.map(\.position).max() ?? -1) + 1)
            rules.append(context.members.map { member in
                let definition = catalogue.elements[member.elementIndex]
                return MemberRule(
                    definition: definition, isReference: member.typeName == "Reference",
                    binding: Self.bindingRule(member: member, definition: definition, catalogue: catalogue),
                    isNarrative: member.typeName == "xhtml")
            })
        }
        self.rules = rules
        self.positionCounts = positionCounts
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

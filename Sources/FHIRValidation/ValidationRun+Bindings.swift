import FHIRCore

/// Terminology bindings (terminologies.html §4.1.5) checked against the ValueSets the
/// generator could expand from the core package. A required binding is an error when no code
/// is from the ValueSet; extensible and preferred ones are warnings. Messages name the
/// ValueSet, never the code that was sent.
extension ValidationRun {
    mutating func checkBinding(_ node: FHIRElement, rule: ValidationPlan.BindingRule) {
        let valueSet = rule.valueSet
        let inValueSet: Bool
        switch rule.target {
        case .code:
            guard let code = node.value else { return }
            inValueSet = valueSet.contains(code: code) ?? true
        case .coding:
            guard let verdict = codingVerdict(node, valueSet: valueSet) else { return }
            inValueSet = verdict
        case .codeableConcept:
            let verdicts = node.children("coding").map { codingVerdict($0, valueSet: valueSet) }
            if verdicts.isEmpty {
                // Text alone carries no code: acceptable only where the binding is not required.
                guard rule.strength == .required else { return }
                inValueSet = false
            } else {
                inValueSet = verdicts.contains { $0 != false }
            }
        }
        guard !inValueSet else { return }
        switch rule.strength {
        case .required:
            report(.error, .codeInvalid, "no code from the required value set \(valueSet.url)")
        case .extensible:
            report(.warning, .codeInvalid, "no code from the extensible value set \(valueSet.url)")
        case .preferred:
            report(.warning, .codeInvalid, "no code from the preferred value set \(valueSet.url)")
        }
    }

    /// Whether a Coding's system and code are in the ValueSet; `nil` when it cannot be told
    /// (no code, or no system to say which code system the code is from).
    private func codingVerdict(_ coding: FHIRElement, valueSet: ValueSetExpansion) -> Bool? {
        guard let code = coding.childValue("code") else { return nil }
        guard let system = coding.childValue("system") else { return valueSet.contains(code: code) }
        return valueSet.contains(system: system, code: code)
    }
}

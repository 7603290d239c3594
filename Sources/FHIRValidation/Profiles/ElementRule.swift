import FHIRCore

/// What a differential element says about the element it constrains.
struct ElementRule: Sendable {
    struct Discriminator: Sendable {
        /// `value`, `pattern`, `type`, `profile`, `exists`.
        let type: String
        /// A FHIRPath-like path from the sliced element: `url`, `system`, `coding.code`, `$this`.
        let path: String
    }

    struct Slicing: Sendable {
        let discriminators: [Discriminator]
        /// `closed`: every item must fall in a slice.
        let isClosed: Bool
    }

    struct TypeRule: Sendable {
        let code: String
        /// `profile` (an Extension's definition, or a data type profile).
        let profiles: [String]
        /// For Reference and canonical: the definitions the target must conform to.
        let targetProfiles: [String]
    }

    let id: String
    let min: Int?
    /// `Int.max` for `*`.
    let max: Int?
    let mustSupport: Bool
    /// `fixed[x]`: the value must be exactly this (the node's name is `fixedUri`, `fixedCode`, ...).
    let fixed: FHIRElement?
    /// `pattern[x]`: the value must contain this.
    let pattern: FHIRElement?
    let binding: ElementDefinition.Binding?
    let types: [TypeRule]
    let constraints: [Constraint]
    let slicing: Slicing?

    init(_ element: FHIRElement) {
        id = element.child("id")?.value ?? element.child("path")?.value ?? ""
        min = element.child("min")?.value.flatMap { Int($0) }
        max = element.child("max")?.value.map { $0 == "*" ? Int.max : Int($0) ?? Int.max }
        mustSupport = element.child("mustSupport")?.value == "true"
        fixed = element.children.first { $0.name.hasPrefix("fixed") }
        pattern = element.children.first { $0.name.hasPrefix("pattern") }
        if let binding = element.child("binding"), let valueSet = binding.child("valueSet")?.value {
            let strength: ElementDefinition.Binding.Strength? =
                switch binding.child("strength")?.value {
                case "required": .required
                case "extensible": .extensible
                case "preferred": .preferred
                default: nil
                }
            self.binding = strength.map { .init(strength: $0, valueSet: valueSet.split(separator: "|")[0].description) }
        } else {
            binding = nil
        }
        types = element.children("type").map { type in
            TypeRule(
                code: type.child("code")?.value ?? "",
                profiles: type.children("profile").compactMap(\.value),
                targetProfiles: type.children("targetProfile").compactMap(\.value))
        }
        constraints = element.children("constraint").compactMap { constraint in
            guard let key = constraint.child("key")?.value, let expression = constraint.child("expression")?.value
            else { return nil }
            return Constraint(
                key: key, severity: constraint.child("severity")?.value == "warning" ? .warning : .error,
                expression: expression, human: constraint.child("human")?.value ?? "")
        }
        if let slicing = element.child("slicing") {
            self.slicing = Slicing(
                discriminators: slicing.children("discriminator").compactMap { discriminator in
                    guard let type = discriminator.child("type")?.value, let path = discriminator.child("path")?.value
                    else { return nil }
                    return Discriminator(type: type, path: path)
                },
                isClosed: slicing.child("rules")?.value == "closed")
        } else {
            slicing = nil
        }
    }
}

import FHIRCore

/// `fixed[x]` and `pattern[x]` (elementdefinition.html §2.19.0.x): a fixed value must be matched
/// exactly; a pattern only in the parts it states (every stated child present with the same
/// value, further content allowed). Node names and forms are ignored: the fixed node is named
/// `fixedUri`, the data node `system`.
enum PatternMatching {
    static func equalsFixed(_ node: FHIRElement, _ fixed: FHIRElement) -> Bool {
        guard node.value == fixed.value, node.children.count == fixed.children.count else { return false }
        return zip(node.children, fixed.children).allSatisfy { $0.name == $1.name && equalsFixed($0, $1) }
    }

    static func contains(_ node: FHIRElement, pattern: FHIRElement) -> Bool {
        if let value = pattern.value, node.value != value { return false }
        return pattern.children.allSatisfy { wanted in
            node.children.contains { $0.name == wanted.name && contains($0, pattern: wanted) }
        }
    }
}

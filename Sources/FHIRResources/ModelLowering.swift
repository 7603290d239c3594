import FHIRCore

/// The helpers generated `element(named:form:)` bodies call. A value that would lower to a node
/// with no value and no children (an empty struct, a primitive with nothing set) is left out:
/// readers never make such nodes, and writers could only write `{}`.
enum Lower {
    // Not inlined, like `Decode.value`: one specialisation per type.
    @inline(never)
    static func one<T: FHIRModel>(_ nodes: inout [FHIRElement], _ value: T?, _ name: String, _ form: FHIRElement.Form) {
        guard let value else { return }
        append(&nodes, value.element(named: name, form: form))
    }

    @inline(never)
    static func many<T: FHIRModel>(_ nodes: inout [FHIRElement], _ values: [T], _ name: String, _ form: FHIRElement.Form) {
        for value in values {
            append(&nodes, value.element(named: name, form: form))
        }
    }

    /// `Element.id`, `Extension.url`: written as XML attributes.
    static func attribute(_ nodes: inout [FHIRElement], _ value: String?, _ name: String) {
        guard let value else { return }
        nodes.append(FHIRElement(name: name, value: value, form: [.primitive, .xmlAttribute]))
    }

    static func append(_ nodes: inout [FHIRElement], _ node: FHIRElement) {
        guard node.value != nil || !node.children.isEmpty || node.resourceType != nil else { return }
        nodes.append(node)
    }
}

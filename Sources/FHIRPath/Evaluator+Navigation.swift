import FHIRCore

/// Member access on nodes, typed by the catalogue (FHIR R4 fhirpath.html §2.1.9: choice
/// elements are reached by their FHIRPath name, `Observation.value`).
extension Evaluator {
    func navigate(_ items: Items, to name: String, atPathStart: Bool) throws -> Items {
        var result: Items = []
        if items.isEmpty { return result }
        let mayBeType = atPathStart && Self.startsWithCapital(name)
        for item in items {
            switch item {
            case .node(let node):
                if mayBeType, isNode(node, ofType: name) {
                    result.append(item)
                    continue
                }
                try appendChildren(of: node, named: name, to: &result, atPathStart: atPathStart)
            case .typeInfo(let namespace, let typeName):
                if name == "name" { result.append(.string(typeName)) }
                if name == "namespace" { result.append(.string(namespace)) }
            default:
                continue
            }
        }
        return result
    }

    /// Whether a node's type is `name` or derives from it (`Patient` is a `DomainResource`).
    func isNode(_ node: FHIRPathNode, ofType name: String) -> Bool {
        var current: String? = node.typeName
        while let type = current {
            if type == name { return true }
            current = catalogue.types[type]?.baseName
        }
        return false
    }

    func appendChildren(
        of node: FHIRPathNode, named name: String, to result: inout Items, atPathStart: Bool = false
    ) throws {
        let children = node.element.children
        guard node.contextID >= 0 else {
            for index in children.indices where Self.sameName(children[index].name, name) {
                result.append(.node(node.child(children[index], catalogue: catalogue)))
            }
            return
        }
        let context = catalogue.contexts[node.contextID]
        if let member = context.member(named: name) {
            if member.isChoice {
                if strictNames { throw semantic("a choice element is named without its type suffix") }
                return
            }
            for index in children.indices where Self.sameName(children[index].name, name) {
                result.append(.node(FHIRPathNode(child: children[index], member: member, catalogue: catalogue)))
            }
            return
        }
        var found = false
        let length = name.utf8.count
        for index in children.indices {
            let childName = children[index].name
            guard childName.utf8.count > length, childName.hasPrefix(name) else { continue }
            if let member = context.member(named: childName), member.isChoice, member.pathName == name {
                result.append(.node(FHIRPathNode(child: children[index], member: member, catalogue: catalogue)))
                found = true
            }
        }
        if !found && strictNames && !context.members.contains(where: { $0.pathName == name }) {
            throw semantic("\(node.typeName) has no element \(name)")
        }
    }

    /// Whether a name starts with `A`…`Z`: at the start of a path it may then be a type name.
    @inline(__always)
    static func startsWithCapital(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { bytes in bytes.count > 0 && bytes[0] >= 0x41 && bytes[0] <= 0x5A }
    }

    /// `a == b` for element names.
    @inline(__always)
    static func sameName(_ a: String, _ b: String) -> Bool {
        a == b
    }

    /// Every child of every node, in order (`children()`).
    func childItems(_ items: Items) -> Items {
        var result: Items = []
        for case .node(let node) in items {
            for child in node.element.children {
                result.append(.node(node.child(child, catalogue: catalogue)))
            }
        }
        return result
    }

    /// Children, grandchildren … in document order, depth first (`descendants()`).
    func descendantItems(_ items: Items) -> Items {
        var result: Items = []
        func walk(_ node: FHIRPathNode) {
            for child in node.element.children {
                let childNode = node.child(child, catalogue: catalogue)
                result.append(.node(childNode))
                walk(childNode)
            }
        }
        for case .node(let node) in items { walk(node) }
        return result
    }
}

import FHIRCore

/// Member access on nodes, typed by the catalogue (FHIR R4 fhirpath.html §2.1.9: choice
/// elements are reached by their FHIRPath name, `Observation.value`).
extension Evaluator {
    func navigate(_ items: Items, to name: String, atPathStart: Bool) throws -> Items {
        var result: Items = []
        for item in items {
            switch item {
            case .node(let node):
                if atPathStart, let first = name.utf8.first, first >= 0x41 && first <= 0x5A, isNode(node, ofType: name) {
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
            for child in children where child.name == name {
                result.append(.node(node.child(child, catalogue: catalogue)))
            }
            return
        }
        let context = catalogue.contexts[node.contextID]
        if let member = context.member(named: name) {
            if member.isChoice {
                if environment.strictNames { throw semantic("a choice element is named without its type suffix") }
                return
            }
            for child in children where child.name == name {
                result.append(.node(FHIRPathNode(child: child, member: member, catalogue: catalogue)))
            }
            return
        }
        var found = false
        for child in children where child.name.count > name.count && child.name.hasPrefix(name) {
            if let member = context.member(named: child.name), member.isChoice, member.pathName == name {
                result.append(.node(FHIRPathNode(child: child, member: member, catalogue: catalogue)))
                found = true
            }
        }
        if !found && environment.strictNames && !context.members.contains(where: { $0.pathName == name }) {
            throw semantic("\(node.typeName) has no element \(name)")
        }
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

import FHIRCore

/// A node of the resource being checked against a profile, with what the catalogue says it is
/// and its FHIRPath (built eagerly: profiles touch few elements, unlike the base walk).
struct ProfiledNode {
    let element: FHIRElement
    /// The context of the node's children: its type's, its backbone's, or its resource's.
    let contextID: Int
    let typeName: String
    let path: String

    /// The children with their types and paths; unknown ones (already reported by the base
    /// walk) are left out.
    func children(in catalogue: TypeCatalogue) -> [(member: ElementContext.Member, node: ProfiledNode)] {
        guard contextID >= 0 else { return [] }
        let context = catalogue.contexts[contextID]
        var occurrences: [String: Int] = [:]
        var result: [(ElementContext.Member, ProfiledNode)] = []
        for child in element.children {
            guard let member = context.member(named: child.name) else { continue }
            let index = occurrences[child.name, default: 0]
            occurrences[child.name] = index + 1
            var childPath = path + "." + member.pathName
            if member.isChoice { childPath += ".ofType(\(member.typeName))" }
            if member.isList { childPath += "[\(index)]" }
            var childContext = member.valueContextID
            var typeName = member.typeName
            if case .resource = member.valueType, let type = child.resourceType {
                childContext = catalogue.resourceContextID(forName: type) ?? -1
                typeName = type
            }
            result.append((member, ProfiledNode(element: child, contextID: childContext, typeName: typeName, path: childPath)))
        }
        return result
    }

    /// Whether a differential element name (`identifier`, `value[x]`, `valueQuantity`) names this member.
    static func name(_ profileName: String, matches member: ElementContext.Member) -> Bool {
        if profileName.hasSuffix("[x]") { return member.pathName == profileName.dropLast(3) }
        return member.name == profileName || (!member.isChoice && member.pathName == profileName)
    }

    /// The values at a discriminator path (`system`, `coding.code`, `$this`), by element names.
    func values(at path: String, in catalogue: TypeCatalogue) -> [ProfiledNode] {
        var current = [self]
        for segment in path.split(separator: ".") where segment != "$this" {
            current = current.flatMap { node in
                node.children(in: catalogue).filter { Self.name(String(segment), matches: $0.member) }.map(\.node)
            }
        }
        return current
    }
}

/// Turns the catalogue's type and element records into `ElementContext`s: one for each type's
/// root and one for each backbone element, with every choice expanded into its typed names.
struct ContextBuilder {
    private let parsed: CatalogueText
    private(set) var types: [String: TypeDefinition] = [:]
    private(set) var contexts: [ElementContext] = []
    private(set) var contextIDsByPath: [String: Int] = [:]

    init(parsed: CatalogueText) {
        self.parsed = parsed
    }

    mutating func build() throws {
        var contextPaths: [String] = []
        func addContext(_ path: String) -> Int {
            if let existing = contextIDsByPath[path] { return existing }
            contextIDsByPath[path] = contextPaths.count
            contextPaths.append(path)
            return contextPaths.count - 1
        }

        for record in parsed.typeRecords {
            let kind: TypeDefinition.Kind
            switch record.kindCode {
            case "p":
                guard let primitive = PrimitiveKind(rawValue: record.name) else {
                    throw TypeCatalogue.FormatError(line: 0, reason: "unknown primitive \(record.name)")
                }
                kind = .primitive(primitive)
            case "c": kind = .complex
            default: kind = .resource
            }
            types[record.name] = TypeDefinition(
                name: record.name, kind: kind, baseName: record.baseName, isAbstract: record.isAbstract,
                jsonForm: record.jsonForm, regex: record.regex, contextID: addContext(record.name),
                constraints: record.constraints)
        }

        // A backbone element is an element that other elements of the snapshot sit under.
        let parentPaths = Set(parsed.elements.map { parentPath(of: $0.definition.path) })
        for record in parsed.elements where parentPaths.contains(record.definition.path) {
            _ = addContext(record.definition.path)
        }

        var membersByContext = [[ElementContext.Member]](repeating: [], count: contextPaths.count)
        var requiredByContext = [[(position: Int32, pathName: String)]](repeating: [], count: contextPaths.count)
        var elementCountByContext = [Int32](repeating: 0, count: contextPaths.count)

        for (elementIndex, record) in parsed.elements.enumerated() {
            let element = record.definition
            guard let contextID = contextIDsByPath[parentPath(of: element.path)] else {
                throw TypeCatalogue.FormatError(line: 0, reason: "no parent for \(element.path)")
            }
            let position = elementCountByContext[contextID]
            elementCountByContext[contextID] += 1
            if element.min > 0 { requiredByContext[contextID].append((position, element.name)) }
            for (name, valueType, typeName, form) in try resolve(element) {
                let valueContextID: Int
                switch valueType {
                case .primitive: valueContextID = contextIDsByPath[typeName] ?? -1
                case .complex(let contextID): valueContextID = contextID
                case .resource: valueContextID = -1
                }
                var form = form
                if element.max > 1 { form.insert(.list) }
                if element.isXMLAttribute { form.insert(.xmlAttribute) }
                membersByContext[contextID].append(
                    ElementContext.Member(
                        name: name, elementIndex: elementIndex, position: position, valueType: valueType,
                        typeName: typeName, pathName: element.name, isChoice: element.isChoice,
                        max: element.max, valueContextID: valueContextID, form: form))
            }
        }

        contexts = contextPaths.enumerated().map { id, path in
            ElementContext(id: id, path: path, members: membersByContext[id], required: requiredByContext[id])
        }
    }

    /// Each name an element can appear under, with what its value is.
    private func resolve(_ element: ElementDefinition) throws
        -> [(String, ElementContext.Member.ValueType, String, FHIRElement.Form)]
    {
        if let reference = element.contentReference {
            guard let target = contextIDsByPath[reference] else {
                throw TypeCatalogue.FormatError(line: 0, reason: "unresolved contentReference \(reference)")
            }
            return [(element.name, .complex(contextID: target), "BackboneElement", [])]
        }
        if let backbone = contextIDsByPath[element.path] {
            return [(element.name, .complex(contextID: backbone), element.types.first ?? "BackboneElement", [])]
        }
        return try element.types.map { typeName in
            let name = element.isChoice ? element.name + upperFirst(typeName) : element.name
            if typeName == "Resource" { return (name, .resource, typeName, []) }
            guard let type = types[typeName] else {
                throw TypeCatalogue.FormatError(line: 0, reason: "unknown type \(typeName) in \(element.path)")
            }
            switch type.kind {
            case .primitive(let primitive):
                var form: FHIRElement.Form = [.primitive]
                form.formUnion(type.jsonForm)
                if primitive == .xhtml { form.insert(.xhtml) }
                return (name, .primitive(primitive), typeName, form)
            case .complex, .resource:
                return (name, .complex(contextID: type.contextID), typeName, [])
            }
        }
    }

    private func parentPath(of path: String) -> String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }

    private func upperFirst(_ name: String) -> String {
        name.prefix(1).uppercased() + name.dropFirst()
    }
}

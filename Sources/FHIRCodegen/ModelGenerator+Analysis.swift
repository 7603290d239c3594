/// What a generated struct holds, worked out from a StructureDefinition snapshot before any
/// source is rendered.
struct ModelType {
    enum Kind { case resource, complex, backbone }

    /// `Patient`, `Patient.contact`.
    let fhirPath: String
    /// `Patient`, `Contact`.
    let swiftName: String
    /// `Patient`, `Patient.Contact`.
    let qualifiedName: String
    let kind: Kind
    let short: String
    var members: [ModelMember] = []
    var nested: [ModelType] = []
}

struct ModelMember {
    enum Kind {
        /// An XML attribute (`Element.id`, `Extension.url`): a plain `String`.
        case attribute
        /// One type: a primitive wrapper, a data type, a backbone struct or `AnyResource`.
        case value(TypeReference)
        /// A `[x]` choice: an `indirect enum` nested in the owner.
        case choice(enumName: String, cases: [ChoiceCase])
    }

    /// The FHIRPath name (no `[x]`).
    let name: String
    let short: String
    let isRequired: Bool
    let isList: Bool
    let kind: Kind
    /// Boxed (`@Indirect`) because the struct would otherwise contain itself.
    var isIndirect = false

    /// The property name, with backticks for a Swift keyword.
    var swiftName: String { escaped(name) }
}

struct TypeReference {
    /// As written in the owner's scope: `HumanName`, `Patient.Contact`, `FHIRResources.Period`.
    let swiftType: String
    /// The unqualified target, for cycle detection: `HumanName`, `Patient.Contact`.
    let target: String
    /// The `FHIRElement.Form` literal readers give such a node: `[.primitive, .number]`.
    let form: String
    let isStruct: Bool
}

struct ChoiceCase {
    let caseName: String
    /// As written: `deceasedBoolean`.
    let elementName: String
    /// The FHIR type code: `boolean`, `Quantity`.
    let code: String
    let reference: TypeReference
}

extension ModelGenerator {
    /// Every modelled complex type and resource. Single-valued struct members are boxed
    /// (`@Indirect`): a struct may then contain itself (`Identifier.assigner` → `Reference` →
    /// `Identifier`), and a resource is a flat row of pointers rather than a deep tree of inline
    /// structs, whose value witnesses made the optimizer and LLVM take minutes.
    func allModels() -> [ModelType] {
        func markIndirect(_ model: inout ModelType) {
            for index in model.members.indices where !model.members[index].isList {
                if case .value(let reference) = model.members[index].kind, reference.isStruct {
                    model.members[index].isIndirect = true
                }
            }
            for index in model.nested.indices { markIndirect(&model.nested[index]) }
        }
        var models = modelledTypes().map(buildModel)
        for index in models.indices { markIndirect(&models[index]) }
        return models
    }

    func buildModel(_ type: String) -> ModelType {
        let structure = structures[type] ?? [:]
        let elements = snapshot(structure)
        let isResource = (structure["kind"] as? String) == "resource"
        let paths = elements.compactMap { $0["path"] as? String }
        let backbonePaths = Set(paths.map(parentPath).filter { $0.contains(".") })
        let nestedNames = Set(backbonePaths.map { nestedSwiftName(lastSegment($0)) })
        var context = BuildContext(
            root: type, isResource: isResource, backbonePaths: backbonePaths, nestedNames: nestedNames,
            childrenByParent: Dictionary(grouping: elements.dropFirst(), by: { parentPath($0["path"] as? String ?? "") }))
        let short = elements.first?["short"] as? String ?? ""
        return buildType(
            path: type, swiftName: swiftTypeName(type), qualifiedName: swiftTypeName(type),
            kind: isResource ? .resource : .complex, short: short, context: &context)
    }

    struct BuildContext {
        let root: String
        let isResource: Bool
        let backbonePaths: Set<String>
        /// Names of the nested types anywhere in the root type: a top-level type of the same
        /// name must be written `FHIRResources.Name` inside it.
        let nestedNames: Set<String>
        let childrenByParent: [String: [JSONObject]]
    }

    private func buildType(
        path: String, swiftName: String, qualifiedName: String, kind: ModelType.Kind, short: String,
        context: inout BuildContext
    ) -> ModelType {
        var model = ModelType(fhirPath: path, swiftName: swiftName, qualifiedName: qualifiedName, kind: kind, short: short)
        let reserved: Set<String> = ["node", "child", "unknown"]
        for element in context.childrenByParent[path] ?? [] {
            let elementPath = element["path"] as? String ?? ""
            let last = lastSegment(elementPath)
            let isChoice = last.hasSuffix("[x]")
            let name = isChoice ? String(last.dropLast(3)) : last
            precondition(!reserved.contains(name), "\(elementPath) collides with a name the generated code uses")
            let maxText = element["max"] as? String ?? "1"
            let isList = maxText == "*" || (Int(maxText) ?? 1) > 1
            let min = element["min"] as? Int ?? 0
            let memberShort = element["short"] as? String ?? ""
            let listForm = isList ? [".list"] : []

            let memberKind: ModelMember.Kind
            if context.backbonePaths.contains(elementPath) {
                let nestedName = nestedSwiftName(last)
                let nested = buildType(
                    path: elementPath, swiftName: nestedName, qualifiedName: qualifiedName + "." + nestedName,
                    kind: .backbone, short: memberShort, context: &context)
                model.nested.append(nested)
                memberKind = .value(TypeReference(
                    swiftType: qualify(nested.qualifiedName, context), target: nested.qualifiedName,
                    form: formLiteral(listForm), isStruct: true))
            } else if let reference = element["contentReference"] as? String {
                let target = qualifiedBackboneName(String(reference.drop { $0 == "#" }))
                memberKind = .value(TypeReference(
                    swiftType: qualify(target, context), target: target, form: formLiteral(listForm), isStruct: true))
            } else if (element["representation"] as? [String])?.contains("xmlAttr") == true {
                memberKind = .attribute
            } else {
                let codes = (element["type"] as? [JSONObject] ?? []).map { typeCode($0, path: elementPath, context) }
                if isChoice {
                    let cases = codes.map { code in
                        ChoiceCase(
                            caseName: lowerFirst(code), elementName: name + upperFirst(code), code: code,
                            reference: typeReference(code, extraForm: [], context))
                    }
                    memberKind = .choice(enumName: upperFirst(name) + "X", cases: cases)
                } else {
                    memberKind = .value(typeReference(codes.first ?? "string", extraForm: listForm, context))
                }
            }
            model.members.append(ModelMember(
                name: name, short: memberShort, isRequired: min > 0, isList: isList, kind: memberKind))
        }
        return model
    }

    /// `Consent.Provision` for `Consent.provision`.
    private func qualifiedBackboneName(_ path: String) -> String {
        let segments = path.split(separator: ".").map(String.init)
        return ([swiftTypeName(segments[0])] + segments.dropFirst().map(nestedSwiftName)).joined(separator: ".")
    }

    private func qualify(_ qualifiedName: String, _ context: BuildContext) -> String {
        let first = String(qualifiedName.prefix { $0 != "." })
        return context.nestedNames.contains(first) ? "FHIRResources." + qualifiedName : qualifiedName
    }

    private func typeReference(_ code: String, extraForm: [String], _ context: BuildContext) -> TypeReference {
        if code == "Resource" {
            return TypeReference(swiftType: "AnyResource", target: "AnyResource", form: formLiteral(extraForm), isStruct: false)
        }
        if kind(of: code) == "primitive-type" {
            return TypeReference(
                swiftType: primitiveSwiftName(code), target: primitiveSwiftName(code),
                form: formLiteral(primitiveForm(code) + extraForm), isStruct: false)
        }
        let name = swiftTypeName(code)
        return TypeReference(swiftType: qualify(name, context), target: name, form: formLiteral(extraForm), isStruct: true)
    }

    /// Element ids and `Extension.url` are typed by their FHIRPath system type, with the FHIR
    /// type in the `structuredefinition-fhir-type` extension; `Resource.id` is an `id`.
    private func typeCode(_ type: JSONObject, path: String, _ context: BuildContext) -> String {
        let code = type["code"] as? String ?? ""
        guard code.hasPrefix("http://hl7.org/fhirpath/System.") else { return code }
        if context.isResource && path == "\(context.root).id" { return "id" }
        let extensions = type["extension"] as? [JSONObject] ?? []
        let fhirType = extensions.first { ($0["url"] as? String)?.hasSuffix("structuredefinition-fhir-type") == true }
        return fhirType?["valueUrl"] as? String ?? fhirType?["valueUri"] as? String ?? "string"
    }

    /// The form readers give a primitive (json.html §2.6.2): numbers and booleans are bare,
    /// `positiveInt` and `unsignedInt` inherit `integer`'s form, `xhtml` is the narrative.
    func primitiveForm(_ code: String) -> [String] {
        var form = [".primitive"]
        switch primitiveJSONKind(code) {
        case "b": form.append(".boolean")
        case "n": form.append(".number")
        default: break
        }
        if code == "xhtml" { form.append(".xhtml") }
        return form
    }

    private func primitiveJSONKind(_ code: String) -> String {
        guard let structure = structures[code] else { return "s" }
        let value = snapshot(structure).first { ($0["path"] as? String) == "\(code).value" }
        let system = ((value?["type"] as? [JSONObject])?.first?["code"] as? String) ?? ""
        switch system {
        case "http://hl7.org/fhirpath/System.Boolean": return "b"
        case "http://hl7.org/fhirpath/System.Integer", "http://hl7.org/fhirpath/System.Decimal": return "n"
        default:
            guard let base = (structure["baseDefinition"] as? String)?.split(separator: "/").last.map(String.init),
                  kind(of: base) == "primitive-type"
            else { return "s" }
            return primitiveJSONKind(base)
        }
    }

    func nestedSwiftName(_ segment: String) -> String {
        let name = upperFirst(segment)
        return swiftKeywords.contains(name) ? name + "Component" : name
    }
}

func formLiteral(_ parts: [String]) -> String {
    "[" + parts.joined(separator: ", ") + "]"
}

func parentPath(_ path: String) -> String {
    guard let dot = path.lastIndex(of: ".") else { return "" }
    return String(path[..<dot])
}

func lastSegment(_ path: String) -> String {
    guard let dot = path.lastIndex(of: ".") else { return path }
    return String(path[path.index(after: dot)...])
}

/// The declarations of a model: the struct with its properties and initialiser, nested
/// backbone structs and choice enums.
extension ModelGenerator {
    func renderFile(_ model: ModelType) -> String {
        var text = renderDeclaration(model, indent: "")
        text += "\n" + renderBridging(model)
        return text
    }

    func swiftPropertyType(_ member: ModelMember) -> String {
        let base: String
        switch member.kind {
        case .attribute: base = "String"
        case .value(let reference): base = reference.swiftType
        case .choice(let enumName, _): base = enumName
        }
        if member.isList { return "[\(base)]" }
        return member.isRequired ? base : base + "?"
    }

    private func renderDeclaration(_ model: ModelType, indent: String) -> String {
        let inner = indent + "    "
        let conformance = model.kind == .resource ? "FHIRResourceModel" : "FHIRModel"
        var text = docComment(model.short, indent: indent)
        text += "\(indent)public struct \(model.swiftName): \(conformance) {\n"
        text += "\(inner)public static let fhirType = \"\(model.fhirPath)\"\n"
        for member in model.members {
            text += "\n" + docComment(member.short, indent: inner)
            let wrapper = member.isIndirect ? "@Indirect " : ""
            text += "\(inner)\(wrapper)public var \(member.swiftName): \(swiftPropertyType(member))\n"
        }
        text += "\n\(inner)/// Content the definitions do not describe, kept from a lenient read and written back as it was.\n"
        text += "\(inner)public var unknown: [FHIRElement] = []\n\n"
        text += renderInitialiser(model, indent: inner)
        for nested in model.nested {
            text += "\n" + renderDeclaration(nested, indent: inner)
        }
        for member in model.members {
            guard case .choice(let enumName, let cases) = member.kind else { continue }
            text += "\n" + docComment(member.short, indent: inner)
            text += "\(inner)public indirect enum \(enumName): Sendable, Equatable {\n"
            for choice in cases {
                text += "\(inner)    case \(escaped(choice.caseName))(\(choice.reference.swiftType))\n"
            }
            text += "\(inner)}\n"
        }
        text += "\(indent)}\n"
        return text
    }

    private func renderInitialiser(_ model: ModelType, indent: String) -> String {
        guard !model.members.isEmpty else { return "\(indent)public init() {}\n" }
        var text = "\(indent)public init(\n"
        let parameters = model.members.map { member -> String in
            let type = swiftPropertyType(member)
            let defaultValue = member.isRequired ? "" : member.isList ? " = []" : " = nil"
            return "\(indent)    \(member.swiftName): \(type)\(defaultValue)"
        }
        text += parameters.joined(separator: ",\n") + "\n"
        text += "\(indent)) {\n"
        for member in model.members {
            text += "\(indent)    self.\(member.swiftName) = \(member.swiftName)\n"
        }
        text += "\(indent)}\n"
        return text
    }
}

/// The bridging code of a model: `init(element:)` reads a node of the element tree, and
/// `element(named:form:)` lowers the model back to exactly the node a reader would have made.
///
/// Each type gets one `switch` over its own element names (a few dozen cases at most, the 50
/// types of `Extension.value[x]` being the largest) calling small generic helpers in
/// `FHIRResources/ModelDecoding.swift` and `ModelLowering.swift`.
extension ModelGenerator {
    func renderBridging(_ model: ModelType) -> String {
        var text = "extension \(model.qualifiedName): NodeModel {\n"
        text += """
                public init(element: FHIRElement) throws(FHIRModelError) {
                    do throws(FHIRModelError) { try self.init(node: element) } catch { throw error.under(Self.fhirType) }
                }


            """
        text += renderDecoder(model)
        text += "\n"
        text += renderLowering(model)
        text += "}\n"
        for member in model.members {
            guard case .choice(let enumName, let cases) = member.kind else { continue }
            text += "\n" + renderChoiceLowering(owner: model.qualifiedName, enumName: enumName, cases: cases)
        }
        for nested in model.nested {
            text += "\n" + renderBridging(nested)
        }
        return text
    }

    /// `init(node:)`: locals per member, one `switch` over the children, then one throw.
    private func renderDecoder(_ model: ModelType) -> String {
        let check = model.kind == .resource ? "Decode.resource(node, \"\(model.fhirPath)\")" : "Decode.complex(node)"
        var text = "    init(node: FHIRElement) throws(FHIRModelError) {\n"
        text += "        var failure = \(check)\n"
        for member in model.members {
            let type = swiftPropertyType(member)
            let local = member.isList ? "\(type) = []" : member.isRequired ? "\(type)?" : type
            text += "        var \(member.swiftName): \(local)\n"
        }
        text += "        var unknown: [FHIRElement] = []\n"
        text += "        for child in node.children where failure == nil {\n"
        text += "            switch child.name {\n"
        for member in model.members {
            text += decodeCases(member)
        }
        text += "            default: Decode.unknown(&unknown, child, &failure)\n"
        text += "            }\n"
        text += "        }\n"
        for member in model.members where member.isRequired {
            let list = member.isList ? "list: " : ""
            text += "        Decode.require(\(list)\(member.swiftName), \"\(member.name)\", &failure)\n"
        }
        text += "        if let failure { throw failure }\n"
        if model.members.isEmpty {
            text += "        self.init()\n"
        } else {
            let arguments = model.members.map { member -> String in
                let unwrap = member.isRequired && !member.isList ? "!" : ""
                return "            \(member.name): \(member.swiftName)\(unwrap)"
            }
            text += "        self.init(\n" + arguments.joined(separator: ",\n") + ")\n"
        }
        text += "        self.unknown = unknown\n"
        text += "    }\n"
        return text
    }

    private func decodeCases(_ member: ModelMember) -> String {
        let indent = "            "
        switch member.kind {
        case .attribute:
            return "\(indent)case \"\(member.name)\": Decode.attribute(&\(member.swiftName), child, \"\(member.name)\", &failure)\n"
        case .value:
            let helper = member.isList ? "Decode.many" : "Decode.one"
            return "\(indent)case \"\(member.name)\": \(helper)(&\(member.swiftName), child, \"\(member.name)\", &failure)\n"
        case .choice(let enumName, let cases):
            var text = ""
            for choice in cases {
                text += "\(indent)case \"\(choice.elementName)\":\n"
                text += "\(indent)    Decode.choice(&\(member.swiftName), \(enumName).\(escaped(choice.caseName)), child, "
                text += "\"\(member.name)\", \"\(member.name).ofType(\(choice.code))\", &failure)\n"
            }
            return text
        }
    }

    private func renderLowering(_ model: ModelType) -> String {
        var text = "    public func element(named elementName: String, form elementForm: FHIRElement.Form) -> FHIRElement {\n"
        text += "        var nodes: [FHIRElement] = []\n"
        for member in model.members {
            let property = "self.\(member.swiftName)"
            switch member.kind {
            case .attribute:
                text += "        Lower.attribute(&nodes, \(property), \"\(member.name)\")\n"
            case .value(let reference):
                let helper = member.isList ? "Lower.many" : "Lower.one"
                text += "        \(helper)(&nodes, \(property), \"\(member.name)\", \(reference.form))\n"
            case .choice:
                if member.isRequired {
                    text += "        Lower.append(&nodes, \(property).node())\n"
                } else {
                    text += "        if let choice = \(property) { Lower.append(&nodes, choice.node()) }\n"
                }
            }
        }
        text += "        nodes += self.unknown\n"
        let resourceType = model.kind == .resource ? "resourceType: \"\(model.fhirPath)\", " : ""
        text += "        return FHIRElement(name: elementName, \(resourceType)children: nodes, form: elementForm)\n"
        text += "    }\n"
        return text
    }

    private func renderChoiceLowering(owner: String, enumName: String, cases: [ChoiceCase]) -> String {
        var text = "extension \(owner).\(enumName) {\n"
        text += "    /// The node for the chosen type, named as written: `\(cases.first?.elementName ?? "")`.\n"
        text += "    func node() -> FHIRElement {\n"
        text += "        switch self {\n"
        for choice in cases {
            text += "        case .\(escaped(choice.caseName))(let value): "
            text += "value.element(named: \"\(choice.elementName)\", form: \(choice.reference.form))\n"
        }
        text += "        }\n"
        text += "    }\n"
        text += "}\n"
        return text
    }
}

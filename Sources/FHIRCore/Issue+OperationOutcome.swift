extension Sequence<Issue> {
    /// The issues as an R4 `OperationOutcome`.
    ///
    /// The message goes in `diagnostics`, the FHIRPath in `expression`, and the source position
    /// both in `location` (`Line[4] Col[16]`, the form HAPI and the HL7 validator use) and in the
    /// validator's `operationoutcome-issue-line`/`-col` extensions, so either kind of client finds it.
    public func operationOutcome() -> FHIRElement {
        var issues = map(\.outcomeIssue)
        if issues.isEmpty {
            issues = [Issue(.information, .informational, "no issues").outcomeIssue]
        }
        return .resource("OperationOutcome", children: issues)
    }
}

extension Issue {
    fileprivate var outcomeIssue: FHIRElement {
        var children: [FHIRElement] = []
        if let location {
            children.append(extensionElement("operationoutcome-issue-line", location.line))
            children.append(extensionElement("operationoutcome-issue-col", location.column))
        }
        children.append(primitive("severity", severity.rawValue))
        children.append(primitive("code", code.rawValue))
        children.append(primitive("diagnostics", message))
        if let location {
            children.append(primitive("location", "Line[\(location.line)] Col[\(location.column)]", list: true))
        }
        if let expression {
            children.append(primitive("expression", expression, list: true))
        }
        return FHIRElement(name: "issue", children: children, form: .list)
    }

    private func primitive(_ name: String, _ value: String, list: Bool = false) -> FHIRElement {
        FHIRElement(name: name, value: value, form: list ? [.primitive, .list] : .primitive)
    }

    private func extensionElement(_ name: String, _ value: Int) -> FHIRElement {
        FHIRElement(
            name: "extension",
            children: [
                FHIRElement(
                    name: "url", value: "http://hl7.org/fhir/StructureDefinition/\(name)",
                    form: [.primitive, .xmlAttribute]),
                FHIRElement(name: "valueInteger", value: String(value), form: [.primitive, .number]),
            ],
            form: .list)
    }
}

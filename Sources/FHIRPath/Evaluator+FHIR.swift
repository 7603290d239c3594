import FHIRCore

/// The functions FHIR R4 adds to FHIRPath (fhirpath.html §2.1.9.1), and the dispatch of the
/// functions that work on single values.
extension Evaluator {
    func invokeValueFunction(_ call: FunctionCall, on target: Items, scope: Scope) throws -> Items {
        switch call.function {
        case .toBoolean, .convertsToBoolean, .toInteger, .convertsToInteger, .toDecimal, .convertsToDecimal, .toString,
             .convertsToString, .toDate, .convertsToDate, .toDateTime, .convertsToDateTime, .toTime, .convertsToTime,
             .toQuantity, .convertsToQuantity:
            return try convert(call.function, target, call, scope)
        case .indexOf, .substring, .startsWith, .endsWith, .contains, .upper, .lower, .replace, .matches, .matchesFull,
             .replaceMatches, .length, .toChars, .trim, .split, .join, .encode, .decode, .escape, .unescape:
            return try stringFunction(call, target, scope)
        case .abs, .ceiling, .exp, .floor, .ln, .log, .power, .round, .sqrt, .truncate:
            return try mathFunction(call, target, scope)
        case .lowBoundary, .highBoundary, .precision, .comparable:
            return try precisionFunction(call, target, scope)
        case .hasExtension:
            let extensionCall = FunctionCall(function: .extension, arguments: call.arguments, type: nil, regex: nil)
            return [.boolean(!(try invokeValueFunction(extensionCall, on: target, scope: scope)).isEmpty)]
        case .extension:
            guard let url = try string(argument(call, 0, scope), "extension()") else { return [] }
            var result: Items = []
            for case .node(let node) in target {
                for child in node.element.children where child.name == "extension" && child.child("url")?.value == url {
                    result.append(.node(node.child(child, catalogue: catalogue)))
                }
            }
            return result
        case .hasValue:
            guard target.count == 1, case .node(let node) = target[0] else { return [.boolean(false)] }
            return [.boolean(node.primitiveKind != nil && node.element.value != nil)]
        case .getValue:
            guard target.count == 1, case .node(let node) = target[0], node.primitiveKind != nil,
                  let value = target[0].systemValue
            else { return [] }
            return [value]
        case .htmlChecks:
            guard let item = try single(target, "htmlChecks()") else { return [] }
            guard case .node(let node) = item else { return [.boolean(false)] }
            return [.boolean(node.element.form.contains(.xhtml) && !(node.element.value ?? "").isEmpty)]
        case .resolve:
            return target.compactMap { resolve($0).map(FHIRPathItem.node) }
        case .conformsTo:
            guard let url = try string(argument(call, 0, scope), "conformsTo()") else { return [] }
            return try target.map { .boolean(try conforms($0, to: url)) }
        case .memberOf:
            guard let url = try string(argument(call, 0, scope), "memberOf()"),
                  let item = try single(target, "memberOf()")
            else { return [] }
            return isMember(item, of: url).map { [.boolean($0)] } ?? []
        case .subsumes, .subsumedBy, .elementDefinition, .slice, .hasTemplateIdOf:
            return []
        case .checkModifiers:
            return target
        default:
            throw fail("\(call.function.rawValue)() is not supported")
        }
    }

    /// `resolve()`: `#id` finds a contained resource of `%resource` (or `%rootResource`), `#`
    /// the resource itself; anything else goes to the environment's resolver.
    private func resolve(_ item: FHIRPathItem) -> FHIRPathNode? {
        var reference: String?
        if case .node(let node) = item, node.primitiveKind == nil {
            reference = node.element.child("reference")?.value
        } else {
            reference = item.stringValue
        }
        guard let reference else { return nil }
        if reference.hasPrefix("#") {
            let id = reference.dropFirst()
            for container in [resource, rootResource].compactMap({ $0 }) {
                if id.isEmpty { return container }
                for contained in container.element.children where contained.name == "contained" {
                    if contained.child("id")?.value == String(id) {
                        return FHIRPathNode(resource: contained, catalogue: catalogue)
                    }
                }
            }
            return nil
        }
        return environment.resolveReference?(reference)
    }

    private func conforms(_ item: FHIRPathItem, to url: String) throws -> Bool {
        let prefix = "http://hl7.org/fhir/StructureDefinition/"
        guard url.hasPrefix(prefix), catalogue.types[String(url.dropFirst(prefix.count))] != nil else {
            throw fail("conformsTo() can check only the base FHIR types")
        }
        guard case .node(let node) = item else { return false }
        return isNode(node, ofType: String(url.dropFirst(prefix.count)))
    }

    /// Membership in a required ValueSet the catalogue expanded; `nil` when it cannot tell.
    private func isMember(_ item: FHIRPathItem, of url: String) -> Bool? {
        let canonical = url.split(separator: "|", maxSplits: 1).first.map(String.init) ?? url
        guard let valueSet = catalogue.valueSets[canonical] else { return nil }
        guard case .node(let node) = item, node.primitiveKind == nil else {
            return item.stringValue.flatMap { valueSet.contains(code: $0) }
        }
        let codings = node.typeName == "CodeableConcept" ? node.element.children("coding") : [node.element]
        var unknown = false
        for coding in codings {
            guard let code = coding.child("code")?.value else { continue }
            let answer = coding.child("system")?.value.map { valueSet.contains(system: $0, code: code) }
                ?? valueSet.contains(code: code)
            if answer == true { return true }
            if answer == nil { unknown = true }
        }
        return unknown ? nil : false
    }
}

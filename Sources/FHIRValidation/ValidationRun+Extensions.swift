import FHIRCore

/// Extensions (extensibility.html §2.17.1): `Extension.url` is absolute, and a core extension's
/// value and sub-extensions are those of its definition (the catalogue's `X` records, generated
/// from the core package).
///
/// A URL in the core namespace that R4 does not define is a warning, not an error: HL7 publishes
/// further extensions in that namespace outside the core specification (the extensions pack,
/// `hl7.fhir.uv.extensions`, e.g. `artifact-versionAlgorithm`, `itemWeight`), US Core uses
/// them, and the gateway does not have their definitions. Such an extension is not checked.
///
/// Extensions from other namespaces that this gateway does not know (neither core nor in the
/// profile registry) are not reported: R4 says an application "SHALL NOT reject resources
/// merely because they contain extensions that it doesn't understand" and may ignore them
/// (extensibility.html §2.17.1.1), real EHR data carries many (US Core, vendor extensions), and
/// the gateway cannot fetch their definitions. The reference validator's default makes them
/// errors; here they stay silent. A modifier extension that is not known cannot be safely
/// ignored (§2.17.1.3: it may change the meaning of the element), so it is a warning.
extension ValidationRun {
    static let coreExtensionNamespace = "http://hl7.org/fhir/StructureDefinition/"

    mutating func checkExtension(_ node: FHIRElement, isSubExtension: Bool, isModifier: Bool) {
        guard let url = node.child("url")?.value else { return }  // Extension.url 1..1 reports it
        let isAbsolute = ReferenceResolution.hasScheme(url)
        // A sub-extension's relative url names a slice of its parent's definition, checked there.
        if isSubExtension && !isAbsolute { return }
        guard isAbsolute else {
            report(.error, .structure, "Extension.url must be an absolute URI (extensibility.html §2.17.1)", child: "url")
            return
        }
        guard let definition = catalogue.extensionDefinitions[url] else {
            guard registry.profiles[url] == nil else { return }
            if url.hasPrefix(Self.coreExtensionNamespace) {
                report(.warning, .notSupported,
                       "the extension URL is in the core namespace but R4 defines no such extension (it may come from "
                           + "HL7's extensions pack, which this gateway does not have): it is not checked",
                       child: "url")
            }
            if isModifier {
                report(.warning, .notSupported,
                       "a modifier extension this gateway does not know: the meaning of the element may differ")
            }
            return
        }
        checkValue(of: node, min: definition.hasValue ? definition.valueMin : 0,
                   types: definition.hasValue ? definition.valueTypes : [], child: nil)
        let children = node.children("extension")
        guard !children.isEmpty || !definition.subExtensions.isEmpty else { return }
        if definition.hasValue {
            if !children.isEmpty {
                report(.error, .structure, "the extension's definition allows no sub-extensions", child: "extension[0]")
            }
            return
        }
        var counts = [Int](repeating: 0, count: definition.subExtensions.count)
        for (index, child) in children.enumerated() {
            guard let subURL = child.child("url")?.value else { continue }
            guard let position = definition.subExtensions.firstIndex(where: { $0.url == subURL }) else {
                if !ReferenceResolution.hasScheme(subURL) {
                    report(.error, .structure, "a sub-extension that the extension's definition does not define",
                           child: "extension[\(index)]")
                }
                continue
            }
            counts[position] += 1
            let sub = definition.subExtensions[position]
            if counts[position] > sub.max, counts[position] - 1 == sub.max {  // reported once
                report(.error, .structure, "the sub-extension occurs more often than its definition allows",
                       child: "extension[\(index)]")
            }
            checkValue(of: child, min: 0, types: sub.valueTypes, child: "extension[\(index)]")
        }
        for (position, sub) in definition.subExtensions.enumerated() where counts[position] < sub.min {
            report(.error, .required, "a sub-extension the extension's definition requires is missing")
        }
    }

    /// `types`: `nil` any type, `[]` no value allowed.
    private mutating func checkValue(of node: FHIRElement, min: Int, types: [String]?, child: String?) {
        guard let value = node.children.first(where: { $0.name.hasPrefix("value") && $0.name.count > 5 }) else {
            if min > 0 { report(.error, .required, "the extension's definition requires a value", child: child) }
            return
        }
        guard let types else { return }
        let suffix = value.name.dropFirst(5)
        let allowed = types.contains { type in
            type.utf8.count == suffix.utf8.count && type.dropFirst() == suffix.dropFirst()
                && type.first?.uppercased() == suffix.first.map(String.init)
        }
        if !allowed {
            let path = child.map { $0 + "." + value.name } ?? value.name
            report(.error, .structure, types.isEmpty
                ? "the extension's definition allows no value"
                : "the extension's definition allows a value of type \(types.joined(separator: ", ")) only", child: path)
        }
    }
}

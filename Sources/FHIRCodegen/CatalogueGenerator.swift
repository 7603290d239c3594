/// Renders the type catalogue of every R4 base type as line-oriented, tab-separated text.
///
/// The catalogue is data, not code: a 12,000-entry array literal once made `swiftc -O` run out
/// of memory (PLATFORM-NOTES.md), while the same data as one string literal compiles at once and
/// is parsed at start-up by `FHIRCore.TypeCatalogue`. Line kinds (fields separated by a tab):
///
///     T  kind(p|c|r)  name  base  abstract(0|1)  json(s|n|b|-)  regex|-
///     E  path  min  max  types|#contentReference  flags|-  binding|-
///     C  key  severity(e|w)  expression  human
///     V  valueSetURL  +|-reason
///     S  system  code  code  ...
///     X  extensionURL  contexts|*  valueMin:valueTypes|*|-  subExtension  subExtension  ...
///
/// `E` lines follow their `T` line in snapshot (definition) order. Flags: `a` XML attribute,
/// `m` modifier, `s` summary. Bindings are `R:` required, `X:` extensible, `P:` preferred.
/// A `Reference` type lists its target resource types: `Reference(Organization|Practitioner)`;
/// no list means any resource. `C` lines are the invariants a structure defines itself (the
/// snapshot repeats inherited ones, e.g. `ele-1` on every element; validators apply those through
/// the type hierarchy instead): after a `T` line they belong to the type, after an `E` line to
/// that element.
///
/// `X` lines are the core extension definitions (StructureDefinitions of type Extension):
/// contexts are `e:path` (element) or `x:url` (extension) separated by spaces, `*` when one is a
/// FHIRPath context (not checked); the value is `min:types` (types separated by `,`), `*` for
/// any type and `-` for a complex extension (no value); each sub-extension of a complex one is
/// `min:max:types:url` with the same type notation.
public struct CatalogueGenerator {
    typealias JSONObject = DefinitionsPackage.JSONObject

    private let package: DefinitionsPackage

    public init(package: DefinitionsPackage) {
        self.package = package
    }

    /// The catalogue text: deterministic for a given package.
    public func catalogueText() -> String {
        var lines: [String] = ["# FHIR \(package.version) type catalogue from hl7.fhir.r4.core (generated; do not edit)"]
        var boundValueSets: Set<String> = []

        let types = package.structureDefinitions
            .filter { ($0["derivation"] as? String) == "specialization" || $0["baseDefinition"] == nil }
            .filter { ["primitive-type", "complex-type", "resource"].contains($0["kind"] as? String ?? "") }
            .sorted { sortKey($0) < sortKey($1) }

        for structure in types {
            lines.append(typeLine(structure))
            let kind = structure["kind"] as? String
            let name = structure["type"] as? String ?? ""
            let url = structure["url"] as? String ?? ""
            let snapshot = (structure["snapshot"] as? JSONObject)?["element"] as? [JSONObject] ?? []
            if let root = snapshot.first { lines += constraintLines(root, definedBy: url) }
            for element in snapshot.dropFirst() {
                let path = element["path"] as? String ?? ""
                // A primitive's `value` is the JSON value or XML attribute itself, not a child.
                if kind == "primitive-type" && path == "\(name).value" { continue }
                let (line, valueSet) = elementLine(element, resourceName: kind == "resource" ? name : nil)
                lines.append(line)
                lines += constraintLines(element, definedBy: url)
                if let valueSet { boundValueSets.insert(valueSet) }
            }
        }

        let expander = ValueSetExpander(package: package)
        for url in boundValueSets.sorted() {
            switch expander.expand(url) {
            case .notExpandable(let reason):
                lines.append("V\t\(url)\t-\(reason)")
            case .expanded(let expansion):
                lines.append("V\t\(url)\t+")
                for group in expansion.codesBySystem {
                    lines.append((["S", group.system] + group.codes).joined(separator: "\t"))
                }
            }
        }
        lines += extensionLines()
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `X` records, sorted by URL.
    private func extensionLines() -> [String] {
        let definitions = package.structureDefinitions
            .filter { ($0["type"] as? String) == "Extension" && ($0["derivation"] as? String) == "constraint" }
            .sorted { ($0["url"] as? String ?? "") < ($1["url"] as? String ?? "") }
        return definitions.compactMap { definition in
            guard let url = definition["url"] as? String else { return nil }
            var contexts: [String] = []
            for context in definition["context"] as? [JSONObject] ?? [] {
                let expression = context["expression"] as? String ?? ""
                switch context["type"] as? String {
                case "element": contexts.append("e:" + expression)
                case "extension": contexts.append("x:" + expression)
                default: contexts = ["*"]
                }
                if contexts == ["*"] { break }
            }
            if contexts.isEmpty || contexts.contains(where: { $0.contains(" ") || $0.contains("\t") }) { contexts = ["*"] }
            let snapshot = (definition["snapshot"] as? JSONObject)?["element"] as? [JSONObject] ?? []
            func element(_ id: String) -> JSONObject? { snapshot.first { ($0["id"] as? String) == id } }
            func valueField(_ prefix: String) -> String {
                guard let value = element(prefix + "value[x]"), (value["max"] as? String) != "0" else { return "-" }
                let types = (value["type"] as? [JSONObject] ?? []).compactMap { $0["code"] as? String }
                let min = (value["min"] as? Int) ?? 0
                return "\(min):" + (types.isEmpty || types.count > 20 ? "*" : types.joined(separator: ","))
            }
            var fields = ["X", url, contexts.joined(separator: " "), valueField("Extension.")]
            for slice in snapshot where (slice["path"] as? String) == "Extension.extension" && slice["sliceName"] != nil {
                guard let id = slice["id"] as? String, !id.dropFirst("Extension.extension:".count).contains(".") else { continue }
                let subURL = element(id + ".url")?["fixedUri"] as? String ?? String(id.dropFirst("Extension.extension:".count))
                let min = (slice["min"] as? Int) ?? 0
                let max = slice["max"] as? String ?? "*"
                let value = valueField(id + ".")
                fields.append("\(min):\(max):\(value == "-" ? "-" : String(value.drop { $0 != ":" }.dropFirst())):\(subURL)")
            }
            return fields.joined(separator: "\t")
        }
    }

    /// The Swift source file that embeds the catalogue text.
    public func swiftSource() -> String {
        """
        // Generated by fhir-codegen from hl7.fhir.r4.core \(package.version). Do not edit:
        // regenerate with `swift run fhir-codegen ../shared/fhir-r4/definitions`.
        // The FHIR definitions are CC0-1.0 (HL7 International); see ../shared/fhir-r4/README.md.

        extension TypeCatalogue {
            /// The catalogue as text; `TypeCatalogue.r4` parses it once, on first use.
            static let r4Text: String = #\"\"\"
        \(catalogueText())\"\"\"#
        }

        """
    }

    private func sortKey(_ structure: JSONObject) -> String {
        let order = ["primitive-type": "0", "complex-type": "1", "resource": "2"]
        return (order[structure["kind"] as? String ?? ""] ?? "9") + (structure["type"] as? String ?? "")
    }

    private func typeLine(_ structure: JSONObject) -> String {
        let kind = structure["kind"] as? String
        let name = structure["type"] as? String ?? ""
        let base = (structure["baseDefinition"] as? String).map { String($0.split(separator: "/").last ?? "") } ?? "-"
        let abstract = (structure["abstract"] as? Bool ?? false) ? "1" : "0"
        var json = "-"
        var regex = "-"
        if kind == "primitive-type" {
            let snapshot = (structure["snapshot"] as? JSONObject)?["element"] as? [JSONObject] ?? []
            let value = snapshot.first { ($0["path"] as? String) == "\(name).value" }
            let valueType = (value?["type"] as? [JSONObject])?.first
            json = jsonRepresentation(systemType: valueType?["code"] as? String ?? "")
            // positiveInt and unsignedInt type their value as System.String in the R4 snapshot, yet
            // json.html §2.6.2 writes them as numbers: they inherit their base primitive's form.
            if json == "s", let baseName = structure["baseDefinition"].flatMap({ ($0 as? String)?.split(separator: "/").last }),
               let baseJSON = primitiveJSONForm(String(baseName)) {
                json = baseJSON
            }
            let extensions = valueType?["extension"] as? [JSONObject] ?? []
            regex = extensions.first { ($0["url"] as? String)?.hasSuffix("/regex") == true }?["valueString"] as? String ?? "-"
        }
        let kindCode = kind == "primitive-type" ? "p" : kind == "complex-type" ? "c" : "r"
        return ["T", kindCode, name, base, abstract, json, regex].joined(separator: "\t")
    }

    private func primitiveJSONForm(_ name: String) -> String? {
        guard let base = package.structureDefinitions.first(where: {
            ($0["kind"] as? String) == "primitive-type" && ($0["type"] as? String) == name
        }) else { return nil }
        let snapshot = (base["snapshot"] as? JSONObject)?["element"] as? [JSONObject] ?? []
        let value = snapshot.first { ($0["path"] as? String) == "\(name).value" }
        let code = ((value?["type"] as? [JSONObject])?.first?["code"] as? String) ?? ""
        return jsonRepresentation(systemType: code)
    }

    /// FHIR JSON writes booleans and numbers bare and everything else as a string (json.html §2.6.2).
    private func jsonRepresentation(systemType: String) -> String {
        switch systemType {
        case "http://hl7.org/fhirpath/System.Boolean": "b"
        case "http://hl7.org/fhirpath/System.Integer", "http://hl7.org/fhirpath/System.Decimal": "n"
        default: "s"
        }
    }

    private func elementLine(_ element: JSONObject, resourceName: String?) -> (String, String?) {
        let path = element["path"] as? String ?? ""
        let min = (element["min"] as? Int).map(String.init) ?? "0"
        let max = element["max"] as? String ?? "*"
        var types: String
        if let reference = element["contentReference"] as? String {
            types = reference
        } else {
            types = (element["type"] as? [JSONObject] ?? []).map { typeCode($0, path: path, resourceName: resourceName) }
                .joined(separator: ",")
        }
        if types.isEmpty { types = "-" }

        var flags = ""
        if (element["representation"] as? [String])?.contains("xmlAttr") == true { flags += "a" }
        if element["isModifier"] as? Bool == true { flags += "m" }
        if element["isSummary"] as? Bool == true { flags += "s" }

        var binding = "-"
        var boundValueSet: String?
        if let bindingObject = element["binding"] as? JSONObject, let valueSet = bindingObject["valueSet"] as? String {
            let url = stripVersion(valueSet)
            switch bindingObject["strength"] as? String {
            case "required": binding = "R:" + url; boundValueSet = url
            case "extensible": binding = "X:" + url; boundValueSet = url
            case "preferred": binding = "P:" + url; boundValueSet = url
            default: break
            }
        }
        let line = ["E", path, min, max, types, flags.isEmpty ? "-" : flags, binding].joined(separator: "\t")
        return (line, boundValueSet)
    }

    /// The element's own invariants with a FHIRPath expression. Tabs and line breaks in the
    /// expression and the human text become spaces, so every record stays on one line.
    private func constraintLines(_ element: JSONObject, definedBy url: String) -> [String] {
        (element["constraint"] as? [JSONObject] ?? []).compactMap { constraint in
            let source = constraint["source"] as? String
            guard source == nil || source == url,
                  let key = constraint["key"] as? String,
                  let expression = constraint["expression"] as? String
            else { return nil }
            let severity = (constraint["severity"] as? String) == "warning" ? "w" : "e"
            let human = constraint["human"] as? String ?? ""
            return ["C", key, severity, singleLine(expression), singleLine(human)].joined(separator: "\t")
        }
    }

    private func singleLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// Element ids and `Extension.url` are typed by their FHIRPath system type in the snapshot,
    /// with the FHIR type in the `structuredefinition-fhir-type` extension; the catalogue wants
    /// the FHIR type.
    private func typeCode(_ type: JSONObject, path: String, resourceName: String?) -> String {
        let code = type["code"] as? String ?? ""
        if code == "Reference" {
            let targets = (type["targetProfile"] as? [String] ?? [])
                .map { String($0.split(separator: "/").last ?? "") }
                .filter { $0 != "Resource" }
            return targets.isEmpty ? code : "Reference(\(targets.joined(separator: "|")))"
        }
        guard code.hasPrefix("http://hl7.org/fhirpath/System.") else { return code }
        // R4 resource.html declares `Resource.id` as `id`; the snapshot's fhir-type says `string`.
        if let resourceName, path == "\(resourceName).id" { return "id" }
        let extensions = type["extension"] as? [JSONObject] ?? []
        let fhirType = extensions.first { ($0["url"] as? String)?.hasSuffix("structuredefinition-fhir-type") == true }
        return fhirType?["valueUrl"] as? String ?? fhirType?["valueUri"] as? String ?? "string"
    }
}

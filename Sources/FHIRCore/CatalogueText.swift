/// The generated catalogue text, split into its records (format: `FHIRCodegen.CatalogueGenerator`).
struct CatalogueText {
    struct TypeRecord {
        let kindCode: Substring
        let name: String
        let baseName: String?
        let isAbstract: Bool
        let jsonForm: FHIRElement.Form
        let regex: String?
        var elementRange: Range<Int>
        var constraints: [Constraint] = []
    }

    struct ElementRecord {
        var definition: ElementDefinition
        let owner: String
    }

    var typeRecords: [TypeRecord] = []
    var elements: [ElementRecord] = []
    var valueSets: [String: ValueSetExpansion] = [:]
    var extensionDefinitions: [String: ExtensionDefinition] = [:]

    init(_ text: String) throws {
        var pendingValueSet: (url: String, codes: [String: Set<String>])?
        func finishValueSet() {
            if let pending = pendingValueSet {
                valueSets[pending.url] = ValueSetExpansion(
                    url: pending.url, codesBySystem: pending.codes, notExpandableReason: nil)
            }
            pendingValueSet = nil
        }

        var lineNumber = 0
        // `C` lines belong to the record just before them: a type's root or an element.
        var constraintsFollowType = false
        for line in text.splitLines() {
            lineNumber += 1
            if line.hasPrefix("#") { continue }
            let fields = line.splitFields()
            func field(_ index: Int) throws -> Substring {
                guard index < fields.count else {
                    throw TypeCatalogue.FormatError(line: lineNumber, reason: "missing field \(index)")
                }
                return fields[index]
            }
            switch fields.first {
            case "T":
                let json = try field(5)
                let regex = try field(6)
                let base = try field(3)
                typeRecords.append(
                    TypeRecord(
                        kindCode: try field(1), name: String(try field(2)),
                        baseName: base == "-" ? nil : String(base), isAbstract: try field(4) == "1",
                        jsonForm: json == "n" ? .number : json == "b" ? .boolean : [],
                        regex: regex == "-" ? nil : String(regex),
                        elementRange: elements.count..<elements.count))
                constraintsFollowType = true
            case "E":
                guard !typeRecords.isEmpty else {
                    throw TypeCatalogue.FormatError(line: lineNumber, reason: "element before any type")
                }
                elements.append(ElementRecord(definition: try Self.element(fields, line: lineNumber),
                                              owner: typeRecords[typeRecords.count - 1].name))
                typeRecords[typeRecords.count - 1].elementRange = typeRecords[typeRecords.count - 1]
                    .elementRange.lowerBound..<elements.count
                constraintsFollowType = false
            case "C":
                guard !typeRecords.isEmpty, fields.count == 5 else {
                    throw TypeCatalogue.FormatError(line: lineNumber, reason: "malformed constraint record")
                }
                let constraint = Constraint(
                    key: String(fields[1]), severity: fields[2] == "w" ? .warning : .error,
                    expression: String(fields[3]), human: String(fields[4]))
                if constraintsFollowType {
                    typeRecords[typeRecords.count - 1].constraints.append(constraint)
                } else {
                    elements[elements.count - 1].definition.constraints.append(constraint)
                }
            case "V":
                finishValueSet()
                let url = String(try field(1))
                let status = try field(2)
                if status == "+" {
                    pendingValueSet = (url, [:])
                } else {
                    valueSets[url] = ValueSetExpansion(
                        url: url, codesBySystem: nil, notExpandableReason: String(status.dropFirst()))
                }
            case "S":
                guard pendingValueSet != nil else {
                    throw TypeCatalogue.FormatError(line: lineNumber, reason: "codes outside a value set")
                }
                let system = String(try field(1))
                pendingValueSet!.codes[system, default: []].formUnion(fields.dropFirst(2).map(String.init))
            case "X":
                finishValueSet()
                guard let definition = ExtensionDefinition(fields: fields.dropFirst()) else {
                    throw TypeCatalogue.FormatError(line: lineNumber, reason: "malformed extension record")
                }
                extensionDefinitions[definition.url] = definition
            default:
                throw TypeCatalogue.FormatError(line: lineNumber, reason: "unknown record kind")
            }
        }
        finishValueSet()
    }

    private static func element(_ fields: [Substring], line: Int) throws -> ElementDefinition {
        guard fields.count == 7, let min = Int(fields[2]) else {
            throw TypeCatalogue.FormatError(line: line, reason: "malformed element record")
        }
        let path = String(fields[1])
        let last = path.splitFields(UInt8(ascii: "."), omittingEmpty: true).last.map(String.init) ?? path
        let isChoice = last.hasSuffix("[x]")
        let flags = fields[5]
        // `Reference(Organization|Practitioner)` is the type `Reference` with its targets.
        var types: [String] = []
        var referenceTargets: [String] = []
        if !fields[4].hasPrefix("#") && fields[4] != "-" {
            for code in fields[4].splitFields(UInt8(ascii: ","), omittingEmpty: true) {
                if code.hasPrefix("Reference("), code.hasSuffix(")") {
                    types.append("Reference")
                    referenceTargets += code.dropFirst("Reference(".count).dropLast().split(separator: "|").map(String.init)
                } else {
                    types.append(String(code))
                }
            }
        }
        var binding: ElementDefinition.Binding?
        if fields[6] != "-" {
            let strength: ElementDefinition.Binding.Strength =
                switch fields[6].prefix(1) {
                case "R": .required
                case "X": .extensible
                default: .preferred
                }
            binding = .init(strength: strength, valueSet: String(fields[6].dropFirst(2)))
        }
        return ElementDefinition(
            path: path, name: isChoice ? String(last.dropLast(3)) : last, isChoice: isChoice,
            min: min, max: fields[3] == "*" ? Int.max : Int(fields[3]) ?? 1,
            types: types, referenceTargets: referenceTargets,
            contentReference: fields[4].hasPrefix("#") ? String(fields[4].dropFirst()) : nil,
            isXMLAttribute: flags.contains("a"), isModifier: flags.contains("m"), isSummary: flags.contains("s"),
            binding: binding, constraints: [])
    }
}

import FHIRCore
/// The search parameters of every R4 resource type, from the official SearchParameters as
/// `fhir-codegen` renders them (`Generated/R4SearchParametersText.swift`; the line format is
/// `FHIRCodegen.SearchParameterGenerator`'s), parsed once on first use of `r4`.
public struct SearchParameterCatalogue: Sendable {
    /// Every type's parameters, sorted by name.
    let sortedByType: [String: [SearchParameterDefinition]]
    let byType: [String: [String: SearchParameterDefinition]]
    let byURL: [String: SearchParameterDefinition]
    /// Compartment → resource type → the parameters that put a resource of it in the
    /// compartment (the `C` lines).
    let compartments: [String: [String: [String]]]

    /// The official R4 (4.0.1) search parameters.
    public static let r4: SearchParameterCatalogue = {
        do {
            return try SearchParameterCatalogue(text: r4Text)
        } catch {
            // The text is generated and checked by tests; failing here is a build defect.
            fatalError("the generated R4 search parameters do not parse: \(error)")
        }
    }()

    /// A line of the text that does not parse.
    public struct FormatError: Error, CustomStringConvertible {
        public let line: Int
        public let reason: String
        public var description: String { "search parameter line \(line): \(reason)" }
    }

    /// Parses text in the generator's format; `#` lines are comments.
    public init(text: String) throws {
        var sorted: [String: [SearchParameterDefinition]] = [:]
        var byURL: [String: SearchParameterDefinition] = [:]
        var lineNumber = 0
        // The same target lists recur (146 types for a reference to any resource): one array each.
        var lists: [Substring: [String]] = [:]
        var compartments: [String: [String: [String]]] = [:]
        for line in text.splitLines() {
            lineNumber += 1
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("C\t") {
                let fields = line.splitFields()
                guard fields.count == 4, !fields[3].isEmpty else {
                    throw FormatError(line: lineNumber, reason: "expected a C record of 4 fields")
                }
                compartments[String(fields[1]), default: [:]][String(fields[2])] = fields[3].splitFields(UInt8(ascii: ","), omittingEmpty: true).map(String.init)
                continue
            }
            let definition = try Self.definition(line, number: lineNumber, lists: &lists)
            sorted[definition.resourceType, default: []].append(definition)
            if byURL[definition.url] == nil { byURL[definition.url] = definition }
        }
        for type in sorted.keys { sorted[type]!.sort { $0.name < $1.name } }
        self.sortedByType = sorted
        self.byType = sorted.mapValues { definitions in
            Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        }
        self.byURL = byURL
        self.compartments = compartments
    }

    /// The parameters whose references put a `resourceType` resource in a `compartment`
    /// compartment (compartmentdefinition.html), e.g. `Observation` in `Patient`: `subject`,
    /// `performer`; empty when no resource of the type is ever in it.
    public func compartmentParameters(_ compartment: String, of resourceType: String) -> [String] {
        compartments[compartment]?[resourceType] ?? []
    }

    private static func definition(
        _ line: Substring, number: Int, lists: inout [Substring: [String]]
    ) throws -> SearchParameterDefinition {
        let fields = line.splitFields()
        guard fields.count >= 9, fields[0] == "P", (fields.count - 9) % 2 == 0 else {
            throw FormatError(line: number, reason: "expected a P record of 9 fields and component pairs")
        }
        guard let type = SearchParameterType(rawValue: String(fields[4])) else {
            throw FormatError(line: number, reason: "unknown parameter type")
        }
        func list(_ field: Substring) -> [String] {
            if field == "-" { return [] }
            if let known = lists[field] { return known }
            let values = field.splitFields(UInt8(ascii: ","), omittingEmpty: true).map(String.init)
            lists[field] = values
            return values
        }
        var components: [SearchParameterDefinition.Component] = []
        var index = 9
        while index + 1 < fields.count {
            components.append(.init(definition: String(fields[index]), expression: String(fields[index + 1])))
            index += 2
        }
        return SearchParameterDefinition(
            name: String(fields[2]), url: String(fields[3]), type: type,
            expression: fields[5] == "-" ? nil : String(fields[5]), resourceType: String(fields[1]),
            targets: list(fields[6]), modifiers: list(fields[7]), comparators: list(fields[8]), components: components)
    }

    /// Every parameter of a resource type, including those of `Resource` and `DomainResource`,
    /// sorted by name.
    public func parameters(of resourceType: String) -> [SearchParameterDefinition] {
        sortedByType[resourceType] ?? []
    }

    /// The parameter `name` of a resource type, or nil when R4 defines none.
    public func parameter(_ name: String, of resourceType: String) -> SearchParameterDefinition? {
        byType[resourceType]?[name]
    }

    /// A definition by canonical URL (composite components name theirs); any of its bases.
    public func definition(url: String) -> SearchParameterDefinition? {
        byURL[url]
    }

    /// A component's definition as it applies to `resourceType` (a composite's component URL
    /// names a multi-base parameter such as `clinical-code`), else any of its bases.
    public func definition(url: String, for resourceType: String) -> SearchParameterDefinition? {
        if let own = sortedByType[resourceType]?.first(where: { $0.url == url }) { return own }
        return byURL[url]
    }

    /// The resource types that have parameters, sorted.
    public var resourceTypes: [String] { sortedByType.keys.sorted() }

    /// How many (resource type, parameter) pairs.
    public var count: Int { sortedByType.values.reduce(0) { $0 + $1.count } }
}

import Foundation

/// The parts of an `hl7.fhir.r4.core` package folder that the catalogue is generated from.
///
/// Only specialisations (the base types themselves, not profiles on them) contribute types;
/// ValueSets and CodeSystems are indexed by canonical URL so required bindings can be expanded;
/// SearchParameters are kept in file-name order for `SearchParameterGenerator`.
public struct DefinitionsPackage {
    public typealias JSONObject = [String: Any]

    public let version: String
    public let structureDefinitions: [JSONObject]
    public let valueSets: [String: JSONObject]
    public let codeSystems: [String: JSONObject]
    public let searchParameters: [JSONObject]
    /// The CompartmentDefinitions (Patient, Encounter, RelatedPerson, Practitioner, Device).
    public let compartmentDefinitions: [JSONObject]

    public enum LoadError: Error, CustomStringConvertible {
        case missingPackageManifest(String)
        case unreadable(String)

        public var description: String {
            switch self {
            case .missingPackageManifest(let folder): "no package.json in \(folder): not an FHIR package folder"
            case .unreadable(let file): "cannot read \(file) as JSON"
            }
        }
    }

    public init(folder: URL) throws {
        let fileManager = FileManager.default
        let manifestURL = folder.appendingPathComponent("package.json")
        guard let manifest = try? Self.readObject(manifestURL) else {
            throw LoadError.missingPackageManifest(folder.path)
        }
        version = manifest["version"] as? String ?? "unknown"

        var structures: [JSONObject] = []
        var valueSets: [String: JSONObject] = [:]
        var codeSystems: [String: JSONObject] = [:]
        var searchParameters: [JSONObject] = []
        var compartments: [JSONObject] = []
        let names = try fileManager.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names where name.hasSuffix(".json") {
            let isStructure = name.hasPrefix("StructureDefinition-")
            let isValueSet = name.hasPrefix("ValueSet-")
            let isCodeSystem = name.hasPrefix("CodeSystem-")
            let isSearchParameter = name.hasPrefix("SearchParameter-")
            let isCompartment = name.hasPrefix("CompartmentDefinition-")
            guard isStructure || isValueSet || isCodeSystem || isSearchParameter || isCompartment else { continue }
            let url = folder.appendingPathComponent(name)
            guard let object = try? Self.readObject(url) else { throw LoadError.unreadable(name) }
            if isStructure {
                structures.append(object)
            } else if isSearchParameter {
                searchParameters.append(object)
            } else if isCompartment {
                // The package's example (a Device compartment of two types) is not one of R4's own.
                if object["id"] as? String != "example" { compartments.append(object) }
            } else if let canonical = object["url"] as? String {
                if isValueSet { valueSets[canonical] = object } else { codeSystems[canonical] = object }
            }
        }
        self.structureDefinitions = structures
        self.valueSets = valueSets
        self.codeSystems = codeSystems
        self.compartmentDefinitions = compartments
        self.searchParameters = searchParameters
    }

    private static func readObject(_ url: URL) throws -> JSONObject {
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? JSONObject else {
            throw LoadError.unreadable(url.lastPathComponent)
        }
        return object
    }
}

import FHIRCore
import FHIRJSON
import Foundation

/// The conformance resources the validator knows beyond base R4: profiles (and extension
/// definitions) by canonical URL, and the ValueSets and CodeSystems their bindings use.
/// Loaded from a folder such as `Profiles/`; every file is read by our own strict JSON reader.
public struct ProfileRegistry: Sendable {
    public private(set) var profiles: [String: StructureProfile] = [:]
    /// ValueSet URL → its codes by system, for ValueSets defined here.
    private(set) var valueSets: [String: [String: Set<String>]] = [:]
    private var codeSystems: [String: Set<String>] = [:]

    public init() {}

    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public let file: String
        public let reason: String
        public var description: String { "\(file): \(reason)" }

        public init(file: String, reason: String) {
            self.file = file
            self.reason = reason
        }
    }

    /// Reads every `*.json` file of a folder; a file that does not read, or a profile that
    /// cannot be applied, is an error (a registry silently missing a profile would let
    /// non-conforming data through).
    public init(folder: URL) throws(LoadError) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        var resources: [(file: String, resource: FHIRElement)] = []
        for name in names.sorted() where name.hasSuffix(".json") {
            let file = folder.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw LoadError(file: name, reason: "cannot be read")
            }
            let read = FHIRJSONReader().read(Array(data))
            guard let resource = read.resource, !read.hasErrors else {
                throw LoadError(file: name, reason: read.issues.first?.description ?? "not a FHIR resource")
            }
            resources.append((name, resource))
        }
        for (name, resource) in resources {
            do {
                try add(resource)
            } catch {
                throw LoadError(file: name, reason: error.description)
            }
        }
    }

    /// Adds a StructureDefinition (constraint), ValueSet or CodeSystem; other resources are ignored.
    public mutating func add(_ resource: FHIRElement) throws(ProfileError) {
        switch resource.resourceType {
        case "StructureDefinition":
            let profile = try StructureProfile(resource)
            profiles[profile.url] = profile
        case "CodeSystem":
            guard let url = resource.child("url")?.value else { return }
            codeSystems[url] = Self.codes(of: resource.children("concept"))
            expandValueSets()
        case "ValueSet":
            guard let url = resource.child("url")?.value else { return }
            pendingValueSets[url] = resource
            expandValueSets()
        default:
            break
        }
    }

    private var pendingValueSets: [String: FHIRElement] = [:]

    /// Expands the ValueSets whose includes are explicit concepts or whole CodeSystems known
    /// here; the others stay unexpanded and their bindings are not checked.
    private mutating func expandValueSets() {
        for (url, valueSet) in pendingValueSets {
            var codes: [String: Set<String>] = [:]
            var complete = true
            for include in valueSet.child("compose")?.children("include") ?? [] {
                guard let system = include.child("system")?.value, include.child("filter") == nil else {
                    complete = false
                    continue
                }
                let concepts = include.children("concept").compactMap { $0.child("code")?.value }
                if !concepts.isEmpty {
                    codes[system, default: []].formUnion(concepts)
                } else if let all = codeSystems[system] {
                    codes[system, default: []].formUnion(all)
                } else {
                    complete = false
                }
            }
            if complete { valueSets[url] = codes }
        }
    }

    private static func codes(of concepts: [FHIRElement]) -> Set<String> {
        var codes: Set<String> = []
        for concept in concepts {
            if let code = concept.child("code")?.value { codes.insert(code) }
            codes.formUnion(Self.codes(of: concept.children("concept")))
        }
        return codes
    }

    /// The profile and the profiles it derives from, most general first; core bases end the chain.
    func chain(for url: String) -> [StructureProfile] {
        var chain: [StructureProfile] = []
        var next = profiles[url]
        while let profile = next, chain.count < 16, !chain.contains(where: { $0.url == profile.url }) {
            chain.insert(profile, at: 0)
            next = profiles[profile.baseDefinition]
        }
        return chain
    }

    /// The ValueSet's codes by system, from here or from the core catalogue; `nil` if unknown.
    func expansion(of url: String, catalogue: TypeCatalogue) -> ValueSetExpansion? {
        let url = String(url.split(separator: "|")[0])
        if let codes = valueSets[url] {
            return ValueSetExpansion(url: url, codesBySystem: codes, notExpandableReason: nil)
        }
        return catalogue.valueSets[url]
    }
}

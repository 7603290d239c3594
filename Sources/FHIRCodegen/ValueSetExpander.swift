/// Expands the ValueSets that required bindings point at, using only the package's own
/// CodeSystems, the way a terminology server would for `$expand` without filters.
///
/// A ValueSet is expandable when every `include` is either an explicit concept list, a whole
/// CodeSystem the package holds completely, or another expandable ValueSet. Filters, external
/// code systems (SNOMED CT, LOINC, UCUM, BCP-47, MIME types) and fragments make it
/// non-expandable; the catalogue records that so validation can say "not checked" honestly.
struct ValueSetExpander {
    typealias JSONObject = DefinitionsPackage.JSONObject

    /// Codes grouped by system, in a stable order.
    struct Expansion: Equatable {
        var codesBySystem: [(system: String, codes: [String])]

        static func == (lhs: Expansion, rhs: Expansion) -> Bool {
            lhs.codesBySystem.elementsEqual(rhs.codesBySystem) { $0.system == $1.system && $0.codes == $1.codes }
        }
    }

    enum Outcome {
        case expanded(Expansion)
        case notExpandable(reason: String)
    }

    let package: DefinitionsPackage

    func expand(_ url: String) -> Outcome {
        var visiting: Set<String> = []
        return expand(url, visiting: &visiting)
    }

    private func expand(_ url: String, visiting: inout Set<String>) -> Outcome {
        guard let valueSet = package.valueSets[url] else { return .notExpandable(reason: "not in package") }
        guard visiting.insert(url).inserted else { return .notExpandable(reason: "circular") }
        defer { visiting.remove(url) }
        guard let compose = valueSet["compose"] as? JSONObject else { return .notExpandable(reason: "no compose") }

        var included: [String: [String]] = [:]
        var systemOrder: [String] = []
        func add(_ system: String, _ codes: [String]) {
            if included[system] == nil { systemOrder.append(system); included[system] = [] }
            for code in codes where !included[system]!.contains(code) { included[system]!.append(code) }
        }

        for include in compose["include"] as? [JSONObject] ?? [] {
            switch codes(of: include, visiting: &visiting) {
            case .notExpandable(let reason): return .notExpandable(reason: reason)
            case .expanded(let expansion): for group in expansion.codesBySystem { add(group.system, group.codes) }
            }
        }
        for exclude in compose["exclude"] as? [JSONObject] ?? [] {
            guard let system = exclude["system"] as? String, let concepts = exclude["concept"] as? [JSONObject]
            else { return .notExpandable(reason: "exclude without concept list") }
            let removed = Set(concepts.compactMap { $0["code"] as? String })
            included[system]?.removeAll { removed.contains($0) }
        }
        let groups = systemOrder.compactMap { system -> (system: String, codes: [String])? in
            guard let codes = included[system], !codes.isEmpty else { return nil }
            return (system, codes)
        }
        return .expanded(Expansion(codesBySystem: groups))
    }

    private func codes(of include: JSONObject, visiting: inout Set<String>) -> Outcome {
        if include["filter"] != nil { return .notExpandable(reason: "filter") }
        var groups: [(system: String, codes: [String])] = []
        if let nested = include["valueSet"] as? [String] {
            for url in nested {
                switch expand(stripVersion(url), visiting: &visiting) {
                case .notExpandable(let reason): return .notExpandable(reason: reason)
                case .expanded(let expansion): groups += expansion.codesBySystem
                }
            }
        }
        if let system = include["system"] as? String {
            if let concepts = include["concept"] as? [JSONObject] {
                groups.append((system, concepts.compactMap { $0["code"] as? String }))
            } else {
                guard let codeSystem = package.codeSystems[system] else {
                    return .notExpandable(reason: "code system \(system) not in package")
                }
                guard codeSystem["content"] as? String == "complete" else {
                    return .notExpandable(reason: "code system \(system) not complete in package")
                }
                var all: [String] = []
                collectCodes(codeSystem["concept"] as? [JSONObject] ?? [], into: &all)
                groups.append((system, all))
            }
        }
        return .expanded(Expansion(codesBySystem: groups))
    }

    private func collectCodes(_ concepts: [JSONObject], into codes: inout [String]) {
        for concept in concepts {
            if let code = concept["code"] as? String { codes.append(code) }
            collectCodes(concept["concept"] as? [JSONObject] ?? [], into: &codes)
        }
    }
}

/// Canonical references in bindings carry a `|4.0.1` version suffix; the index is by bare URL.
func stripVersion(_ canonical: String) -> String {
    guard let bar = canonical.firstIndex(of: "|") else { return canonical }
    return String(canonical[..<bar])
}

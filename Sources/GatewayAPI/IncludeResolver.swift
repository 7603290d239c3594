import FHIRSearch
import GatewayStore

/// `_include` and `_revinclude` (search.html §3.1.1.5.4): the resources a page's matches refer
/// to, and those that refer to them, each once and never a match again; `:iterate` follows the
/// included ones too, up to `maxRounds`. Only what the client may read is added: types its
/// scopes name, inside its data boundary (`DataBoundary`).
struct IncludeResolver {
    let store: any StoreReader
    let access: DataBoundary
    /// The most resources added to one page.
    let limit: Int
    static let maxRounds = 4

    /// The resources to add, and whether more were left out at `limit` (the response says so).
    func resolve(_ parsed: ParsedSearch, matches: [StoredResource]) throws -> (resources: [StoredResource], truncated: Bool) {
        guard !parsed.includes.isEmpty || !parsed.revincludes.isEmpty else { return ([], false) }
        var seen = Set(matches.map { "\($0.type)/\($0.id)" })
        var added: [StoredResource] = []
        var frontier = matches
        for round in 0..<Self.maxRounds {
            var found: [StoredResource] = []
            for include in parsed.includes where round == 0 || include.iterate {
                found += try forward(include, from: frontier)
            }
            for include in parsed.revincludes where round == 0 || include.iterate {
                found += try reverse(include, to: frontier)
            }
            var fresh: [StoredResource] = []
            for resource in found where seen.insert("\(resource.type)/\(resource.id)").inserted {
                guard added.count < limit else { return (added, true) }
                added.append(resource)
                fresh.append(resource)
            }
            guard !fresh.isEmpty, parsed.includes.contains(where: \.iterate) || parsed.revincludes.contains(where: \.iterate) else {
                break
            }
            frontier = fresh
        }
        return (added, false)
    }

    private func forward(_ include: IncludeRequest, from sources: [StoredResource]) throws -> [StoredResource] {
        let ids = sources.filter { $0.type == include.sourceType }.map(\.id)
        guard !ids.isEmpty else { return [] }
        var byType: [String: [String]] = [:]
        for reference in try store.indexedReferences(type: include.sourceType, ids: ids, parameter: include.parameter) {
            let parts = reference.target.split(separator: "/")
            guard parts.count == 2 else { continue }  // a URL on another server or a canonical
            let type = String(parts[0])
            if let target = include.targetType, target != type { continue }
            guard access.mayRead(type) else { continue }
            byType[type, default: []].append(String(parts[1]))
        }
        var found: [StoredResource] = []
        for (type, ids) in byType.sorted(by: { $0.key < $1.key }) {
            found += try store.readCurrent(type: type, ids: Array(Set(ids)).sorted()).sorted { $0.id < $1.id }
        }
        return try access.filter(found, in: store)
    }

    private func reverse(_ include: IncludeRequest, to targets: [StoredResource]) throws -> [StoredResource] {
        guard access.mayRead(include.sourceType) else { return [] }
        let references = targets.filter { include.targetType == nil || $0.type == include.targetType }.map { "\($0.type)/\($0.id)" }
        // One more than the limit, so a cut is seen as one.
        let referencing = try store.referencingResources(
            type: include.sourceType, parameter: include.parameter, targets: references, limit: limit + 1)
        return try access.filter(referencing, in: store)
    }
}

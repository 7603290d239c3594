/// What a request does to a resource type, in the terms of SMART App Launch v2 scopes
/// (§ Scopes for requesting FHIR resources: `c`reate, `r`ead, `u`pdate, `d`elete, `s`earch).
public enum ResourceInteraction: Character, Sendable, Hashable, CaseIterable {
    case create = "c", read = "r", update = "u", delete = "d", search = "s"
}

/// One `system/…` scope granted to an API client: a resource type (or `*`) and the
/// interactions it allows.
///
/// SMART v2 spells the interactions as letters in the order `cruds` (`system/Patient.cru`,
/// `system/*.rs`); v1's `read` (= `rs`), `write` (= `cud`) and `*` (= all) are accepted too, as
/// SMART v2 §"Scopes for requesting FHIR resources" asks servers to during the transition. The
/// gateway has no user or patient context, so only `system/` scopes mean anything.
///
/// A v2 restriction (`system/Observation.rs?category=laboratory`, §"Finer-grained resource
/// constraints using search parameters") narrows the scope to the resources that search would
/// find; the API applies it as search criteria (`DataBoundary`), never ignores it.
public struct SMARTScope: Sendable, Hashable, CustomStringConvertible {
    /// A resource type, or `*` for every type.
    public var resourceType: String
    public var interactions: Set<ResourceInteraction>
    /// The query after `?`, as written (`category=laboratory&status=final`); nil: every
    /// resource of the type.
    public var restriction: String?

    public init(resourceType: String, interactions: Set<ResourceInteraction>, restriction: String? = nil) {
        self.resourceType = resourceType
        self.interactions = interactions
        self.restriction = restriction
    }

    /// nil when `text` is not a `system/` resource scope this server understands.
    public init?(_ text: String) {
        guard text.hasPrefix("system/"), !text.contains("#"), !text.contains(" ") else { return nil }
        let parts = text.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].split(separator: "&").allSatisfy({ $0.contains("=") }) else { return nil }
            restriction = String(parts[1])
        }
        let body = parts[0].dropFirst("system/".count)
        guard let dot = body.lastIndex(of: ".") else { return nil }
        let type = String(body[..<dot])
        let access = String(body[body.index(after: dot)...])
        guard type == "*" || Self.isResourceTypeName(type) else { return nil }
        switch access {
        case "*": interactions = Set(ResourceInteraction.allCases)
        case "read": interactions = [.read, .search]
        case "write": interactions = [.create, .update, .delete]
        default:
            // v2: a non-empty subsequence of "cruds", in that order, each letter once.
            var remaining = Substring("cruds")
            var found: Set<ResourceInteraction> = []
            for letter in access {
                guard let position = remaining.firstIndex(of: letter), let interaction = ResourceInteraction(rawValue: letter)
                else { return nil }
                found.insert(interaction)
                remaining = remaining[remaining.index(after: position)...]
            }
            guard !found.isEmpty else { return nil }
            interactions = found
        }
        resourceType = type
    }

    public func allows(_ interaction: ResourceInteraction, on type: String) -> Bool {
        (resourceType == "*" || resourceType == type) && interactions.contains(interaction)
    }

    /// Whether the scope grants anything at all on the type (for `$validate`, which reads and
    /// writes nothing but is still about that type).
    public func coversType(_ type: String) -> Bool {
        resourceType == "*" || resourceType == type
    }

    /// What both scopes grant (a token's scopes are those requested that the registration
    /// allows): the narrower type, the common interactions, and both restrictions; nil when
    /// they share nothing.
    public func intersection(_ other: SMARTScope) -> SMARTScope? {
        let type: String
        switch (resourceType, other.resourceType) {
        case ("*", let named), (let named, "*"): type = named
        case let (a, b) where a == b: type = a
        default: return nil
        }
        let common = interactions.intersection(other.interactions)
        guard !common.isEmpty else { return nil }
        let restrictions = Set([restriction, other.restriction].compactMap { $0 })
        return SMARTScope(
            resourceType: type, interactions: common,
            restriction: restrictions.isEmpty ? nil : restrictions.sorted().joined(separator: "&"))
    }

    /// The v2 spelling, e.g. `system/Patient.cru`, `system/Observation.rs?category=laboratory`.
    public var description: String {
        "system/\(resourceType)." + String(ResourceInteraction.allCases.filter(interactions.contains).map(\.rawValue))
            + (restriction.map { "?" + $0 } ?? "")
    }

    static func isResourceTypeName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first >= 0x41 && first <= 0x5A else { return false }
        return name.utf8.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}

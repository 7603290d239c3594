/// Which identifiers make two participant records the same person: the deployment's
/// participant-matching policy (README, "Identity").
///
/// Two records match when they share an identifier (same system and value) that the policy
/// lets match: by default a medical record number (type `MR` of v2-0203) and an identifier the
/// gateway issued itself. A national or travel document (SSN, driver's licence, passport) never
/// matches on its own, whatever a deployment configures: they are reused, mistyped and shared in
/// families far more often than MRNs, and a wrong merge discloses one person's care to another's
/// PCP. Records that share such an identifier, or that match but disagree on birth date or name,
/// are not merged: they wait for a person to decide (`IdentityAssessment.review`).
public struct IdentityPolicy: Hashable, Sendable, Codable {
    /// v2-0203 type codes whose identifiers match (default `MR`).
    public var matchingTypes: Set<String>
    /// Identifier systems that match whatever their type: exact URIs, or a prefix ending in `*`
    /// (`https://iop.example.org/fhir/sid/*`). The gateway's own systems belong here.
    public var matchingSystems: [String]
    /// Whether records that share only identifiers that cannot match (an SSN, a driver's
    /// licence, an unlisted system) are held for review rather than kept apart silently.
    public var reviewsSharedNonMatchingIdentifiers: Bool

    public init(matchingTypes: Set<String> = ["MR"], matchingSystems: [String] = [],
                reviewsSharedNonMatchingIdentifiers: Bool = true) {
        self.matchingTypes = matchingTypes
        self.matchingSystems = matchingSystems
        self.reviewsSharedNonMatchingIdentifiers = reviewsSharedNonMatchingIdentifiers
    }

    /// Identifier types that never match alone: social security (`SS`, also `SB`), driver's
    /// licence (`DL`), passport (`PPN`).
    public static let documentTypes: Set<String> = ["SS", "SB", "DL", "PPN"]
    /// Systems of those documents, whatever type the sender gave: the US SSN as a URI and as an
    /// OID, and the US states' driver's licence OIDs (`2.16.840.1.113883.4.3.<state>`).
    public static let documentSystems = [
        "http://hl7.org/fhir/sid/us-ssn", "urn:oid:2.16.840.1.113883.4.1", "urn:oid:2.16.840.1.113883.4.3.*",
        "http://hl7.org/fhir/sid/passport-*",
    ]

    /// A deployment's policy file: each key may be left out for its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        matchingTypes = try container.decodeIfPresent(Set<String>.self, forKey: .matchingTypes) ?? ["MR"]
        matchingSystems = try container.decodeIfPresent([String].self, forKey: .matchingSystems) ?? []
        reviewsSharedNonMatchingIdentifiers = try container.decodeIfPresent(
            Bool.self, forKey: .reviewsSharedNonMatchingIdentifiers) ?? true
    }

    /// This policy with more systems that match (the gateway's own, added to any deployment's).
    public func matching(systems: [String]) -> IdentityPolicy {
        var policy = self
        for system in systems where !policy.matchingSystems.contains(system) { policy.matchingSystems.append(system) }
        return policy
    }

    /// Whether this identifier may, alone, make two records one person.
    public func canMatch(_ identifier: BusinessIdentifier) -> Bool {
        guard identifier.isUsable, !Self.isDocument(identifier) else { return false }
        if let type = identifier.type, matchingTypes.contains(type) { return true }
        return matchingSystems.contains { Self.system(identifier.system, fits: $0) }
    }

    /// An SSN, a driver's licence or a passport, by type or by system.
    public static func isDocument(_ identifier: BusinessIdentifier) -> Bool {
        if let type = identifier.type, documentTypes.contains(type) { return true }
        return documentSystems.contains { system(identifier.system, fits: $0) }
    }

    static func system(_ system: String, fits pattern: String) -> Bool {
        pattern.hasSuffix("*") ? system.hasPrefix(pattern.dropLast()) : system == pattern
    }
}

import FHIRSearch
import GatewayStore

/// What the client of the request in progress may see and write, beyond the types its scopes
/// name: the resources inside the compartments of the patients linked to its organizations
/// (`APIClient.organizations`), and, for a SMART v2 scope with a restriction
/// (`system/Observation.rs?category=laboratory`), the resources that search finds.
///
/// Both are search criteria (`SearchCriterion`), so one definition serves a search (ANDed to
/// the client's own), a read (the resource must match it), `_include`/`_revinclude`, history,
/// and writes (checked inside the write's unit of work), on either engine. What lies outside is
/// answered as if it did not exist (404, left out of a Bundle), so existence does not leak.
///
/// A patient is linked to an organization when its `generalPractitioner` is the organization
/// or a PractitionerRole of it, its `managingOrganization` is the organization, or a
/// ServiceRequest (the referral) for it was requested by the organization or a PractitionerRole
/// of it. Membership of the Patient compartment is R4's CompartmentDefinition (generated into
/// the search catalogue); a type with no compartment parameter (Practitioner, Medication, …) is
/// outside every boundary, except the client's own Organizations.
///
/// The organizations (by id or identifier) and their PractitionerRoles are looked up first
/// (`resolved(in:)`, two indexed queries, inside the unit of work that then uses them), so the
/// criteria compare reference targets directly instead of nesting chains, which keeps the SQL
/// shallow (SQLite's parser has a fixed depth) and fast.
struct DataBoundary: Sendable {
    /// nil: no authentication in front of the API (tests, `validate`-only set-ups): everything.
    let client: APIClient?
    /// `Organization/<id>` of the client's organizations and `PractitionerRole/<id>` of their
    /// roles, once `resolved(in:)`; nil before.
    private(set) var organizationTargets: [String]?
    private(set) var roleTargets: [String]?

    init(client: APIClient?) {
        self.client = client
    }

    /// This boundary with the client's organizations and their roles looked up in `reader`.
    func resolved(in reader: any StoreReader) throws -> DataBoundary {
        guard let organizations = client?.organizations, !organizations.isEmpty else { return self }
        var copy = self
        var ids = organizations.compactMap { if case .id(let id) = $0 { id } else { nil } }
        let identifiers = organizations.compactMap { organization -> TokenMatch? in
            guard case .identifier(let system, let value) = organization else { return nil }
            return TokenMatch(system: .exactly(system), code: value)
        }
        if !identifiers.isEmpty {
            ids += try Self.all(ResourceQuery(type: "Organization", criteria: [.token("identifier", identifiers)]), in: reader)
        }
        let organizationTargets = Array(Set(ids)).sorted().map { "Organization/\($0)" }
        copy.organizationTargets = organizationTargets
        copy.roleTargets = organizationTargets.isEmpty ? [] : try Self.all(
            ResourceQuery(type: "PractitionerRole", criteria: [.reference("organization", organizationTargets.map(ReferenceMatch.target))]),
            in: reader
        ).map { "PractitionerRole/\($0)" }
        return copy
    }

    /// The ids of every match, page by page (a practice has few organizations and roles).
    private static func all(_ query: ResourceQuery, in reader: any StoreReader) throws -> [String] {
        var query = query
        query.count = 500
        query.sort = [.id(descending: false)]
        var ids: [String] = []
        while true {
            let page = try reader.search(query)
            ids += page.resources.map(\.id)
            guard let next = page.next, ids.count < 10_000 else { return ids }
            query.cursor = next
        }
    }

    /// The authenticated client of the current request, if any.
    static var current: DataBoundary {
        DataBoundary(client: RequestObservation.current?.authenticated)
    }

    /// Whether the client's scopes name the type at all for reading (what `_include`,
    /// `_revinclude` and system history check before the criteria).
    func mayRead(_ type: String) -> Bool {
        client?.allows(.read, on: type) ?? true
    }

    /// nil: every `type` resource (as far as the scopes go). Otherwise the criterion a `type`
    /// resource must match for `interaction`.
    func criterion(for type: String, _ interaction: ResourceInteraction) -> SearchCriterion? {
        guard let client else { return nil }
        let parts = [organizationCriterion(for: type, client.organizations), restrictionCriterion(for: type, interaction, client)]
            .compactMap { $0 }
        switch parts.count {
        case 0: return nil
        case 1: return parts[0]
        default: return .allOf(parts)
        }
    }

    /// Bounded by organizations that have not been looked up yet.
    private var needsResolving: Bool {
        organizationTargets == nil && client?.organizations.isEmpty == false
    }

    var isBounded: Bool {
        guard let client else { return false }
        return !client.organizations.isEmpty || client.scopes.contains { $0.restriction != nil }
    }

    // MARK: Checking resources

    /// The ids among `ids` of `type` that the client may see for `interaction` (a resolved boundary).
    func visible(type: String, ids: [String], _ interaction: ResourceInteraction, in reader: any StoreReader) throws -> Set<String> {
        if needsResolving { return try resolved(in: reader).visible(type: type, ids: ids, interaction, in: reader) }
        guard let criterion = criterion(for: type, interaction) else { return Set(ids) }
        var found: Set<String> = []
        // In slices, so the statement's placeholders stay few.
        for start in stride(from: 0, to: ids.count, by: 200) {
            let slice = Array(ids[start..<min(ids.count, start + 200)])
            let query = ResourceQuery(type: type, criteria: [.id(slice), criterion], count: slice.count)
            found.formUnion(try reader.search(query).resources.map(\.id))
        }
        return found
    }

    func permits(type: String, id: String, _ interaction: ResourceInteraction, in reader: any StoreReader) throws -> Bool {
        try visible(type: type, ids: [id], interaction, in: reader).contains(id)
    }

    /// The resources the client may see, in their order.
    func filter(_ resources: [StoredResource], in reader: any StoreReader) throws -> [StoredResource] {
        guard isBounded else { return resources }
        if needsResolving { return try resolved(in: reader).filter(resources, in: reader) }
        var visibleIDs: [String: Set<String>] = [:]
        for (type, group) in Dictionary(grouping: resources, by: \.type) {
            visibleIDs[type] = try visible(type: type, ids: group.map(\.id), .read, in: reader)
        }
        return resources.filter { visibleIDs[$0.type]?.contains($0.id) == true }
    }

    // MARK: Organizations

    private func organizationCriterion(for type: String, _ organizations: [OrganizationSelector]) -> SearchCriterion? {
        guard !organizations.isEmpty else { return nil }
        // Unresolved, or none of the organizations is on record: nothing is inside.
        guard let organizationTargets, let roleTargets, !organizationTargets.isEmpty else { return .id([]) }
        let organizationIs = organizationTargets.map(ReferenceMatch.target)
        let organizationOrRole = (organizationTargets + roleTargets).map(ReferenceMatch.target)
        let linked = SearchCriterion.anyOf([
            .reference("general-practitioner", organizationOrRole),
            .reference("organization", organizationIs),
            .referencedBy(type: "ServiceRequest", parameter: "subject", criterion: .reference("requester", organizationOrRole)),
        ])
        switch type {
        case "Organization":
            return .id(organizationTargets.map { String($0.dropFirst("Organization/".count)) })
        case "Patient":
            return .anyOf([linked, .reference("link", [.chained(type: "Patient", criterion: linked)])])
        default:
            let parameters = SearchParameterCatalogue.r4.compartmentParameters("Patient", of: type)
            guard !parameters.isEmpty else { return .id([]) }
            return .anyOf(parameters.map { .reference($0, [.chained(type: "Patient", criterion: linked)]) })
        }
    }

    // MARK: Scope restrictions

    /// nil when a scope grants the interaction on the type without restriction; otherwise any
    /// of the restricted scopes' searches.
    private func restrictionCriterion(for type: String, _ interaction: ResourceInteraction, _ client: APIClient) -> SearchCriterion? {
        let granting = client.scopes.filter { $0.allows(interaction, on: type) }
        guard !granting.isEmpty else { return .id([]) }
        if granting.contains(where: { $0.restriction == nil }) { return nil }
        let alternatives = granting.compactMap(\.restriction).map { Self.restriction($0, type: type) }
        return alternatives.count == 1 ? alternatives[0] : .anyOf(alternatives)
    }

    /// A restriction as the criteria of that search on `type`; one this server cannot apply to
    /// the type matches nothing (the load of the clients file refuses those it can check).
    static func restriction(_ query: String, type: String) -> SearchCriterion {
        let items = QueryParameters(query).items
        guard let parsed = try? SearchQueryParser(baseURL: "").parse(type: type, items),
              !parsed.query.criteria.isEmpty, parsed.includes.isEmpty, parsed.revincludes.isEmpty
        else { return .id([]) }
        let criteria = parsed.query.criteria
        return criteria.count == 1 ? criteria[0] : .allOf(criteria)
    }
}

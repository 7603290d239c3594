import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// Primary care: practices (Organization, or a Practitioner working alone) and clinicians
/// (Practitioner, PractitionerRole), resolved within the input.
extension InboundRun {
    /// Which Organization each Practitioner works for: from PractitionerRoles, and from Patients
    /// whose `generalPractitioner` names one Organization beside Practitioners.
    func learnAffiliations() {
        for position in input.entries.indices {
            switch input.entries[position].resource {
            case .practitionerRole(let role):
                if let practitioner = input.resolve(role.practitioner, from: position),
                   let organization = input.resolve(role.organization, from: position) {
                    affiliation[practitioner.key] = organization
                }
            case .patient(let patient):
                let targets = patient.generalPractitioner.compactMap { input.resolve($0, from: position) }
                let organizations = targets.filter { input.resource(at: $0)?.resourceType == "Organization" }
                guard organizations.count == 1 else { continue }
                for target in targets where input.resource(at: target)?.resourceType == "Practitioner" {
                    affiliation[target.key] = affiliation[target.key] ?? organizations[0]
                }
            default: continue
            }
        }
    }

    /// The PCP a reference names: an Organization (the practice), a Practitioner (with the
    /// practice they work for, else their own), or a PractitionerRole (both).
    func provider(for reference: Reference?, from position: Int) -> PrimaryCareProvider? {
        guard let target = input.resolve(reference, from: position) else { return nil }
        return provider(at: target)
    }

    func provider(at target: ResolvedTarget) -> PrimaryCareProvider? {
        switch input.resource(at: target) {
        case .organization(let organization):
            return PrimaryCareProvider(practiceID: practiceID(organization, at: target))
        case .practitioner(let practitioner):
            let clinician = clinician(practitioner, at: target)
            return PrimaryCareProvider(practiceID: practiceID(ofPractitioner: practitioner, at: target), clinician: clinician)
        case .practitionerRole(let role):
            mark(target)
            let practitionerTarget = resolveInside(role.practitioner, at: target)
            var clinician: Clinician?
            var practitionerModel: Practitioner?
            if let practitionerTarget, case .practitioner(let practitioner) = input.resource(at: practitionerTarget) {
                clinician = self.clinician(practitioner, at: practitionerTarget)
                practitionerModel = practitioner
            }
            if let organizationTarget = resolveInside(role.organization, at: target),
               case .organization(let organization) = input.resource(at: organizationTarget) {
                return PrimaryCareProvider(practiceID: practiceID(organization, at: organizationTarget), clinician: clinician)
            }
            if let practitionerTarget, let practitionerModel {
                return PrimaryCareProvider(practiceID: practiceID(ofPractitioner: practitionerModel, at: practitionerTarget),
                                           clinician: clinician)
            }
            return nil
        default:
            return nil
        }
    }

    /// A clinician a reference names (a Practitioner or PractitionerRole in the input); a
    /// conditional or logical reference that does not resolve still gives the identifier.
    func clinician(for reference: Reference?, from position: Int) -> Clinician? {
        if let target = input.resolve(reference, from: position) {
            switch input.resource(at: target) {
            case .practitioner(let practitioner): return clinician(practitioner, at: target)
            case .practitionerRole(let role):
                mark(target)
                if let inner = resolveInside(role.practitioner, at: target),
                   case .practitioner(let practitioner) = input.resource(at: inner) {
                    return clinician(practitioner, at: inner)
                }
                return nil
            default: return nil
            }
        }
        var identifiers: [BusinessIdentifier] = []
        if let identifier = reference?.identifier, let system = identifier.system?.value, let value = identifier.value?.value {
            identifiers.append(BusinessIdentifier(system: system, value: value))
        }
        if let text = reference?.reference?.value, let question = text.firstIndex(of: "?") {
            for pair in text[text.index(after: question)...].split(separator: "&") where pair.hasPrefix("identifier=") {
                let parts = String(pair.dropFirst("identifier=".count)).removingPercentEncodingIfAny.split(separator: "|", maxSplits: 1)
                if parts.count == 2 { identifiers.append(BusinessIdentifier(system: String(parts[0]), value: String(parts[1]))) }
            }
        }
        let usable = identifiers.filter(\.isUsable)
        return usable.isEmpty ? nil : Clinician(identifiers: usable, name: PersonName())
    }

    func clinician(_ practitioner: Practitioner, at target: ResolvedTarget) -> Clinician {
        mark(target)
        let identifiers = practitioner.identifier.compactMap(Self.businessIdentifier)
        return Clinician(identifiers: identifiers, name: Self.personName(Self.preferredName(practitioner.name)))
    }

    // MARK: Practices

    func practiceID(_ organization: Organization, at target: ResolvedTarget) -> PrimaryCarePractice.ID {
        mark(target)
        let identifiers = organization.identifier.compactMap(Self.businessIdentifier)
        if let known = configuration.knownPractices.first(where: { !Set($0.identifiers).isDisjoint(with: identifiers) }) {
            remember(known)
            return known.id
        }
        let id: PrimaryCarePractice.ID
        if case .entry(let position) = target, let own = gatewayID(of: input.entries[position]) {
            id = EntityID(own)
        } else if !identifiers.isEmpty {
            id = stableID("practice", identifiers.map { $0.system + "|" + $0.value }.sorted())
        } else {
            id = stableID("practice", [targetIdentity(target)])
        }
        if practices.contains(where: { $0.id == id }) { return id }
        var warnings: [Issue] = []
        let name: String
        if let given = organization.name?.value, given.contains(where: { !$0.isWhitespace }) {
            name = given
        } else {
            name = "Unnamed practice"
            warnings.append(warning(target.owner, nil, "The practice has no name; it is recorded as 'Unnamed practice'"))
        }
        let endpoint = endpoint(of: organization, at: target, warnings: &warnings)
        sideWarnings[target.owner, default: []] += warnings
        do {
            let practice = try PrimaryCarePractice(id: id, name: name, identifiers: identifiers, endpoint: endpoint)
            practices.append(practice)
        } catch {
            preconditionFailure("a practice with a non-blank name is valid")
        }
        return id
    }

    /// A Practitioner named with no Organization: the practice they work for when the input
    /// says so, else a practice of their own (a solo practitioner), with a warning.
    func practiceID(ofPractitioner practitioner: Practitioner, at target: ResolvedTarget) -> PrimaryCarePractice.ID {
        if let organizationTarget = affiliation[target.key], case .organization(let organization) = input.resource(at: organizationTarget) {
            return practiceID(organization, at: organizationTarget)
        }
        mark(target)
        let identifiers = practitioner.identifier.compactMap(Self.businessIdentifier)
        if let known = configuration.knownPractices.first(where: { !Set($0.identifiers).isDisjoint(with: identifiers) }) {
            remember(known)
            return known.id
        }
        let id: PrimaryCarePractice.ID = identifiers.isEmpty
            ? stableID("solo-practice", [targetIdentity(target)])
            : stableID("solo-practice", identifiers.map { $0.system + "|" + $0.value }.sorted())
        if practices.contains(where: { $0.id == id }) { return id }
        let display = Self.personName(Self.preferredName(practitioner.name)).displayText
        let name = display.contains(where: { !$0.isWhitespace }) ? display : "Unnamed practice"
        sideWarnings[target.owner, default: []].append(warning(
            target.owner, nil,
            "The clinician is named without an Organization; the practice is recorded as the clinician's own until configured"))
        var warnings: [Issue] = []
        let endpoint = endpoint(references: [], at: target, warnings: &warnings)
        sideWarnings[target.owner, default: []] += warnings
        if let practice = try? PrimaryCarePractice(id: id, name: name, identifiers: identifiers, endpoint: endpoint) {
            practices.append(practice)
        }
        return id
    }

    /// The practice's endpoint from `Organization.endpoint` (a contained Endpoint or an entry),
    /// else the configured placeholder with a warning.
    func endpoint(of organization: Organization, at target: ResolvedTarget, warnings: inout [Issue]) -> PracticeEndpoint {
        endpoint(references: organization.endpoint, at: target, warnings: &warnings)
    }

    func endpoint(references: [Reference], at target: ResolvedTarget, warnings: inout [Issue]) -> PracticeEndpoint {
        var targets: [EndpointTarget] = []
        var refusedAddress = false
        for reference in references {
            guard let resolved = resolveInside(reference, at: target),
                  case .other(let element)? = input.resource(at: resolved), element.resourceType == "Endpoint",
                  let address = element.child("address")?.value, let url = URL(string: address) else { continue }
            let payloadTypes = element.children("payloadType").compactMap { try? CodeableConcept(element: $0) }
            let profile = Self.deliveryProfile(payloadTypes)
            do {
                let endpointTarget = try EndpointTarget(baseURL: url, deliveryProfile: profile)
                if !targets.contains(where: { $0.baseURL.absoluteString == url.absoluteString }) { targets.append(endpointTarget) }
            } catch {
                refusedAddress = true
            }
        }
        if refusedAddress {
            warnings.append(warning(target.owner, "endpoint", "An endpoint address is not acceptable (https only, no credentials, no query)"))
        }
        if let primary = targets.first, let endpoint = try? PracticeEndpoint(primary: primary, fallback: targets.dropFirst().first) {
            return endpoint
        }
        warnings.append(warning(target.owner, nil,
                                "The practice names no usable endpoint; nothing is sent to it until its endpoint is configured"))
        return configuration.unconfiguredEndpoint
    }

    /// The delivery profile an Endpoint states: our code in `payloadType`, else DocumentReference
    /// only when that is the only payload named, else the common denominator (FHIR-RULES.md).
    static func deliveryProfile(_ payloadTypes: [CodeableConcept]) -> DeliveryProfile {
        for concept in payloadTypes {
            if let code = concept.code(in: IOPCanonical.CodeSystem.deliveryProfile), let profile = DeliveryProfile(rawValue: code) {
                return profile
            }
        }
        return .documentReferenceOnly
    }

    // MARK: Plumbing

    func resolveInside(_ reference: Reference?, at target: ResolvedTarget) -> ResolvedTarget? {
        input.resolve(reference, from: target.owner)
    }

    func mark(_ target: ResolvedTarget) {
        if case .entry(let position) = target { usedAsProvider.insert(position) }
    }

    func remember(_ practice: PrimaryCarePractice) {
        if !practices.contains(where: { $0.id == practice.id }) { practices.append(practice) }
    }

    func targetIdentity(_ target: ResolvedTarget) -> String {
        let entry = input.entries[target.owner]
        switch target {
        case .entry: return entry.fullUrl ?? entry.resource?.resourceID ?? "entry-\(entry.index ?? -1)"
        case .contained(_, let id): return (entry.fullUrl ?? entry.resource?.resourceID ?? "entry-\(entry.index ?? -1)") + "#" + id
        }
    }

    static let v2IdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203"

    static func businessIdentifier(_ identifier: Identifier) -> BusinessIdentifier? {
        guard let system = identifier.system?.value, let value = identifier.value?.value else { return nil }
        // The v2-0203 type is what the identity policy decides on (MR matches, DL never alone).
        let type = identifier.type?.coding.first { $0.system?.value == v2IdentifierType }?.code?.value
        let result = BusinessIdentifier(system: system, value: value, type: type)
        return result.isUsable ? result : nil
    }

    /// `official`, else `usual`, else the first name without a `use` of `old`, else the first.
    static func preferredName(_ names: [HumanName]) -> HumanName? {
        names.first { $0.use?.value == "official" } ?? names.first { $0.use?.value == "usual" }
            ?? names.first { $0.use?.value != "old" } ?? names.first
    }

    static func personName(_ name: HumanName?) -> PersonName {
        guard let name else { return PersonName() }
        return PersonName(prefix: name.prefix.compactMap(\.value), given: name.given.compactMap(\.value),
                          family: name.family?.value, suffix: name.suffix.compactMap(\.value))
    }
}

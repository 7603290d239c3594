import FHIRCore
import FHIRResources

/// Uniform access to what every resource has, whatever its case in `AnyResource`.
extension AnyResource {
    /// `Resource.id`.
    var resourceID: String? {
        switch self {
        case .other(let element): element.child("id")?.value
        default: model?.id?.value
        }
    }

    /// `Resource.meta`.
    var meta: Meta? {
        switch self {
        case .other(let element): element.child("meta").flatMap { try? Meta(element: $0) }
        default: model?.meta
        }
    }

    /// `DomainResource.contained`.
    var containedResources: [AnyResource] {
        switch self {
        case .appointment(let r): r.contained
        case .carePlan(let r): r.contained
        case .communication(let r): r.contained
        case .consent(let r): r.contained
        case .documentReference(let r): r.contained
        case .medicationRequest(let r): r.contained
        case .organization(let r): r.contained
        case .patient(let r): r.contained
        case .practitioner(let r): r.contained
        case .practitionerRole(let r): r.contained
        case .serviceRequest(let r): r.contained
        case .capabilityStatement(let r): r.contained
        case .operationOutcome(let r): r.contained
        case .bundle: []
        case .other(let element): element.children("contained").compactMap { try? AnyResource(element: $0) }
        }
    }

    /// Business identifiers, where the type has them.
    var businessIdentifiers: [Identifier] {
        switch self {
        case .appointment(let r): r.identifier
        case .carePlan(let r): r.identifier
        case .communication(let r): r.identifier
        case .consent(let r): r.identifier
        case .documentReference(let r): r.identifier
        case .medicationRequest(let r): r.identifier
        case .organization(let r): r.identifier
        case .patient(let r): r.identifier
        case .practitioner(let r): r.identifier
        case .practitionerRole(let r): r.identifier
        case .serviceRequest(let r): r.identifier
        case .bundle(let r): r.identifier.map { [$0] } ?? []
        case .capabilityStatement, .operationOutcome: []
        case .other(let element): element.children("identifier").compactMap { try? Identifier(element: $0) }
        }
    }

    /// The `meta.security` codes.
    var securityCodes: Set<String> { Set((meta?.security ?? []).compactMap(\.code?.value)) }

    /// Whether the labels say the resource holds 42 CFR Part 2 records.
    var isLabelledPart2: Bool { !securityCodes.isDisjoint(with: SecurityLabel.part2Markers) }
}

extension Identifier {
    /// `system|value` when both have content.
    var key: String? {
        guard let system = system?.value, let value = value?.value, system.contains(where: { !$0.isWhitespace }),
              value.contains(where: { !$0.isWhitespace }) else { return nil }
        return system + "|" + value
    }
}

extension CodeableConcept {
    /// The code of the first coding in `system`.
    func code(in system: String) -> String? {
        coding.first { $0.system?.value == system }?.code?.value
    }

    /// The text, else the first coding's display.
    var readableText: String? {
        text?.value ?? coding.lazy.compactMap(\.display?.value).first
    }
}

extension Array where Element == Extension {
    /// The value of the first extension with `url`.
    func value(of url: String) -> Extension.ValueX? {
        first { $0.url == url }?.value
    }
}

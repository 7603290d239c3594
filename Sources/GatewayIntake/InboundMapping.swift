import FHIRCore
import IOPMapping

/// The mapper as the intake uses it: FHIR in, domain records and a verdict per resource out.
/// `IOPMapping.FHIRInboundMapper` is the implementation; tests may pass their own.
public protocol InboundMapping: Sendable {
    func map(_ resource: FHIRElement) -> MappingOutcome
}

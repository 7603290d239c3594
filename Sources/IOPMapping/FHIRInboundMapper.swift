import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// FHIR → IOP domain: a verdict per resource (each Bundle entry, or the single resource) and the
/// domain records of those it mapped.
///
/// Patients are mapped first, so that every other resource can name its participant; people are
/// matched on identifiers (`Participant.isSamePerson`), so the same Patient twice is one
/// participant and a couple is two. Domain IDs are deterministic (`StableID`): a resource the
/// gateway already holds (its `fullUrl` is `<IOPCanonical.base>/<Type>/<id>`) keeps its `id`;
/// anything else gets an ID hashed from its identifiers, else its `fullUrl`. So the same file
/// imported twice gives the same IDs. See `MappingLimits` for what is not carried.
public struct FHIRInboundMapper: Sendable {
    public struct Configuration: Sendable {
        /// Practices configured with their endpoints; a referral's practice that shares an
        /// identifier with one of them is that practice (its ID, name and endpoint).
        public var knownPractices: [PrimaryCarePractice]
        /// The endpoint given to a practice that is neither configured nor names a usable
        /// endpoint in the input. `PrimaryCarePractice` requires one; the default names the
        /// reserved `.invalid` domain (RFC 6761), which never resolves, so nothing can be sent
        /// there before an operator configures the practice. The mapper warns when it uses it.
        public var unconfiguredEndpoint: PracticeEndpoint
        /// Which identifiers make two Patients of one input one participant.
        public var identityPolicy: IdentityPolicy

        public init(knownPractices: [PrimaryCarePractice] = [],
                    unconfiguredEndpoint: PracticeEndpoint = Configuration.placeholderEndpoint,
                    identityPolicy: IdentityPolicy = .gateway) {
            self.knownPractices = knownPractices
            self.unconfiguredEndpoint = unconfiguredEndpoint
            self.identityPolicy = identityPolicy
        }

        public static let placeholderEndpoint: PracticeEndpoint = {
            do {
                return try PracticeEndpoint(primary: EndpointTarget(
                    baseURL: URL(string: "https://unconfigured-practice.invalid/fhir")!, deliveryProfile: .documentReferenceOnly))
            } catch {
                preconditionFailure("the placeholder endpoint is a valid https URL")
            }
        }()
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Maps a Bundle (each entry) or a single resource.
    public func map(_ resource: FHIRElement) -> MappingOutcome {
        let input: InboundInput
        do {
            input = try InboundInput(resource)
        } catch {
            let type = resource.resourceType ?? resource.name
            let issue = Issue(.error, .structure, "The resource does not fit the FHIR R4 model: \(error.message)",
                              expression: error.path.isEmpty ? type : error.path)
            return MappingOutcome(entries: [EntryOutcome(entryIndex: nil, resourceType: type, verdict: .refused([issue]))])
        }
        let run = InboundRun(input: input, configuration: configuration)
        return run.execute()
    }
}
